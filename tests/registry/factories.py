"""Organisations in every membership state."""

import random

import factory
from django.utils import timezone

from innocluster.registry import demo_identifiers as ids
from innocluster.registry.models import Organisation, OrganisationRole

_rng = random.Random(20261127)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    legal_form = "legal_entity"
    kind = "company"
    name_ru = factory.Sequence(lambda n: f"ООО «Тестовая компания {n}»")
    name_en = factory.Sequence(lambda n: f"Test Company {n} LLC")
    inn = factory.LazyFunction(lambda: ids.legal_entity_inn(_rng))
    ogrn = factory.LazyFunction(lambda: ids.legal_entity_ogrn(_rng))
    kpp = "770101001"
    region_id = "RU-MOW"
    okved_main_id = "62.01"
    employees = 12
    sme_category = "micro"
    description_ru = "Разработка программного обеспечения для промышленности"
    description_en = "Software for industry"
    status = "applicant"


class MemberOrganisationFactory(OrganisationFactory):
    status = "member"
    member_number = factory.Sequence(lambda n: f"MIC-T{n:05d}")
    member_since = factory.LazyFunction(timezone.localdate)


class PartnerOrganisationFactory(MemberOrganisationFactory):
    status = "partner"
    region_id = "RU-TA"


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRole

    organisation = factory.SubFactory(MemberOrganisationFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    role = "owner"
