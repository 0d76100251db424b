"""Loading the reference vocabularies (priority areas, regions, OKVED 2, TRL) from registry/data/.

Idempotent: codes are stable keys, so running it again updates names and adds new codes.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import OkvedCode, PriorityArea, Region, TechnologyReadinessLevel

DATA_DIR = Path(__file__).parent / "data"


def _load(name: str) -> list[dict]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_all() -> dict[str, int]:
    """Load every vocabulary; returns how many entries each has."""
    for position, row in enumerate(_load("priority_areas.json")):
        PriorityArea.objects.update_or_create(
            code=row["code"],
            defaults={"name_ru": row["name_ru"], "name_en": row["name_en"], "position": position},
        )
    for row in _load("regions.json"):
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_ru": row["name_ru"],
                "name_en": row["name_en"],
                "federal_district": row.get("federal_district", ""),
            },
        )
    okved_rows = sorted(
        _load("okved.json"), key=lambda r: len(r["code"])
    )  # parents before children
    for row in okved_rows:
        OkvedCode.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_ru": row["name_ru"],
                "name_en": row.get("name_en", ""),
                "section": row["section"],
                "parent_id": row.get("parent"),
            },
        )
    for row in _load("trl.json"):
        TechnologyReadinessLevel.objects.update_or_create(
            level=row["level"], defaults={"name_ru": row["name_ru"], "name_en": row["name_en"]}
        )
    return {
        "priority_areas": PriorityArea.objects.count(),
        "regions": Region.objects.count(),
        "okved": OkvedCode.objects.count(),
        "trl": TechnologyReadinessLevel.objects.count(),
    }
