"""The reference vocabularies: complete, consistent, and loaded idempotently."""

import re

import pytest
from django.core.management import call_command

from innocluster.registry import reference
from innocluster.registry.models import OkvedCode, PriorityArea, Region, TechnologyReadinessLevel

pytestmark = pytest.mark.django_db

ISO_RU = re.compile(r"^RU-[A-Z]{2,3}$")
FEDERAL_DISTRICTS = {
    "central",
    "northwestern",
    "southern",
    "north_caucasian",
    "volga",
    "ural",
    "siberian",
    "far_eastern",
}


def test_counts_after_load():
    counts = reference.load_all()
    assert counts["priority_areas"] == 10
    assert counts["regions"] == 83
    assert counts["trl"] == 9
    assert 250 <= counts["okved"] <= 500
    assert OkvedCode.objects.filter(code__regex=r"^[A-U]$").count() == 21
    assert OkvedCode.objects.filter(code__regex=r"^[0-9]{2}$").count() == 88


def test_priority_area_codes_are_the_stable_ones():
    assert list(PriorityArea.objects.values_list("code", flat=True)) == [
        "ict", "manufacturing", "materials", "medicine", "biotech",
        "environment", "construction", "energy", "transport", "fintech",
    ]  # fmt: skip


def test_regions_are_iso_coded_with_districts():
    moscow = Region.objects.get(code="RU-MOW")
    assert (moscow.name_ru, moscow.name_en, moscow.federal_district) == (
        "Москва",
        "Moscow",
        "central",
    )
    for code in ["RU-MOS", "RU-SPE", "RU-LEN", "RU-TA", "RU-BA", "RU-KHM", "RU-YEV", "RU-CHU"]:
        assert Region.objects.filter(code=code).exists(), code
    for region in Region.objects.all():
        assert ISO_RU.match(region.code), region.code
        assert region.federal_district in FEDERAL_DISTRICTS, region.code
        assert region.name_ru and region.name_en
    assert Region.objects.filter(federal_district="central").count() == 18


def test_okved_hierarchy():
    software = OkvedCode.objects.get(code="62.01")
    assert software.name_ru == "Разработка компьютерного программного обеспечения"
    assert software.name_en == "Computer programming activities"
    assert software.parent_id == "62"
    assert software.parent.parent_id == "J"
    assert software.section == "J" and software.parent.parent.is_section
    assert OkvedCode.objects.get(code="72.19.3").parent_id == "72.19"
    assert OkvedCode.objects.get(code="21.20").section == "C"


def test_every_okved_entry_is_consistent():
    codes = {c.code: c for c in OkvedCode.objects.all()}
    for code, entry in codes.items():
        assert entry.name_ru and entry.name_en, code
        if len(code) == 1:
            assert entry.parent_id is None and entry.section == code
            continue
        assert entry.parent_id in codes, code
        parent = codes[entry.parent_id]
        assert parent.section == entry.section, code
        # the parent is a prefix of the code (a section for two-digit classes)
        assert parent.is_section or code.startswith(parent.code), code


def test_trl_levels_have_descriptions():
    levels = list(TechnologyReadinessLevel.objects.all())
    assert [t.level for t in levels] == list(range(1, 10))
    assert all(t.description_ru and t.description_en for t in levels)


def test_second_load_is_idempotent_and_updates_names():
    first = reference.load_all()
    OkvedCode.objects.filter(code="62.01").update(name_en="changed")
    second = reference.load_all()
    assert first == second
    assert OkvedCode.objects.get(code="62.01").name_en == "Computer programming activities"


def test_command_prints_counts(capsys):
    call_command("load_reference")
    assert "regions 83" in capsys.readouterr().out
