"""`innocluster demo` holds joint projects at every stage: a call in each phase, applications in
every state, experts' submitted reviews, a board session whose minutes every member signed,
implemented projects whose KPIs count, signatures that verify, and nothing new on a second run.

The demo signs documents, and signing's effects (a consent confirming its partner, a signed
agreement starting the project) run after the signing transaction commits: so the demo runs
once for the module, committed, outside the tests' transactions, and the database is flushed
after the module, the reference data put back."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from innocluster.accounts.models import User
from innocluster.core.models import AuditEvent, Notification
from innocluster.documents import storage
from innocluster.documents.fund import fund_organisation
from innocluster.documents.models import Document, Signature
from innocluster.insights import kpis
from innocluster.pki import pades
from innocluster.pki.keystore import forget_cached_keys
from innocluster.pki.models import IssuedCertificate
from innocluster.pki.verify import verify_cms
from innocluster.programmes import demo as programmes_demo
from innocluster.programmes.choices import ApplicationState, CallStatus, ParticipationStatus
from innocluster.programmes.models import Application, Call, ConsortiumMember
from innocluster.projects.models import MilestoneReport, Project, Tranche
from innocluster.registry import demo
from innocluster.registry.models import Organisation, OrganisationRole
from innocluster.registry.reference import load_all
from innocluster.review.models import Assignment, BoardSession, Expert, Review
from tests.conftest import IMMEDIATE_TASKS, tmp_document_store

pytestmark = pytest.mark.django_db

CODES = [spec[0] for spec in programmes_demo.CALLS.values()]
MODELS = (Application, Document, Signature, AuditEvent, Notification, User, IssuedCertificate,
          Assignment, Review, Project, MilestoneReport, Call)  # fmt: skip


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry's demo at a small size (its joint projects without the extras), run twice,
    committed; flushed after the module."""
    var_dir = tmp_path_factory.mktemp("var")
    fast = {
        "VAR_DIR": var_dir,
        "TASKS": IMMEDIATE_TASKS,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "DOCUMENT_STORE_DIR": tmp_document_store(),
    }
    with django_db_blocker.unblock(), override_settings(**fast):
        forget_cached_keys()
        assert not connection.in_atomic_block
        try:
            first = demo.run(40, seed=11)
            before = counts()
            second = demo.run(40, seed=11)
            yield SimpleNamespace(first=first, second=second, before=before, after=counts())
        finally:
            # As the session began: only the reference vocabularies, committed (so the next
            # tests need not load them again each inside its own transaction).
            call_command("flush", interactive=False, verbosity=0)
            load_all()
            forget_cached_keys()


def user(role: str) -> User:
    return User.objects.get(email=f"{role.replace('_', '-')}@{demo.EMAIL_DOMAIN}")


def demo_applications():
    return Application.objects.filter(call__code__in=CODES)


def test_a_call_in_each_phase_and_an_application_in_every_state(demo_data):
    assert demo_data.first.created_organisations == 40
    calls = Call.objects.filter(code__in=CODES)
    assert {c.status for c in calls} == set(CallStatus.values)
    assert programmes_demo.states_present() == set(ApplicationState.values)
    # Closed calls: everything was submitted before the deadline, decided after it.
    for application in demo_applications().exclude(state=ApplicationState.DRAFT):
        call = application.call
        assert application.submitted_at < call.deadline, application.title
        if application.decided_at is not None:
            assert application.decided_at > call.deadline > application.submitted_at
    # Every consortium satisfies its call: confirmed partners (by signed consents), an SME.
    submitted = demo_applications().exclude(state=ApplicationState.DRAFT)
    assert not ConsortiumMember.objects.filter(application__in=submitted).exclude(
        status=ParticipationStatus.CONFIRMED
    )
    for consent in Document.objects.filter(doc_type="consent"):
        assert consent.status == "signed"


def test_reasons_are_given_where_the_workflow_asks_for_them(demo_data):
    returned = demo_applications().get(state=ApplicationState.REVISION_REQUESTED)
    event = AuditEvent.objects.get(
        action="application.request_revision", object_id=str(returned.pk)
    )
    assert "отчетность" in event.summary
    terminated = Project.objects.get(application__state=ApplicationState.TERMINATED)
    assert terminated.termination_reason and terminated.terminated_at
    for state, action in (("rejected", "reject"), ("waitlisted", "waitlist")):
        for application in demo_applications().filter(state=state):
            event = AuditEvent.objects.get(
                action=f"application.{action}", object_id=str(application.pk)
            )
            assert len(event.summary) > 40, state  # the reasons the lead is sent


def test_experts_review_and_the_board_signs_its_minutes(demo_data):
    assert Expert.objects.count() >= 7
    submitted = Review.objects.filter(submitted_at__isnull=False)
    assert submitted.values("assignment__expert").distinct().count() >= 5
    assert all(r.total is not None and r.comments.get("") for r in submitted)
    # The demo expert has reviews in and one still to do (an application in review).
    mine = Assignment.objects.filter(expert__user=user("expert"))
    assert mine.filter(status="submitted").exists()
    assert mine.filter(status="assigned", application__state=ApplicationState.IN_REVIEW).exists()
    # An expert declined one application, with the reason the operators see.
    declined = Assignment.objects.get(status="declined")
    assert declined.decline_reason == "capacity" and declined.decline_comment
    session = BoardSession.objects.get()
    assert session.minutes_signed_at is not None and session.closed_at is not None
    assert user("board_member") in session.members.all() and session.members.count() == 3
    minutes = Document.objects.get(pk=session.minutes_document_id)
    assert minutes.status == "signed"
    signatures = list(minutes.signatures.all())
    assert {s.signer_id for s in signatures} == set(session.members.values_list("pk", flat=True))
    for signature in signatures:
        assert signature.organisation == fund_organisation()
        report = verify_cms(storage.get(signature.version.sha256), bytes(signature.cms_der))
        assert report.valid, report.to_dict()


def test_projects_report_and_the_kpis_count_the_implemented_ones(demo_data):
    completed = Project.objects.filter(application__state=ApplicationState.COMPLETED)
    assert completed.count() >= 1
    for project in completed:
        assert project.completed_at is not None
        reports = MilestoneReport.objects.filter(project=project)
        assert reports.count() == project.application.milestones.count()
        assert set(reports.values_list("state", flat=True)) == {"accepted"}
        assert set(Tranche.objects.filter(project=project).values_list("state", flat=True)) == {
            "paid"
        }
    running = Project.objects.get(application__state=ApplicationState.IN_IMPLEMENTATION)
    assert MilestoneReport.objects.filter(project=running, state="accepted").count() == 1
    assert Tranche.objects.filter(project=running, state="paid").count() == 1
    waiting = Project.objects.get(application__state=ApplicationState.AGREEMENT)
    agreement = Document.objects.get(pk=waiting.agreements.get().document_id)
    assert agreement.status == "partly_signed"  # the lead signed; the Fund's turn
    overall = kpis.overall()
    assert overall.implemented_projects == completed.count()
    assert overall.terminated_projects == 1 and overall.projects_in_implementation == 1
    assert overall.results["jobs"] > 0 and overall.results["taxes_rub"] > 0
    assert overall.payback_ratio is not None and overall.approval_rate is not None
    assert overall.median_days_to_decision is not None and overall.median_days_to_decision > 0


def test_signatures_verify(demo_data):
    types = ("consent", "application", "grant_agreement", "acceptance_act", "board_minutes")
    documents = Document.objects.filter(doc_type__in=types)
    enhanced = Signature.objects.filter(document__in=documents, kind="enhanced")
    assert enhanced.count() >= 30
    for signature in enhanced.select_related("version"):
        report = verify_cms(storage.get(signature.version.sha256), bytes(signature.cms_der))
        assert report.valid, (signature.document.title, report.to_dict())
    # The Fund's director countersigned the agreements and the acts inside the PDF (PAdES).
    director = user("fund_director")
    fund_signed = Document.objects.filter(
        doc_type__in=["grant_agreement", "acceptance_act"], signatures__kind="pades"
    ).distinct()
    assert fund_signed.count() >= 5
    for document in fund_signed:
        assert document.signatures.get(kind="pades").signer == director
        reports = pades.verify_pdf(storage.get(document.current_version.sha256))
        assert reports and all(r.valid for r in reports), document.title


def test_the_demo_users_see_their_part(demo_data, client):
    member = user("member")
    member_org = Organisation.objects.get(name_ru="ООО «Демо Инновации»")
    assert OrganisationRole.objects.filter(
        organisation=member_org, user=member, role="signatory"
    ).exists()
    own = demo_applications().filter(lead=member_org)
    assert {a.state for a in own} >= {"draft", "submitted", "revision_requested", "completed"}
    with translation.override("en"):
        client.force_login(member)
        page = client.get("/applications/").content.decode()
        for application in own:
            assert application.title in page
        client.force_login(user("expert"))
        page = client.get("/review/").content.decode()
        pending = Assignment.objects.filter(expert__user=user("expert"), status="assigned")
        assert pending.exists()
        for assignment in pending.select_related("application"):
            assert assignment.application.title in page
        client.force_login(user("fund_operator"))
        assert client.get("/manage/kpis/").status_code == 200
        response = client.get("/api/v1/kpis")
        assert response.status_code == 200
        row = response.json()["rows"][0]
        assert row["implemented_projects"] == kpis.overall().implemented_projects >= 1
    assert Notification.objects.filter(recipient=member).exists()


def test_a_second_run_creates_nothing_new(demo_data):
    assert demo_data.after == demo_data.before
    assert demo_data.second.created_organisations == 0
    assert demo_data.before["Application"] >= len(ApplicationState.values)


def test_inside_a_transaction_the_demo_does_nothing_and_says_why(demo_data):
    before = counts()
    result = programmes_demo.run({}, None)
    assert result.skipped and result.calls == 0
    assert counts() == before
