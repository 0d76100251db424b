"""Factories of the navigator: institutions and measures (rules given per test)."""

import factory

from innocluster.navigator.models import Institution, Measure


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"institution-{n}")
    name_ru = factory.Sequence(lambda n: f"Фонд поддержки {n}")
    name_en = factory.Sequence(lambda n: f"Support Fund {n}")
    level = "federal"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"measure-{n}")
    provider = factory.SubFactory(InstitutionFactory)
    name_ru = factory.Sequence(lambda n: f"Грант на разработку {n}")
    name_en = factory.Sequence(lambda n: f"Development grant {n}")
    description_ru = "Грант на исследования и разработки."
    description_en = "A grant for research and development."
    form = "grant"
    purposes = factory.LazyFunction(lambda: ["rnd"])
    amount_max_rub = 5_000_000
    status = "permanent"
    rules = None
