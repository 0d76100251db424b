"""The join flow through the pages: errors next to the fields, duplicates, claims, admission."""

import random

import pytest

from innocluster.registry import demo_identifiers as ids
from innocluster.registry.models import MembershipApplication, Organisation
from tests.accounts.factories import UnconfirmedUserFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db
rng = random.Random(20260101)


def join_data(**overrides) -> dict:
    data = {
        "legal_form": "legal_entity",
        "kind": "startup",
        "name_ru": "ООО «Квантовые сенсоры»",
        "name_en": "Quantum Sensors LLC",
        "inn": ids.legal_entity_inn(rng),
        "ogrn": ids.legal_entity_ogrn(rng),
        "kpp": "772801001",
        "country": "RU",
        "region": "RU-MOW",
        "okved_main": "62.01",
        "okved_extra": "72.19",
        "employees": "14",
        "revenue_last_year": "12000000",
        "priority_areas": ["ict", "medicine"],
        "website": "https://qsensors.example",
        "description_ru": "Квантовые датчики для медицины",
        "contact_phone": "+7 495 000-00-00",
        "accept_agreement": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/join/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/join/")


def test_join_page_shows_the_form_and_the_agreement(signed_in):
    response = signed_in.get("/join/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Соглашение о присоединении" in html
    assert 'name="accept_agreement"' in html
    assert '<label for="id_inn">' in html
    assert '<datalist id="okved-codes">' in html


def test_join_page_in_english_shows_the_english_agreement(signed_in):
    signed_in.cookies["ic_lang"] = "en"
    html = signed_in.get("/join/").content.decode()
    assert "Join the cluster" in html
    assert "Accession" in html


def test_successful_join_admits_and_shows_the_member_number(signed_in, user):
    response = signed_in.post("/join/", join_data(), follow=True)
    assert response.status_code == 200
    org = Organisation.objects.get(name_ru="ООО «Квантовые сенсоры»")
    assert org.status == "member" and org.member_number
    assert sorted(a.code for a in org.priority_areas.all()) == ["ict", "medicine"]
    assert [c.code for c in org.okved_extra.all()] == ["72.19"]
    assert org.revenues.get().revenue_rub == 12_000_000
    html = response.content.decode()
    assert org.member_number in html
    assert "Добро пожаловать в кластер" in html or "Welcome to the cluster" in html
    application = MembershipApplication.objects.get(organisation=org)
    assert response.redirect_chain[-1][0] == f"/join/applications/{application.id}/"


def test_bad_inn_is_shown_next_to_the_inn_field_and_nothing_is_created(signed_in):
    response = signed_in.post("/join/", join_data(inn="7707083894"[:-1] + "0"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_inn_error"' in html
    assert 'aria-describedby="id_inn_help id_inn_error"' in html
    assert 'aria-invalid="true"' in html
    assert Organisation.objects.count() == 0
    assert MembershipApplication.objects.count() == 0


def test_inn_of_the_wrong_length_names_the_rule(signed_in):
    html = signed_in.post("/join/", join_data(inn="123")).content.decode()
    start = html.index('id="id_inn_error"')
    assert "10" in html[start : start + 400]


def test_agreement_not_accepted_is_an_error_on_the_checkbox(signed_in):
    response = signed_in.post("/join/", join_data(accept_agreement=None))
    assert response.status_code == 422
    assert 'id="id_accept_agreement_error"' in response.content.decode()
    assert Organisation.objects.count() == 0


def test_duplicate_inn_names_the_existing_member_and_offers_a_claim(signed_in):
    existing = MemberOrganisationFactory(name_ru="АО «Уже участник»")
    response = signed_in.post("/join/", join_data(inn=existing.inn, ogrn=existing.ogrn))
    assert response.status_code == 409
    html = response.content.decode()
    assert "АО «Уже участник»" in html
    assert existing.member_number in html
    assert 'name="claim"' in html
    assert Organisation.objects.count() == 1


def test_claiming_an_administered_organisation_goes_to_review(client):
    owner_role = OrganisationRoleFactory()
    existing = owner_role.organisation
    claimant = UserFactory()
    client.force_login(claimant)
    response = client.post(
        "/join/", join_data(inn=existing.inn, ogrn=existing.ogrn, claim="on"), follow=True
    )
    assert response.status_code == 200
    application = MembershipApplication.objects.get(applicant=claimant)
    assert application.status == "pending_review"
    html = response.content.decode()
    assert owner_role.user.email not in html  # the claimant learns that, not who, administers it


def test_unconfirmed_email_waits_for_review(client):
    client.force_login(UnconfirmedUserFactory())
    response = client.post("/join/", join_data(), follow=True)
    application = MembershipApplication.objects.get()
    assert application.status == "pending_review"
    assert "pending_review" in response.content.decode()  # the status badge's class


def test_application_of_someone_else_is_404(client, user):
    client.force_login(user)
    client.post("/join/", join_data())
    application = MembershipApplication.objects.get()
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(f"/join/applications/{application.id}/").status_code == 404


def test_foreign_organisation_becomes_a_partner(signed_in):
    data = join_data(
        legal_form="foreign", inn="", ogrn="", kpp="", country="DE", region="",
        foreign_registration_number="HRB 123456",
    )  # fmt: skip
    response = signed_in.post("/join/", data, follow=True)
    org = Organisation.objects.get(legal_form="foreign")
    assert org.status == "partner"
    assert org.member_number in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"employees": "many"}, "employees"), ({"employees": "-3"}, "employees"),
     ({"revenue_last_year": "-5"}, "revenue_last_year"), ({"registered_on": "2999-01-01"}, "registered_on"),
     ({"website": "ftp://x"}, "website"), ({"okved_main": "99.99"}, "okved_main"),
     ({"region": "RU-XXX"}, "region"), ({"priority_areas": ["space"]}, "priority_areas"),
     ({"legal_form": "alien"}, "legal_form"), ({"name_ru": ""}, "name_ru"),
     ({"ogrn": "1027700132195"[:-1] + "0"}, "ogrn")],
)  # fmt: skip
def test_each_bad_field_is_reported_next_to_it(signed_in, overrides, field):
    response = signed_in.post("/join/", join_data(**overrides))
    assert response.status_code in (400, 422)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Organisation.objects.count() == 0


def test_application_page_shows_checks_in_the_readers_language(client):
    client.force_login(UnconfirmedUserFactory())
    client.post("/join/", join_data())
    application = MembershipApplication.objects.get()
    client.cookies["ic_lang"] = "en"
    html = client.get(f"/join/applications/{application.id}/").content.decode()
    assert "Waiting for the Fund" in html and "Needs review" in html
    client.cookies["ic_lang"] = "ru"
    html = client.get(f"/join/applications/{application.id}/").content.decode()
    assert "Требует рассмотрения" in html and "Ожидает рассмотрения Фондом" in html
