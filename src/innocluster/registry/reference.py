"""Loading the reference vocabularies (priority areas, regions, OKVED 2, TRL) from registry/data/.

Idempotent and fast: every vocabulary is written with one bulk upsert keyed by its stable code
(``INSERT ... ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL), so running it again updates names
and adds new codes; codes that disappear from the files are left alone, because organisations may
still refer to them (the foreign keys are PROTECT).

What the files hold:

- ``priority_areas.json``: the cluster's ten priority areas (reference/priority-areas.md).
- ``regions.json``: every federal subject of the Russian Federation that has an ISO 3166-2:RU
  code (83: 21 republics, 9 krais, 46 oblasts, the federal cities of Moscow and Saint
  Petersburg, the Jewish Autonomous Oblast and 4 autonomous okrugs), with its Russian and
  English names and its federal district (``central``, ``northwestern``, ``southern``,
  ``north_caucasian``, ``volga``, ``ural``, ``siberian``, ``far_eastern``). Subjects without
  an ISO 3166-2:RU code (ISO 3166-2 lists the Republic of Crimea and Sevastopol under UA-43 and
  UA-40, and has no RU code for the subjects added in 2022) are not included: the registry keys
  regions by ISO 3166-2:RU code only.
- ``okved.json``: OKVED 2 (OK 029-2014): all 21 sections A..U, all 88 classes (two digits) and
  the subclasses, groups and subgroups an innovation cluster meets most (software, R&D,
  electronics, machinery, pharmaceuticals, energy, construction, transport, finance, education,
  health, waste). Russian names are the official ones; English names are the NACE Rev. 2 titles
  where OKVED 2 follows NACE, and translations of the Russian for national subdivisions. Each
  entry names its ``parent``: the nearest shorter code present in the file ("62.01" → "62",
  "62" → "J"); sections have none.
- ``trl.json``: technology readiness levels 1..9 (NASA/EU scale) with short descriptions.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.db import transaction

from innocluster.core.pagecache import bump_reference_version

from .models import OkvedCode, PriorityArea, Region, TechnologyReadinessLevel

DATA_DIR = Path(__file__).parent / "data"


@cache
def _load(name: str) -> tuple[dict, ...]:
    return tuple(json.loads((DATA_DIR / name).read_text(encoding="utf-8")))


def regions() -> tuple[dict, ...]:
    """The rows of regions.json (for demo data and tests that need the vocabulary itself)."""
    return _load("regions.json")


def okved_codes() -> tuple[dict, ...]:
    """The rows of okved.json."""
    return _load("okved.json")


def _upsert(model, objects: list, fields: list[str]) -> None:
    pk = model._meta.pk.name
    model.objects.bulk_create(
        objects, update_conflicts=True, unique_fields=[pk], update_fields=fields, batch_size=500
    )


@transaction.atomic
def load_all() -> dict[str, int]:
    """Load every vocabulary; returns how many entries each has."""
    _upsert(
        PriorityArea,
        [
            PriorityArea(
                code=row["code"], name_ru=row["name_ru"], name_en=row["name_en"], position=i
            )
            for i, row in enumerate(_load("priority_areas.json"))
        ],
        ["name_ru", "name_en", "position"],
    )
    _upsert(
        Region,
        [
            Region(
                code=row["code"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                federal_district=row.get("federal_district", ""),
            )
            for row in regions()
        ],
        ["name_ru", "name_en", "federal_district"],
    )
    # Parents before children; the self-reference is checked at commit anyway (deferred FKs).
    _upsert(
        OkvedCode,
        [
            OkvedCode(
                code=row["code"],
                name_ru=row["name_ru"],
                name_en=row.get("name_en", ""),
                section=row["section"],
                parent_id=row.get("parent"),
            )
            for row in sorted(okved_codes(), key=lambda r: len(r["code"]))
        ],
        ["name_ru", "name_en", "section", "parent"],
    )
    _upsert(
        TechnologyReadinessLevel,
        [
            TechnologyReadinessLevel(
                level=row["level"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                description_ru=row.get("description_ru", ""),
                description_en=row.get("description_en", ""),
            )
            for row in _load("trl.json")
        ],
        ["name_ru", "name_en", "description_ru", "description_en"],
    )
    bump_reference_version()  # bulk upserts fire no signals: cached choices must refresh
    return {
        "priority_areas": PriorityArea.objects.count(),
        "regions": Region.objects.count(),
        "okved": OkvedCode.objects.count(),
        "trl": TechnologyReadinessLevel.objects.count(),
    }
