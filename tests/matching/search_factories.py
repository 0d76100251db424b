"""Published exchange items for the search and indexing tests (made through the models, as the
exchange's services are other work)."""

from __future__ import annotations

import factory
from django.utils import timezone

from innocluster.exchange.models import Challenge, Product, TechnologyOffer
from tests.registry.factories import MemberOrganisationFactory


class SearchCorporationFactory(MemberOrganisationFactory):
    kind = "corporation"
    name_ru = factory.Sequence(lambda n: f"ПАО «Поисковая корпорация {n}»")
    name_en = factory.Sequence(lambda n: f"Search Corporation {n} PJSC")


class SearchUniversityFactory(MemberOrganisationFactory):
    kind = "university"
    name_ru = factory.Sequence(lambda n: f"Поисковый университет {n}")
    name_en = factory.Sequence(lambda n: f"Search University {n}")
    okved_main_id = "85.22"


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    owner = factory.SubFactory(SearchCorporationFactory)
    language = "ru"
    title = "Мониторинг складов беспилотными летательными аппаратами"
    summary = "Ищем беспилотных роботов для инвентаризации складов."
    title_translated = "Warehouse monitoring by drones"
    summary_translated = "We look for drones that count warehouse stock."
    details = "Склад площадью 20 000 квадратных метров, стеллажи до 12 метров."
    expected_result = "Инвентаризация за одну ночь."
    requirements = "Работа без GPS внутри помещений."
    trl_min = 6
    priority_areas = ["transport", "ict"]
    visibility = "public"
    status = "open"
    published_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    owner = factory.SubFactory(MemberOrganisationFactory)
    language = "en"
    title = "Indoor LiDAR mapping kit"
    summary = "A LiDAR scanner that maps warehouses without GPS."
    title_translated = "Комплект лидарного картирования помещений"
    summary_translated = "Сканер LiDAR для картирования складов без GPS."
    description = "Point clouds at 2 cm accuracy, SLAM on board."
    trl = 7
    priority_areas = ["ict"]
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnologyOffer

    owner = factory.SubFactory(SearchUniversityFactory)
    language = "ru"
    title = "Мембранный фильтр для очистки воды"
    summary = "Нанопористая мембрана для очистки сточных вод от тяжёлых металлов."
    title_translated = "Membrane water filter"
    summary_translated = "A nanoporous membrane that removes heavy metals from waste water."
    description = "Мембрана из оксида алюминия с порами 20 нм."
    ip_kinds = ["patent"]
    patent_numbers = ["RU 2712345 C1"]
    trl = 5
    licensing_terms = "Неисключительная лицензия."
    lab_competencies = "Электронный микроскоп."
    priority_areas = ["environment", "materials"]
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
