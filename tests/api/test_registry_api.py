"""The registry API: search, joining, applications, reference data, problem details."""

import random

import pytest
from django.test import Client

from innocluster.accounts.services import issue_api_token
from innocluster.registry import demo_identifiers as ids
from innocluster.registry.models import Organisation
from tests.accounts.factories import UnconfirmedUserFactory, UserFactory
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db
rng = random.Random(11)
PROBLEM = "application/problem+json"


def join_body(**overrides):
    body = {
        "legal_form": "legal_entity",
        "kind": "startup",
        "name_ru": "ООО «Квантовые сенсоры»",
        "name_en": "Quantum Sensors LLC",
        "inn": ids.legal_entity_inn(rng),
        "ogrn": ids.legal_entity_ogrn(rng),
        "kpp": "773001001",
        "country": "RU",
        "region": "RU-MOW",
        "okved_main": "72.19",
        "priority_areas": ["materials"],
        "accept_agreement": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def partner_token(operator):
    platform = MemberOrganisationFactory(
        name_ru="Региональный портал поддержки бизнеса", region_id="RU-TA", status="partner"
    )
    _, raw = issue_api_token(operator, platform, "Regional portal", ["read", "join"])
    return raw


def test_join_as_signed_in_user_answers_201_with_id_and_status(client, user):
    client.force_login(user)
    response = client.post("/api/v1/organisations", join_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "member" and body["member_number"].startswith("MIC-")
    assert Organisation.objects.get(pk=body["id"]).name_en == "Quantum Sensors LLC"
    assert {c["code"] for c in body["application"]["checks"]} >= {
        "identifiers_valid",
        "agreement_accepted",
    }


def test_partner_platform_token_joins_on_behalf_of_an_applicant(client, partner_token):
    body = join_body(region="RU-NVS", contact_email="ceo@sensors.example")
    response = client.post(
        "/api/v1/organisations",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {partner_token}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "partner"
    application_id = response.json()["application"]["id"]
    status = client.get(
        f"/api/v1/membership-applications/{application_id}",
        HTTP_AUTHORIZATION=f"Bearer {partner_token}",
    )
    assert status.status_code == 200 and status.json()["status"] == "approved"


def test_token_without_join_scope_is_refused(client, operator):
    org = MemberOrganisationFactory()
    _, raw = issue_api_token(operator, org, "read only", ["read"])
    response = client.post(
        "/api/v1/organisations",
        join_body(contact_email="a@b.example"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "missing_scope"
    assert not Organisation.objects.filter(name_en="Quantum Sensors LLC").exists()


def test_anonymous_join_is_401_problem(client):
    response = client.post("/api/v1/organisations", join_body(), content_type="application/json")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_authenticated"


def test_revoked_token_no_longer_authenticates(client, operator, partner_token):
    from innocluster.accounts.models import ApiToken
    from innocluster.accounts.services import revoke_api_token

    revoke_api_token(operator, ApiToken.objects.get())
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {partner_token}")
    assert response.status_code == 401


def test_tokens_are_stored_hashed(partner_token):
    from innocluster.accounts.models import ApiToken

    token = ApiToken.objects.get()
    assert partner_token not in (token.key_hash, token.key_prefix) and len(token.key_hash) == 64


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"inn": "7707083894"}, "inn"),
        ({"inn": ids.person_inn(rng)}, "inn"),
        ({"ogrn": "123"}, "ogrn"),
        ({"legal_form": "llc"}, "legal_form"),
        ({"region": "Moscow"}, "region"),
        ({"priority_areas": ["ict", "nope"]}, "priority_areas"),
        ({"name_ru": "bad\x00name"}, "name_ru"),
        ({"employees": -1}, "employees"),
        ({"accept_agreement": False}, "accept_agreement"),
    ],
)
def test_bad_join_input_is_422_naming_the_field_and_changes_nothing(client, user, overrides, field):
    client.force_login(user)
    response = client.post(
        "/api/v1/organisations", join_body(**overrides), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert field in [e["field"] for e in problem["errors"]]
    assert all(e["message"] for e in problem["errors"])
    assert not Organisation.objects.exists()


def test_malformed_json_is_a_problem_not_a_500(client, user):
    client.force_login(user)
    response = client.post("/api/v1/organisations", "{not json", content_type="application/json")
    assert response.status_code in (400, 422) and response["Content-Type"] == PROBLEM


def test_duplicate_inn_is_409_naming_the_existing_member(client, user):
    existing = MemberOrganisationFactory(name_ru="АО «Первый»")
    client.force_login(user)
    response = client.post(
        "/api/v1/organisations", join_body(inn=existing.inn), content_type="application/json"
    )
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "duplicate_organisation"
    assert "АО «Первый»" in problem["detail"] and existing.member_number in problem["detail"]
    assert problem["existing_id"] == str(existing.id)


def test_registry_list_filters_and_paginates(client):
    for n in range(7):
        MemberOrganisationFactory(
            name_ru=f"ООО «Роботех {n}»", region_id="RU-MOW" if n < 5 else "RU-TA", kind="startup"
        )
    MemberOrganisationFactory(name_ru="ООО «Хлебозавод»", description_ru="выпечка", kind="company")
    OrganisationFactory(
        name_ru="ООО «Роботех заявитель»"
    )  # an applicant: not in the public registry
    response = client.get(
        "/api/v1/organisations", {"q": "роботех", "region": "RU-MOW", "limit": 2, "offset": 2}
    )
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["offset"] == 2
    assert all(r["region"] == "RU-MOW" and r["status"] == "member" for r in page["results"])
    assert client.get("/api/v1/organisations", {"kind": "company"}).json()["count"] == 1


def test_registry_list_finds_by_inn_and_by_prefix(client):
    org = MemberOrganisationFactory(name_ru="ООО «Робототехника Плюс»")
    assert client.get("/api/v1/organisations", {"q": org.inn}).json()["results"][0]["id"] == str(
        org.id
    )
    assert client.get("/api/v1/organisations", {"q": "робот"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "applicant"),
        ("kind", "alien"),
        ("okved_section", "Z"),
        ("order", "inn"),
        ("limit", "0"),
    ],
)
def test_bad_registry_filter_is_422_naming_the_parameter(client, param, value):
    response = client.get("/api/v1/organisations", {param: value})
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert param in [e["field"] for e in response.json()["errors"]]


def test_registry_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    for _ in range(30):
        org = MemberOrganisationFactory()
        org.priority_areas.set(["ict", "energy"])
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/organisations", {"limit": 30}).json()["results"]) == 30


def test_applicant_organisation_is_404_to_strangers_and_visible_to_its_people(client):
    applicant_org = OrganisationFactory()
    role = OrganisationRoleFactory(organisation=applicant_org)
    assert client.get(f"/api/v1/organisations/{applicant_org.id}").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/organisations/{applicant_org.id}").status_code == 404
    client.force_login(role.user)
    assert client.get(f"/api/v1/organisations/{applicant_org.id}").status_code == 200


def test_contacts_only_for_signed_in_callers(client, user):
    org = MemberOrganisationFactory(contact_email="office@example.org")
    assert client.get(f"/api/v1/organisations/{org.id}").json()["contact_email"] is None
    client.force_login(user)
    assert (
        client.get(f"/api/v1/organisations/{org.id}").json()["contact_email"]
        == "office@example.org"
    )


def test_application_status_is_404_to_others(client):
    from innocluster.registry.services import JoinRequest, OrganisationInput, apply_for_membership

    applicant = UnconfirmedUserFactory()
    body = join_body()
    body.pop("accept_agreement")
    application = apply_for_membership(
        OrganisationInput(**body), JoinRequest(applicant=applicant, accept_agreement=True)
    )
    client.force_login(applicant)
    response = client.get(
        f"/api/v1/membership-applications/{application.id}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["status"] == "pending_review"
    assert response.json()["review_reason"] == "The applicant has not confirmed the e-mail address."
    assert response.json()["checks"][2] == {
        "code": "contact_confirmed",
        "passed": None,
        "message": "The applicant's e-mail is not confirmed yet.",
    }
    in_russian = client.get(
        f"/api/v1/membership-applications/{application.id}", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert in_russian.json()["review_reason"] == "Заявитель не подтвердил адрес электронной почты."
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/membership-applications/{application.id}").status_code == 404


def test_me_for_a_person_and_for_a_token(client, user, partner_token):
    role = OrganisationRoleFactory(user=user)
    client.force_login(user)
    me = client.get("/api/v1/me").json()
    assert me["kind"] == "user" and me["email"] == user.email
    assert (
        me["organisations"][0]["id"] == str(role.organisation.id)
        and me["organisations"][0]["role"] == "owner"
    )
    token_me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {partner_token}").json()
    assert token_me["kind"] == "token" and token_me["token"]["scopes"] == ["join", "read"]


def test_owner_issues_and_revokes_a_token_but_not_the_join_scope(client, user):
    role = OrganisationRoleFactory(user=user)
    client.force_login(user)
    url = f"/api/v1/organisations/{role.organisation.id}/tokens"
    refused = client.post(url, {"name": "ERP", "scopes": ["join"]}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "scopes"
    issued = client.post(url, {"name": "ERP", "scopes": ["read"]}, content_type="application/json")
    assert issued.status_code == 201
    key = issued.json()["key"]
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert client.delete(f"/api/v1/tokens/{issued.json()['id']}").json()["revoked_at"]
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    client.force_login(UserFactory())
    assert client.post(
        url, {"name": "x", "scopes": ["read"]}, content_type="application/json"
    ).status_code in (403, 404)


def test_session_post_without_csrf_token_is_refused(user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post(
        "/api/v1/organisations", join_body(), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not Organisation.objects.exists()


def test_reference_endpoints(client):
    areas = client.get("/api/v1/priority-areas").json()
    assert [a["code"] for a in areas] == [
        "ict",
        "manufacturing",
        "materials",
        "medicine",
        "biotech",
        "environment",
        "construction",
        "energy",
        "transport",
        "fintech",
    ]
    assert any(
        r["code"] == "RU-MOW" and r["name_en"] == "Moscow"
        for r in client.get("/api/v1/regions").json()
    )
    okved = client.get("/api/v1/okved", {"q": "62.0"}).json()
    assert "62.01" in [c["code"] for c in okved]
    assert [t["level"] for t in client.get("/api/v1/trl").json()] == list(range(1, 10))


def test_statistics(client):
    MemberOrganisationFactory(kind="university")
    OrganisationFactory()  # applicant, not counted
    stats = client.get("/api/v1/registry/statistics").json()
    assert stats["total"] == 1 and stats["by_kind"] == {"university": 1}


def test_open_data_from_the_api_with_filters(client):
    MemberOrganisationFactory(
        name_ru="ООО «Открытые данные»", region_id="RU-MOW", contact_email="secret@example.org"
    )
    MemberOrganisationFactory(name_ru="ООО «Казанский»", region_id="RU-TA")
    csv_response = client.get("/api/v1/open-data/registry.csv", {"region": "RU-MOW"})
    text = b"".join(csv_response.streaming_content).decode()
    assert csv_response["Content-Type"].startswith("text/csv")
    assert (
        "Открытые данные" in text and "Казанский" not in text and "secret@example.org" not in text
    )
    document = __import__("json").loads(
        b"".join(client.get("/api/v1/open-data/registry.json").streaming_content)
    )
    assert document["count"] == 2 and document["schema"].endswith("/registry/export.schema.json")
    bad = client.get("/api/v1/open-data/registry.json", {"sme_category": "huge"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sme_category"


def test_duplicate_of_a_hidden_organisation_does_not_reveal_it(client, user):
    hidden = OrganisationFactory(name_ru="ООО «Тайный заявитель»")  # an applicant: not public
    client.force_login(user)
    response = client.post(
        "/api/v1/organisations", join_body(inn=hidden.inn), content_type="application/json"
    )
    assert response.status_code == 409
    problem = response.json()
    assert "Тайный" not in response.content.decode() and "existing_id" not in problem


@pytest.mark.parametrize(
    "query", [{"q": "7707083893", "region": "\x00"}, {"area": "ict\x00"}, {"region": "Moscow"}]
)
def test_control_characters_and_malformed_codes_in_page_filters_are_400(client, query):
    assert client.get("/registry/", query).status_code == 400
    assert client.get("/registry/export.csv", query).status_code == 400
