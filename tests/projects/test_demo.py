"""The demo helper takes an approved application to each stage through the services."""

import pytest

from innocluster.documents.signing import countersign_as_fund, sign_simple
from innocluster.projects.demo import advance
from tests.accounts.factories import PASSWORD
from tests.projects.factories import approved

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stage", "state"),
    [
        ("agreement", "agreement"),
        ("reported", "in_implementation"),
        ("completed", "completed"),
        ("terminated", "terminated"),
    ],
)
def test_advance(team, stage, state, django_capture_on_commit_callbacks):
    application = approved(team)

    def signed(sign):
        def run(document):
            with django_capture_on_commit_callbacks(execute=True):
                sign(document)

        return run

    project = advance(
        application,
        to=stage,
        operator=team.operator,
        reporter=team.editor,
        sign_lead=signed(lambda d: sign_simple(d, team.signatory, password=PASSWORD)),
        sign_fund=signed(lambda d: countersign_as_fund(d, team.fund_signer)),
    )
    project.application.refresh_from_db()
    assert project.application.state == state
    if stage == "completed":
        assert set(project.tranches.values_list("state", flat=True)) == {"paid"}
        assert project.completed_at is not None
    if stage == "reported":
        assert project.reports.get().state == "submitted"
