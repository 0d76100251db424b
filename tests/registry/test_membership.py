"""Joining the cluster: the formal checks, automatic admission, the operators' queue."""

import random

import pytest
from django.utils import translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.registry import demo_identifiers as ids
from innocluster.registry.models import AgreementAcceptance, MembershipApplication, Organisation
from innocluster.registry.services import (
    JoinRequest,
    OrganisationInput,
    apply_for_membership,
    approve_application,
    bulk_decide,
    change_membership_status,
    reject_application,
)
from tests.accounts.factories import UnconfirmedUserFactory, UserFactory

pytestmark = pytest.mark.django_db
rng = random.Random(7)


def company(**overrides) -> OrganisationInput:
    values = {
        "legal_form": "legal_entity",
        "kind": "startup",
        "name_ru": "ООО «Нейросенсор»",
        "name_en": "Neurosensor LLC",
        "inn": ids.legal_entity_inn(rng),
        "ogrn": ids.legal_entity_ogrn(rng),
        "kpp": "772801001",
        "region": "RU-MOW",
        "okved_main": "62.01",
        "priority_areas": ["ict", "medicine"],
        "employees": 14,
    }
    values.update(overrides)
    return OrganisationInput(**values)


def join(user, data=None, **kwargs):
    return apply_for_membership(
        data or company(), JoinRequest(applicant=user, accept_agreement=True, **kwargs)
    )


def test_valid_moscow_company_is_admitted_at_once_with_number_and_date(user):
    application = join(user)
    org = application.organisation
    assert application.status == "approved"
    assert org.status == "member"
    assert org.member_number.startswith("MIC-")
    assert org.member_since is not None
    assert org.sme_category == "micro"  # 14 staff, computed under 209-FZ
    assert [c["passed"] for c in application.checks] == [True, True, True, True]
    assert org.roles.get(user=user).role == "owner"
    acceptance = AgreementAcceptance.objects.get(organisation=org)
    assert len(acceptance.text_sha256) == 64 and acceptance.user == user
    actions = set(AuditEvent.objects.filter(object_id=str(org.pk)).values_list("action", flat=True))
    assert {"organisation.created", "membership.applied", "membership.admitted"} <= actions


def test_member_numbers_are_sequential(user):
    first = join(user).organisation.member_number
    second = join(user, company(name_ru="АО «Второе»")).organisation.member_number
    assert int(second.split("-")[1]) == int(first.split("-")[1]) + 1


def test_other_region_and_foreign_organisations_become_partners(user):
    assert join(user, company(region="RU-TA")).organisation.status == "partner"
    foreign = company(
        legal_form="foreign",
        inn=None,
        ogrn=None,
        kpp="",
        region=None,
        country="DE",
        foreign_registration_number="HRB 12345",
    )
    assert join(user, foreign).organisation.status == "partner"


def test_entrepreneur_joins_with_12_digit_inn_and_ogrnip(user):
    data = company(
        legal_form="individual_entrepreneur",
        inn=ids.person_inn(rng),
        ogrn=ids.entrepreneur_ogrnip(rng),
        kpp="",
    )
    assert join(user, data).organisation.status == "member"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"inn": "7707083894"}, "inn", "invalid_inn"),  # wrong check digit
        ({"ogrn": "1027700132196"}, "ogrn", "invalid_ogrn"),
        (
            {"inn": ids.person_inn(rng)},
            "inn",
            "inn_length_for_legal_form",
        ),  # 12 digits for a legal entity
        ({"ogrn": ids.entrepreneur_ogrnip(rng)}, "ogrn", "ogrn_length_for_legal_form"),
        ({"inn": "77070838AB"}, "inn", "invalid_inn"),
        ({"kpp": "12345"}, "kpp", "invalid_kpp"),
        ({"region": "RU-XXX"}, "region", "unknown_region"),
        ({"okved_main": "99.99"}, "okved_main", "unknown_okved"),
        ({"priority_areas": ["ict", "space"]}, "priority_areas", "unknown_area"),
        ({"name_ru": "  "}, "name_ru", "required"),
        ({"legal_form": "partnership"}, "legal_form", "invalid_choice"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(user, overrides, field, code):
    before = (
        Organisation.objects.count(),
        MembershipApplication.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationFailed) as caught:
        join(user, company(**overrides))
    assert (field, code) in [(e.field, e.code) for e in caught.value.errors]
    assert (
        Organisation.objects.count(),
        MembershipApplication.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_agreement_must_be_accepted(user):
    with pytest.raises(ValidationFailed) as caught:
        apply_for_membership(company(), JoinRequest(applicant=user, accept_agreement=False))
    assert caught.value.errors[0].field == "accept_agreement"
    assert not Organisation.objects.exists()


def test_duplicate_inn_is_a_conflict_naming_the_existing_member(user):
    data = company()
    existing = join(user, data).organisation
    with pytest.raises(Conflict) as caught:
        join(
            UserFactory(),
            company(inn=data.inn, ogrn=ids.legal_entity_ogrn(rng), name_ru="Другое имя"),
        )
    assert caught.value.status == 409
    assert (
        existing.name_ru in caught.value.message and existing.member_number in caught.value.message
    )
    assert caught.value.extra["existing_id"] == str(existing.id)


def test_unconfirmed_email_goes_to_review_and_is_admitted_after_confirmation(db):
    from innocluster.accounts.services import confirm_email, confirmation_token

    applicant = UnconfirmedUserFactory()
    application = join(applicant)
    assert application.status == "pending_review"
    with translation.override("en"):
        assert (
            application.review_reason_display
            == "The applicant has not confirmed the e-mail address."
        )
    with translation.override("ru"):
        assert (
            application.review_reason_display == "Заявитель не подтвердил адрес электронной почты."
        )
    assert (
        application.review_reason == "Заявитель не подтвердил адрес электронной почты."
    )  # the record
    assert application.organisation.status == "applicant"
    confirm_email(confirmation_token(applicant))
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.organisation.status == "member"


def test_claim_of_administered_organisation_goes_to_operators(user, operator):
    data = company()
    org = join(user, data).organisation
    claimant = UserFactory()
    claim = join(claimant, company(inn=data.inn, ogrn=data.ogrn), claim=True)
    assert claim.status == "pending_review"
    assert user.email not in claim.review_reason  # how many administer it, not who
    with translation.override("en"):
        assert (
            claim.review_reason_display
            == "Claim on an organisation that other users already administer (1)."
        )
    # No access while the claim waits: not a role, not the organisation's other applications.
    assert not org.roles.filter(user=claimant).exists()
    assert not MembershipApplication.objects.visible_to(claimant).exclude(pk=claim.pk).exists()
    approve_application(operator, claim, "Confirmed by phone with the director")
    assert claim.organisation.roles.get(user=claimant).role == "owner"


def test_a_new_claim_does_not_undo_the_funds_refusal(operator):
    data = company()
    applicant = UnconfirmedUserFactory()
    application = join(applicant, data)
    reject_application(operator, application, "Not a real company")
    applicant.email_confirmed_at = applicant.date_joined
    applicant.save()
    again = join(applicant, company(inn=data.inn, ogrn=data.ogrn), claim=True)
    assert again.status == "pending_review"
    assert again.organisation.status == "withdrawn"


def test_a_suspended_member_cannot_withdraw_and_rejoin_alone(operator, user):
    org = join(user).organisation
    change_membership_status(operator, org, "suspended", "Reports overdue")
    with pytest.raises(NotPermitted):
        change_membership_status(user, org, "withdrawn", "we leave")


def test_approving_a_claim_leaves_a_suspension_in_place(operator, user):
    data = company()
    org = join(user, data).organisation
    change_membership_status(operator, org, "suspended", "Reports overdue")
    claim = join(UserFactory(), company(inn=data.inn, ogrn=data.ogrn), claim=True)
    approve_application(operator, claim, "new director")
    org.refresh_from_db()
    assert org.status == "suspended"


def test_reinstating_a_never_admitted_organisation_gives_number_and_date(operator):
    application = join(UnconfirmedUserFactory())
    reject_application(operator, application, "Documents missing")
    org = change_membership_status(
        operator, application.organisation, "member", "Documents arrived"
    )
    assert org.status == "member" and org.member_number and org.member_since


def test_operator_rejects_with_reason_and_applicant_org_is_withdrawn(operator):
    application = join(UnconfirmedUserFactory())
    with pytest.raises(ValidationFailed):
        reject_application(operator, application, "")
    reject_application(operator, application, "Duplicate of an existing member")
    application.refresh_from_db()
    assert (
        application.status == "rejected"
        and application.decision_reason == "Duplicate of an existing member"
    )
    assert application.organisation.status == "withdrawn"
    history = list(application.organisation.status_history.values_list("from_status", "to_status"))
    assert history == [("applicant", "withdrawn")]


def test_only_operators_decide(user):
    application = join(UnconfirmedUserFactory())
    with pytest.raises(NotPermitted):
        approve_application(user, application)
    application.refresh_from_db()
    assert application.status == "pending_review"


def test_bulk_approve_applies_to_every_result_of_the_filter(operator):
    for n in range(5):
        join(
            UnconfirmedUserFactory(),
            company(name_ru=f"ООО «Очередь {n}»", region="RU-TA" if n % 2 else "RU-MOW"),
        )
    in_tatarstan = MembershipApplication.objects.filter(organisation__region_id="RU-TA")
    result = bulk_decide(operator, in_tatarstan, "approve", "Checked in bulk")
    assert result.decided == 2
    assert MembershipApplication.objects.filter(status="pending_review").count() == 3
    assert set(Organisation.objects.filter(region_id="RU-TA").values_list("status", flat=True)) == {
        "partner"
    }


def test_suspend_and_reinstate_keep_history(operator, user):
    org = join(user).organisation
    change_membership_status(operator, org, "suspended", "Reports overdue")
    change_membership_status(operator, org, "member", "Reports delivered")
    assert list(org.status_history.order_by("changed_at").values_list("to_status", flat=True)) == [
        "member",
        "suspended",
        "member",
    ]
    with pytest.raises(NotPermitted):
        change_membership_status(UserFactory(), org, "suspended", "no right")


def test_profile_edit_audits_areas_and_revenues(user):
    from decimal import Decimal

    from innocluster.core.audit import history_of
    from innocluster.registry.services import update_organisation

    org = join(user).organisation
    update_organisation(
        user, org, company(priority_areas=["energy"], revenue_by_year={2025: Decimal("1500000.50")})
    )
    event = history_of(org).filter(action="organisation.updated").get()
    assert event.before["priority_areas"] == ["ict", "medicine"]
    assert event.after["priority_areas"] == ["energy"]
    assert event.after["revenues"] == {"2025": "1500000.50"}
