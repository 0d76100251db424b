"""NDA-protected text never reaches anyone who may not read it, through every path this part
of the exchange owns: the challenge's page, the list, the edit page, the API list and detail,
both CSV exports, the solution page and the notices. A unique marker word stands in the
protected fields; where it may not be read, it is in no response body."""

import pytest
from django.core import mail
from django.test import Client

from innocluster.core.models import Notification
from innocluster.exchange import services
from tests.accounts.factories import FundOperatorFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import MARKER, NdaChallengeFactory, SolutionFactory, person_of

pytestmark = pytest.mark.django_db

VIEWERS = ("anonymous", "member", "fund_staff", "accepted", "owner")
SEES = {"anonymous": False, "member": False, "fund_staff": False, "accepted": True, "owner": True}


@pytest.fixture
def challenge():
    return NdaChallengeFactory()


def client_for(kind: str, challenge) -> Client:
    client = Client()
    if kind == "anonymous":
        return client
    if kind == "fund_staff":
        user = FundOperatorFactory()
    elif kind == "owner":
        user = person_of(challenge.owner, "viewer")
    else:
        user = person_of(MemberOrganisationFactory(), "editor")
        if kind == "accepted":
            services.accept_nda(challenge, user, accept=True)
    client.force_login(user)
    return client


def bodies(client, challenge) -> dict:
    """Every read path, by name: the response body as text."""
    base = f"/exchange/challenges/{challenge.pk}/"
    paths = {
        "detail": base,
        "list": "/exchange/challenges/",
        "list_filtered": "/exchange/challenges/?status=open&area=energy",
        "csv": "/exchange/challenges/export.csv",
        "api_list": "/api/v1/challenges",
        "api_detail": f"/api/v1/challenges/{challenge.pk}",
        "nda_page": f"{base}nda/",
    }
    out = {}
    for name, path in paths.items():
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        out[name] = (response.status_code, content.decode())
    return out


@pytest.mark.parametrize("kind", VIEWERS)
def test_every_path_shows_the_marker_only_to_those_who_may_read_it(kind, challenge):
    client = client_for(kind, challenge)
    results = bodies(client, challenge)
    for name in ("detail", "list", "csv", "api_list", "api_detail"):
        status, body = results[name]
        assert status == 200, (name, status)
        assert challenge.title in body, name
    for name, (_status, body) in results.items():
        if name in ("detail", "csv", "api_list", "api_detail") and SEES[kind]:
            assert MARKER in body, name
        elif name not in ("nda_page",) or not SEES[kind]:
            assert MARKER not in body, name
    assert MARKER not in results["list"][1]  # the list shows teasers only, for everyone
    assert MARKER not in results["nda_page"][1]


@pytest.mark.parametrize("kind", VIEWERS)
def test_the_api_says_when_details_are_protected(kind, challenge):
    client = client_for(kind, challenge)
    data = client.get(f"/api/v1/challenges/{challenge.pk}").json()
    assert data["details_protected"] is (not SEES[kind])
    for name in ("details", "expected_result", "requirements"):
        assert (data[name] is None) is (not SEES[kind])
    item = next(
        i
        for i in client.get("/api/v1/challenges").json()["results"]
        if i["id"] == str(challenge.pk)
    )
    assert item["details_protected"] is (not SEES[kind])


@pytest.mark.parametrize("kind", ["anonymous", "member", "fund_staff", "accepted"])
def test_the_edit_page_and_pipeline_are_the_owners(kind, challenge):
    client = client_for(kind, challenge)
    for suffix in ("edit/", "solutions/", "solutions.csv"):
        response = client.get(f"/exchange/challenges/{challenge.pk}/{suffix}")
        assert response.status_code in (302, 404), suffix
        assert MARKER not in response.content.decode()


def test_the_owners_pages_and_exports(challenge):
    editor = person_of(challenge.owner, "editor")
    client = Client()
    client.force_login(editor)
    assert MARKER in client.get(f"/exchange/challenges/{challenge.pk}/edit/").content.decode()
    SolutionFactory(challenge=challenge, description="Наше решение")
    response = client.get(f"/exchange/challenges/{challenge.pk}/solutions.csv")
    assert response.status_code == 200
    assert "Наше решение" in b"".join(response.streaming_content).decode()


def test_the_solution_page_shows_details_only_after_acceptance(challenge):
    responder = MemberOrganisationFactory()
    person = person_of(responder, "editor")
    solution = SolutionFactory(challenge=challenge, responder=responder)
    client = Client()
    client.force_login(person)
    page = client.get(f"/exchange/challenges/solutions/{solution.pk}/")
    assert page.status_code == 200 and MARKER not in page.content.decode()
    services.accept_nda(challenge, person, accept=True)
    assert MARKER in client.get(f"/exchange/challenges/solutions/{solution.pk}/").content.decode()


def test_notices_never_quote_the_details(challenge, django_capture_on_commit_callbacks):
    person = person_of(MemberOrganisationFactory(), "editor")
    owner_person = person_of(challenge.owner, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_nda(challenge, person, accept=True)
        solution = services.submit_solution(
            challenge, person, description=f"Ответ на {MARKER}", trl=5
        )
        services.post_message(solution, owner_person, f"Уточните {MARKER}")
        services.move_solution(solution, "decline", owner_person, feedback=f"Нет {MARKER}")
    notices = Notification.objects.all()
    assert {n.kind for n in notices} >= {
        "challenge.nda_accepted",
        "solution.received",
        "solution.message",
        "solution.declined",
    }
    for notice in notices:
        assert MARKER not in " ".join(
            [notice.title_ru, notice.title_en, notice.body_ru, notice.body_en]
        )
    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        assert challenge.title in message.subject + message.body
        assert MARKER not in message.subject + message.body


def test_fund_staff_see_members_only_challenges_but_not_nda_text(challenge):
    client = client_for("fund_staff", challenge)
    body = client.get(f"/exchange/challenges/{challenge.pk}/").content.decode()
    assert challenge.summary in body and MARKER not in body


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_an_organisation_no_longer_admitted_no_longer_reads_under_its_nda(status, challenge):
    from innocluster.accounts.services import issue_api_token

    organisation = MemberOrganisationFactory()
    person = person_of(organisation, "editor")
    services.accept_nda(challenge, person, accept=True)
    _, raw = issue_api_token(person_of(organisation, "owner"), organisation, "BI", ["read"])
    client = Client()
    client.force_login(person)
    assert MARKER in client.get(f"/exchange/challenges/{challenge.pk}/").content.decode()
    organisation.status = status
    organisation.save()
    assert MARKER not in client.get(f"/exchange/challenges/{challenge.pk}/").content.decode()
    data = (
        Client()
        .get(f"/api/v1/challenges/{challenge.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .json()
    )
    assert data["details_protected"] is True and data["details"] is None
