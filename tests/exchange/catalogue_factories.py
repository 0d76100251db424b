"""Technology offers, products and the people who act for their owners."""

from __future__ import annotations

import factory
from django.utils import timezone

from innocluster.exchange.models import ExpressionOfInterest, Product, TechnologyOffer
from innocluster.registry.models import OrganisationRole
from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory


class UniversityFactory(MemberOrganisationFactory):
    kind = "university"
    name_ru = factory.Sequence(lambda n: f"ФГБОУ ВО «Тестовый университет {n}»")
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    okved_main_id = "85.22"


class InstituteFactory(MemberOrganisationFactory):
    kind = "research_institute"
    name_ru = factory.Sequence(lambda n: f"ФГБУН «Тестовый институт {n}»")
    name_en = factory.Sequence(lambda n: f"Test Institute {n}")
    okved_main_id = "72.19"


class CompanyFactory(MemberOrganisationFactory):
    kind = "company"


class CorporationFactory(MemberOrganisationFactory):
    kind = "corporation"
    name_ru = factory.Sequence(lambda n: f"ПАО «Тестовая корпорация {n}»")
    name_en = factory.Sequence(lambda n: f"Test Corporation {n} PJSC")


def person_of(organisation, role: str = "editor", **fields):
    """A user holding ``role`` in ``organisation``."""
    user = UserFactory(**fields)
    OrganisationRole.objects.create(organisation=organisation, user=user, role=role)
    return user


class TechnologyOfferFactory(factory.django.DjangoModelFactory):
    """A complete, published technology offer of a university."""

    class Meta:
        model = TechnologyOffer

    owner = factory.SubFactory(UniversityFactory)
    language = "ru"
    title = factory.Sequence(lambda n: f"Мембранный фильтр для очистки воды {n}")
    summary = "Нанопористая мембрана для очистки сточных вод от тяжелых металлов."
    title_translated = factory.Sequence(lambda n: f"Membrane water filter {n}")
    summary_translated = "A nanoporous membrane that removes heavy metals from waste water."
    description = "Мембрана из оксида алюминия с порами 20 нм; ресурс 5 000 часов."
    ip_kinds = ["patent", "know_how"]
    patent_numbers = ["RU 2712345 C1"]
    trl = 6
    licensing_terms = "Неисключительная лицензия, роялти 3 процента."
    partnership_terms = ""
    lab_competencies = "Электронный микроскоп, климатическая камера."
    priority_areas = ["environment", "materials"]
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class DraftTechnologyFactory(TechnologyOfferFactory):
    status = "draft"
    published_at = None


class ProductFactory(factory.django.DjangoModelFactory):
    """A complete, published product of a member company."""

    class Meta:
        model = Product

    owner = factory.SubFactory(CompanyFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"Traffic analytics platform {n}")
    summary = "Counts vehicles and pedestrians from city cameras in real time."
    title_translated = factory.Sequence(lambda n: f"Платформа анализа трафика {n}")
    summary_translated = "Подсчет транспорта и пешеходов по городским камерам."
    description = "Computer vision on the edge; 40 cameras per server."
    trl = 8
    references = "Pilot with a Moscow transport operator, 2025."
    price_model = "subscription"
    price_note = "from 50,000 RUB a month per district"
    priority_areas = ["transport", "ict"]
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


def warehouse_drone(owner, **fields):
    """The drone maker's product, the one that answers a warehouse inventory challenge (shares
    its words, the transport area and TRL 7), in Russian with its English translation."""
    values = {
        "language": "ru",
        "title": "Беспилотник для инвентаризации складов",
        "summary": "Беспилотники считают товар на стеллажах ночью, LiDAR-навигация.",
        "title_translated": "Warehouse inventory drone",
        "summary_translated": "Drones count stock on racks at night with LiDAR navigation.",
        "description": "Навигация внутри помещений без GPS.",
        "priority_areas": ["transport"],
        "trl": 7,
    }
    return ProductFactory(owner=owner, **{**values, **fields})


def bakery_ovens(owner, **fields):
    """A bakery's product that shares nothing with drones or warehouses."""
    values = {
        "language": "en",
        "title": "Bakery ovens",
        "summary": "Industrial ovens for bread.",
        "title_translated": "Печи для хлеба",
        "summary_translated": "Промышленные печи.",
        "description": "Ovens.",
        "priority_areas": ["manufacturing"],
    }
    return ProductFactory(owner=owner, **{**values, **fields})


class DraftProductFactory(ProductFactory):
    status = "draft"
    published_at = None


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpressionOfInterest

    target_kind = "technology"
    organisation = factory.SubFactory(CompanyFactory)
    message = "Интересно обсудить лицензию."

    @factory.lazy_attribute
    def target_id(self):
        return TechnologyOfferFactory().pk

    @factory.lazy_attribute
    def target_owner(self):
        return TechnologyOffer.objects.get(pk=self.target_id).owner


def challenge_of(owner=None, **fields):
    """A published challenge (made through the model: the challenges' own factories are
    another helper's)."""
    from innocluster.exchange.models import Challenge

    values = {
        "title": "Снижение энергопотребления метро",
        "summary": "Ищем решения для рекуперации энергии торможения поездов.",
        "details": "СЕКРЕТНЫЕ подробности: схема тяговых подстанций.",
        "status": "open",
        "visibility": "public",
        "published_at": timezone.now(),
        "priority_areas": ["transport", "energy"],
        **fields,
    }
    return Challenge.objects.create(owner=owner or CorporationFactory(), **values)
