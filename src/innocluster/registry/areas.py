"""The cluster's ten priority areas' stable codes (reference/priority-areas.md), read from the
reference data file: the one list every capability checks area codes against. No models here,
so any module may import it at load time."""

import json
from pathlib import Path

PRIORITY_AREAS_FILE = Path(__file__).parent / "data" / "priority_areas.json"
PRIORITY_AREA_CODES: tuple[str, ...] = tuple(
    row["code"] for row in json.loads(PRIORITY_AREAS_FILE.read_text(encoding="utf-8"))
)
