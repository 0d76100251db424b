"""The challenge pages: the list (filters, pages, only what the visitor may see), posting and
editing with errors next to the fields, publishing, moves, the NDA page, and "mine"."""

import pytest
from django.test import Client

from innocluster.exchange.models import Challenge, NdaAcceptance
from tests.accounts.factories import FundOperatorFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

from .factories import (
    ChallengeFactory,
    DraftChallengeFactory,
    MembersChallengeFactory,
    NdaChallengeFactory,
    SolutionFactory,
    future,
    person_of,
)

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_what_the_visitor_may_see():
    public = ChallengeFactory(title="Открытая задача")
    members = MembersChallengeFactory(title="Задача для своих")
    draft = DraftChallengeFactory(title="Черновик задачи")
    nda = NdaChallengeFactory(title="Задача под NDA")
    anonymous = text(Client().get("/exchange/challenges/"))
    assert public.title in anonymous and nda.title in anonymous
    assert members.title not in anonymous and draft.title not in anonymous
    member = text(
        login(person_of(MemberOrganisationFactory(), "viewer")).get("/exchange/challenges/")
    )
    assert members.title in member and draft.title not in member
    staff = text(login(FundOperatorFactory()).get("/exchange/challenges/"))
    assert members.title in staff
    applicant = person_of(OrganisationFactory(status="applicant"), "owner")
    assert members.title not in text(login(applicant).get("/exchange/challenges/"))


def test_members_only_and_drafts_answer_404_to_outsiders():
    members = MembersChallengeFactory()
    draft = DraftChallengeFactory()
    assert Client().get(f"/exchange/challenges/{members.pk}/").status_code == 404
    assert Client().get(f"/exchange/challenges/{draft.pk}/").status_code == 404
    staff = login(FundOperatorFactory())
    assert staff.get(f"/exchange/challenges/{members.pk}/").status_code == 200
    assert staff.get(f"/exchange/challenges/{draft.pk}/").status_code == 404
    owner = login(person_of(draft.owner, "viewer"))
    assert owner.get(f"/exchange/challenges/{draft.pk}/").status_code == 200
    assert Client().get("/exchange/challenges/not-a-uuid/").status_code == 404


def test_the_list_filters_and_pages():
    ChallengeFactory(title="Задача-Альфа", priority_areas=["energy"], owner_offers=["purchase"])
    ChallengeFactory(title="Задача-Бета", priority_areas=["medicine"], trl_min=8)
    ChallengeFactory(title="Задача-Гамма", status="closed", outcome="adopted")
    page = text(Client().get("/exchange/challenges/?area=energy"))
    assert "Задача-Альфа" in page and "Задача-Бета" not in page
    page = text(Client().get("/exchange/challenges/?offer=purchase"))
    assert "Задача-Альфа" in page and "Задача-Бета" not in page
    page = text(Client().get("/exchange/challenges/?trl=6"))
    assert "Задача-Альфа" in page and "Задача-Бета" not in page
    page = text(Client().get("/exchange/challenges/?status=closed"))
    assert "Задача-Гамма" in page and "Задача-Бета" not in page
    assert Client().get("/exchange/challenges/?trl=abc&area=%00").status_code == 200
    for n in range(26):
        ChallengeFactory(title=f"Пакет {n:02d}", priority_areas=["fintech"])
    first = text(Client().get("/exchange/challenges/?area=fintech"))
    second = text(Client().get("/exchange/challenges/?area=fintech&page=2"))
    assert first.count('class="card"') == 25 and second.count('class="card"') == 1
    assert "area=fintech&amp;page=2" in first


def test_the_list_takes_few_queries(django_assert_max_num_queries):
    for _ in range(10):
        ChallengeFactory()
    client = login(person_of(MemberOrganisationFactory()))
    with django_assert_max_num_queries(15):
        client.get("/exchange/challenges/")


def test_posting_shows_errors_next_to_fields_and_stores_nothing():
    org = MemberOrganisationFactory()
    client = login(person_of(org, "editor"))
    response = client.post(
        "/exchange/challenges/new/",
        {"title": "Задача", "language": "ru", "visibility": "nda", "trl_min": "", "publish": "1"},
    )
    assert response.status_code == 422
    page = text(response)
    for field in ("summary", "nda_text", "priority_areas", "trl_min", "deadline"):
        assert f'id="id_{field}_error"' in page or f'id="id_{field}_0_error"' in page, field
    assert not Challenge.objects.exists()


def test_posting_a_draft_then_publishing_it():
    org = MemberOrganisationFactory()
    client = login(person_of(org, "editor"))
    response = client.post(
        "/exchange/challenges/new/",
        {"title": "Задача", "language": "ru", "visibility": "public"},
    )
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and challenge.status == "draft"
    refused = client.post(f"/exchange/challenges/{challenge.pk}/publish/")
    assert refused.status_code == 422
    assert 'id="id_summary_error"' in text(refused)
    data = {
        "version": challenge.version,
        "title": "Задача",
        "summary": "Кратко",
        "language": "ru",
        "visibility": "public",
        "priority_areas": ["ict"],
        "trl_min": "4",
        "deadline": future().isoformat(),
        "budget_min_rub": "100",
        "budget_max_rub": "50",
    }
    response = client.post(f"/exchange/challenges/{challenge.pk}/edit/", data)
    assert response.status_code == 422 and 'id="id_budget_max_rub_error"' in text(response)
    data["budget_max_rub"] = "500"
    assert client.post(f"/exchange/challenges/{challenge.pk}/edit/", data).status_code == 302
    assert client.post(f"/exchange/challenges/{challenge.pk}/publish/").status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "open"


def test_a_stale_edit_says_someone_else_saved(settings):
    challenge = ChallengeFactory()
    client = login(person_of(challenge.owner, "editor"))
    data = {
        "version": challenge.version - 1 if challenge.version > 1 else 99,
        "title": "Новое",
        "summary": "Кратко",
        "language": "ru",
        "visibility": "public",
        "priority_areas": ["ict"],
        "trl_min": "4",
        "deadline": future().isoformat(),
    }
    response = client.post(f"/exchange/challenges/{challenge.pk}/edit/", data)
    assert response.status_code == 409
    assert 'data-error-code="stale_version"' in text(response)
    challenge.refresh_from_db()
    assert challenge.title != "Новое"


def test_posting_needs_an_admitted_organisation():
    client = login(person_of(OrganisationFactory(status="applicant"), "owner"))
    assert client.get("/exchange/challenges/new/").status_code == 403
    assert Client().get("/exchange/challenges/new/").status_code == 302


def test_the_owner_sees_pipeline_summary_moves_and_matching_link():
    challenge = ChallengeFactory()
    SolutionFactory(challenge=challenge)
    client = login(person_of(challenge.owner, "editor"))
    page = text(client.get(f"/exchange/challenges/{challenge.pk}/"))
    assert f"/matching/challenges/{challenge.pk}/" in page
    assert 'value="evaluate"' in page and 'value="close"' in page
    stranger = text(
        login(person_of(MemberOrganisationFactory())).get(f"/exchange/challenges/{challenge.pk}/")
    )
    assert "/matching/challenges/" not in stranger and 'value="evaluate"' not in stranger


def test_closing_from_the_page_needs_an_outcome_and_a_note():
    challenge = ChallengeFactory()
    client = login(person_of(challenge.owner, "editor"))
    url = f"/exchange/challenges/{challenge.pk}/move/"
    response = client.post(url, {"action": "close", "outcome": "", "note": ""})
    assert response.status_code == 422
    assert 'id="id_outcome_error"' in text(response) and 'id="id_note_error"' in text(response)
    challenge.refresh_from_db()
    assert challenge.status == "open"
    response = client.post(url, {"action": "close", "outcome": "adopted", "note": "Внедрено"})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "closed"
    assert (
        login(person_of(MemberOrganisationFactory())).post(url, {"action": "evaluate"}).status_code
        == 404
    )


def test_the_nda_page_accepts_on_behalf_of_the_organisation():
    challenge = NdaChallengeFactory()
    org = MemberOrganisationFactory()
    client = login(person_of(org, "signatory"))
    page = client.get(f"/exchange/challenges/{challenge.pk}/nda/")
    assert challenge.nda_text in text(page) and org.name in text(page)
    refused = client.post(f"/exchange/challenges/{challenge.pk}/nda/", {})
    assert refused.status_code == 422 and 'id="id_accept_error"' in text(refused)
    assert not NdaAcceptance.objects.exists()
    assert (
        client.post(f"/exchange/challenges/{challenge.pk}/nda/", {"accept": "on"}).status_code
        == 302
    )
    assert NdaAcceptance.objects.get().organisation == org
    assert Client().get(f"/exchange/challenges/{ChallengeFactory().pk}/nda/").status_code in (
        302,
        404,
    )


def test_mine_lists_drafts_and_solutions():
    org = MemberOrganisationFactory()
    person = person_of(org, "viewer")
    draft = DraftChallengeFactory(owner=org, title="Мой черновик")
    solution = SolutionFactory(responder=org)
    page = text(login(person).get("/exchange/challenges/mine/"))
    assert draft.title in page and solution.challenge.title in page


def test_reopening_from_the_page_needs_a_new_future_deadline():
    challenge = ChallengeFactory(status="evaluating")
    client = login(person_of(challenge.owner, "editor"))
    page = text(client.get(f"/exchange/challenges/{challenge.pk}/"))
    assert 'value="reopen"' in page and 'value="start_pilot"' in page
    url = f"/exchange/challenges/{challenge.pk}/move/"
    refused = client.post(url, {"action": "reopen", "deadline": ""})
    assert refused.status_code == 422 and 'id="id_deadline_error"' in text(refused)
    assert (
        client.post(url, {"action": "reopen", "deadline": future(90).isoformat()}).status_code
        == 302
    )
    challenge.refresh_from_db()
    assert challenge.status == "open" and challenge.deadline == future(90)


def test_anonymous_visitors_are_invited_to_sign_in_for_the_nda():
    challenge = NdaChallengeFactory()
    page = text(Client().get(f"/exchange/challenges/{challenge.pk}/"))
    assert "/accounts/login/?next=" in page
    assert Client().get(f"/exchange/challenges/{challenge.pk}/nda/").status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"title": "a\x00b", "language": "ru", "visibility": "public"},
        {"title": "x" * 5000, "language": "ru", "visibility": "public"},
        {"title": "x", "language": "xx", "visibility": "secret", "trl_min": "99"},
        {"title": "x", "language": "ru", "visibility": "public", "budget_min_rub": "1e99"},
        {"title": "x", "language": "ru", "visibility": "public", "deadline": "31.02.2026"},
        {"title": "x", "language": "ru", "visibility": "public", "priority_areas": ["\x00"]},
    ],
)
def test_malformed_input_is_refused_on_the_page_without_an_error(data):
    client = login(person_of(MemberOrganisationFactory(), "editor"))
    response = client.post("/exchange/challenges/new/", data)
    assert response.status_code == 422
    assert "error-summary" in text(response)
    assert not Challenge.objects.exists()


def test_malformed_moves_and_filters_never_fail():
    challenge = ChallengeFactory()
    client = login(person_of(challenge.owner, "editor"))
    url = f"/exchange/challenges/{challenge.pk}/move/"
    assert client.post(url, {"action": "x" * 100}).status_code == 422
    assert client.post(url, {"action": "fly"}).status_code == 409
    assert client.post(url, {"action": "reopen", "deadline": "\x00"}).status_code in (409, 422)
    for query in ("?page=999", "?page=-1", "?status=%00", "?offer=" + "x" * 3000):
        assert Client().get(f"/exchange/challenges/{query}").status_code == 200


def test_the_edit_page_refuses_to_change_an_accepted_nda_next_to_the_field():
    from innocluster.exchange import services

    challenge = NdaChallengeFactory()
    services.accept_nda(challenge, person_of(MemberOrganisationFactory(), "editor"), accept=True)
    client = login(person_of(challenge.owner, "editor"))
    client.cookies["ic_lang"] = "en"
    data = {
        "version": challenge.version,
        "title": challenge.title,
        "summary": challenge.summary,
        "language": "ru",
        "visibility": "nda",
        "nda_text": "Совсем другое соглашение.",
        "priority_areas": challenge.priority_areas,
        "trl_min": str(challenge.trl_min),
        "deadline": challenge.deadline.isoformat(),
    }
    response = client.post(f"/exchange/challenges/{challenge.pk}/edit/", data)
    assert response.status_code == 422
    assert 'id="id_nda_text_error"' in text(response)
    assert "The NDA cannot change after organisations accepted it" in text(response)
    challenge.refresh_from_db()
    assert challenge.nda_text != "Совсем другое соглашение."


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_a_challenge_of_an_owner_no_longer_admitted_is_hidden_and_takes_no_solutions(status):
    from innocluster.core.errors import NotFound, NotPermitted
    from innocluster.exchange import services
    from tests.registry.factories import OrganisationRoleFactory

    challenge = ChallengeFactory(title="Задача приостановленного")
    challenge.owner.status = status
    challenge.owner.save()
    page = f"/exchange/challenges/{challenge.pk}/"
    stranger = login(person_of(MemberOrganisationFactory(), "editor"))
    for client in (Client(), stranger):
        assert challenge.title not in text(client.get("/exchange/challenges/"))
        assert client.get(page).status_code == 404
        assert client.get(f"/api/v1/challenges/{challenge.pk}").status_code == 404
        assert challenge.title not in text(client.get("/api/v1/challenges"))
    with pytest.raises(NotFound):
        services.submit_solution(
            challenge, person_of(MemberOrganisationFactory(), "editor"), description="x", trl=5
        )
    # Its own people and the Fund's staff still see it.
    for user in (person_of(challenge.owner, "viewer"), FundOperatorFactory()):
        client = login(user)
        assert challenge.title in text(client.get("/exchange/challenges/"))
        assert client.get(page).status_code == 200
    # Someone who also acts for another, admitted organisation is told why they cannot answer.
    both = person_of(MemberOrganisationFactory(), "editor")
    OrganisationRoleFactory(organisation=challenge.owner, user=both, role="viewer")
    client = login(both)
    client.cookies["ic_lang"] = "en"
    body = text(client.get(page))
    assert "The owner is no longer admitted to the cluster" in body
    assert f"{page}respond/" not in body
    with pytest.raises(NotPermitted) as refused:
        services.submit_solution(challenge, both, description="Наше решение", trl=5)
    assert "no longer admitted" in str(refused.value.message)
    assert not challenge.solutions.exists()
