"""Expressions of interest: one per organisation and item, never from the owner, only on what
the sender may see and what is live; the owner's people are notified, with a challenge's public
fields only."""

from __future__ import annotations

import pytest

from innocluster.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent, Notification
from innocluster.exchange import catalogue_services as services
from innocluster.exchange.models import ExpressionOfInterest
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftTechnologyFactory,
    ProductFactory,
    TechnologyOfferFactory,
    challenge_of,
    person_of,
)
from tests.registry.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_interest_reaches_the_owners_people_once_per_organisation():
    offer = TechnologyOfferFactory()
    owner_person = person_of(offer.owner, "owner")
    company = CompanyFactory()
    sender = person_of(company)
    interest = services.express_interest(
        actor=sender, kind="technology", target_id=str(offer.pk), message="Обсудим лицензию?"
    )
    assert interest.organisation == company and interest.target_owner == offer.owner
    notice = Notification.objects.get(recipient=owner_person)
    assert company.name_ru in notice.title_ru and offer.title in notice.title_ru
    assert notice.body_ru == "Обсудим лицензию?" and notice.url == "/exchange/interest/"
    assert AuditEvent.objects.filter(action="exchange.interest_expressed").count() == 1
    # A colleague of the sender tries again: refused, naming the organisation.
    with pytest.raises(Conflict) as failure:
        services.express_interest(
            actor=person_of(company, "signatory"), kind="technology", target_id=offer.pk
        )
    assert failure.value.code == "already_interested"
    assert company.name in str(failure.value.message)
    assert [e.field for e in failure.value.errors] == ["organisation"]
    assert ExpressionOfInterest.objects.count() == 1
    assert Notification.objects.count() == 1


def test_the_owner_may_not_express_interest_in_its_own_item():
    product = ProductFactory()
    with pytest.raises(NotPermitted):
        services.express_interest(
            actor=person_of(product.owner), kind="product", target_id=product.pk
        )
    with pytest.raises(NotPermitted):
        services.express_interest(
            actor=person_of(CompanyFactory()),
            kind="product",
            target_id=product.pk,
            organisation=product.owner,
        )
    assert not ExpressionOfInterest.objects.exists()


def test_people_of_organisations_not_admitted_or_viewers_may_not():
    product = ProductFactory()
    for actor in (
        person_of(OrganisationFactory(status="applicant")),
        person_of(CompanyFactory(), "viewer"),
    ):
        with pytest.raises(NotPermitted):
            services.express_interest(actor=actor, kind="product", target_id=product.pk)
    assert not ExpressionOfInterest.objects.exists()


def test_a_draft_is_not_found_and_an_archived_item_not_open():
    sender = person_of(CompanyFactory())
    draft = DraftTechnologyFactory()
    with pytest.raises(NotFound):
        services.express_interest(actor=sender, kind="technology", target_id=draft.pk)
    archived = ProductFactory(status="archived")
    with pytest.raises(Conflict) as failure:
        services.express_interest(actor=sender, kind="product", target_id=archived.pk)
    assert failure.value.code == "not_open"
    assert not ExpressionOfInterest.objects.exists()


def test_bad_kind_id_and_message_are_named():
    sender = person_of(CompanyFactory())
    with pytest.raises(ValidationFailed) as failure:
        services.express_interest(actor=sender, kind="person", target_id="not-a-uuid")
    assert {e.field for e in failure.value.errors} == {"kind", "id"}
    offer = TechnologyOfferFactory()
    with pytest.raises(ValidationFailed) as failure:
        services.express_interest(
            actor=sender, kind="technology", target_id=offer.pk, message="x" * 3001
        )
    assert [e.field for e in failure.value.errors] == ["message"]
    assert not ExpressionOfInterest.objects.exists()


def test_a_person_of_several_organisations_chooses():
    offer = TechnologyOfferFactory()
    first = CompanyFactory()
    sender = person_of(first)
    second = CompanyFactory()
    person_of(second)
    from innocluster.registry.models import OrganisationRole

    OrganisationRole.objects.create(organisation=second, user=sender, role="editor")
    with pytest.raises(ValidationFailed) as failure:
        services.express_interest(actor=sender, kind="technology", target_id=offer.pk)
    assert [e.field for e in failure.value.errors] == ["organisation"]
    interest = services.express_interest(
        actor=sender, kind="technology", target_id=offer.pk, organisation=str(second.pk)
    )
    assert interest.organisation == second


def test_interest_in_a_challenge_notifies_with_its_public_fields_only():
    challenge = challenge_of(visibility="nda")
    person_of(challenge.owner, "owner")
    services.express_interest(
        actor=person_of(CompanyFactory()), kind="challenge", target_id=challenge.pk
    )
    notice = Notification.objects.get()
    assert challenge.title in notice.title_ru
    texts = notice.title_ru + notice.body_ru + notice.title_en + notice.body_en
    assert "СЕКРЕТНЫЕ" not in texts


def test_challenges_take_interest_only_while_live_and_visible():
    sender = person_of(CompanyFactory())
    closed = challenge_of(status="closed")
    with pytest.raises(Conflict):
        services.express_interest(actor=sender, kind="challenge", target_id=closed.pk)
    draft = challenge_of(status="draft", published_at=None)
    with pytest.raises(NotFound):
        services.express_interest(actor=sender, kind="challenge", target_id=draft.pk)
    members_only = challenge_of(visibility="members")
    outsider = person_of(OrganisationFactory(status="applicant"))
    with pytest.raises(NotFound):
        services.express_interest(actor=outsider, kind="challenge", target_id=members_only.pk)
    for status in ("open", "evaluating", "piloting"):
        item = challenge_of(status=status, visibility="members")
        services.express_interest(actor=sender, kind="challenge", target_id=item.pk)
    assert ExpressionOfInterest.objects.count() == 3


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_an_owner_no_longer_admitted_takes_no_interest(status):
    from django.utils import translation

    from tests.registry.factories import OrganisationRoleFactory

    offer = TechnologyOfferFactory()
    product = ProductFactory()
    challenge = challenge_of()
    for item in (offer, product, challenge):
        item.owner.status = status
        item.owner.save()
    sender = person_of(CompanyFactory())
    for kind, item in (("technology", offer), ("product", product), ("challenge", challenge)):
        with pytest.raises(NotFound):
            services.express_interest(actor=sender, kind=kind, target_id=item.pk)
        # One who also belongs to the owner sees the item, and is told why it takes no interest.
        OrganisationRoleFactory(organisation=item.owner, user=sender, role="viewer")
        with translation.override("en"), pytest.raises(Conflict) as refused:
            services.express_interest(actor=sender, kind=kind, target_id=item.pk)
        assert refused.value.code == "owner_not_admitted"
        assert "no longer admitted to the cluster" in str(refused.value.message)
    assert not ExpressionOfInterest.objects.exists()
