"""Exporting the catalogue: every institution and measure, closed ones too, in the import
format (JSON or YAML), so that an export imports back unchanged."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import yaml
from django.utils.translation import gettext as _

from ..models import Institution, Measure
from .reading import FeedError
from .schema import INSTITUTION_FIELDS, MEASURE_FIELDS


def _plain(value):
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        normal = value.normalize()
        return float(normal) if len(normal.as_tuple().digits) <= 15 else str(normal)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def export_catalogue() -> dict:
    """The whole catalogue (every institution and measure, closed ones too) in the import
    format: importing it back changes nothing."""
    institutions = [
        {k: getattr(i, k) for k in INSTITUTION_FIELDS} for i in Institution.objects.order_by("code")
    ]
    measures = []
    for measure in Measure.objects.select_related("provider").order_by("code"):
        row = {}
        for key in MEASURE_FIELDS:
            value = measure.provider.code if key == "provider" else getattr(measure, key)
            row[key] = _plain(value)
        measures.append(row)
    return {"institutions": institutions, "measures": measures}


def dump_catalogue(fmt: str = "json") -> str:
    """The exported catalogue as JSON or YAML text."""
    data = export_catalogue()
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    raise FeedError(_("Unknown format %(fmt)s (json or yaml).") % {"fmt": fmt})
