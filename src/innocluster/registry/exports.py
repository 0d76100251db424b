"""The registry as open data: row building, the CSV and JSON writers, and the JSON Schema.

Shared by the public export (``/registry/export.csv|json``), the back office's staff export and
the API, so every channel publishes the same fields with the same meaning. The documented form
of all this is docs/open-data/; ``registry_schema()`` is the source of
docs/open-data/registry.schema.json and a test keeps the two equal.

Everything here streams: organisations are read with ``.iterator(chunk_size=...)`` and each
chunk's many-to-many codes (priority areas, further OKVED codes) are fetched with one query per
relation, so exporting 100,000 organisations takes flat memory and a number of queries that
grows with the number of chunks, never with the number of rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from uuid import UUID

from django.db import connections
from django.utils import timezone

from .areas import PRIORITY_AREA_CODES
from .choices import PUBLIC_STATUSES, LegalForm, OrganisationKind, SmeCategory
from .models import Organisation, PriorityArea

CHUNK_SIZE = 2000

# The public fields, in the order of the CSV columns and of the JSON objects' keys.
PUBLIC_FIELDS: tuple[str, ...] = (
    "id",
    "member_number",
    "status",
    "member_since",
    "legal_form",
    "kind",
    "name_ru",
    "name_en",
    "inn",
    "ogrn",
    "kpp",
    "country",
    "region",
    "okved_main",
    "okved_extra",
    "priority_areas",
    "sme_category",
    "employees",
    "website",
    "registered_on",
    "description_ru",
    "description_en",
)
# Only the back office's export carries these: they are the organisation's private contacts.
PRIVATE_FIELDS: tuple[str, ...] = ("contact_name", "contact_email", "contact_phone", "address")
LIST_FIELDS = frozenset({"okved_extra", "priority_areas"})
CSV_LIST_SEPARATOR = ";"

# Model columns read for each exported scalar field (the list fields come from their own queries).
_COLUMNS = {
    "region": "region_id",
    "okved_main": "okved_main_id",
}
# Optional text: exported as null when blank, so "absent" has one spelling.
_BLANK_AS_NULL = frozenset(
    {"name_en", "kpp", "website", "description_ru", "description_en", "sme_category"}
    | set(PRIVATE_FIELDS)
)


def export_fields(*, private: bool = False) -> tuple[str, ...]:
    return PUBLIC_FIELDS + PRIVATE_FIELDS if private else PUBLIC_FIELDS


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _related_codes(relation: str, org_ids: list[UUID], order=None) -> dict[str, list[str]]:
    """Codes of one many-to-many relation for a chunk of organisations, in one query, keyed by
    the organisation id's hex. The rows are read through a plain cursor: Django would build a
    UUID for every row, which was half the export's time at 100,000 organisations."""
    m2m = Organisation._meta.get_field(relation)
    through = m2m.remote_field.through
    owner, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    queryset = (
        through.objects.filter(**{f"{owner}__in": org_ids}).values_list(owner, target).order_by()
    )
    sql, params = queryset.query.sql_with_params()
    codes: dict[str, list[str]] = defaultdict(list)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, code in cursor.fetchall():
            # SQLite keeps a UUID as 32 hex digits; PostgreSQL's driver gives a UUID.
            codes[org_id if isinstance(org_id, str) else org_id.hex].append(code)
    for values in codes.values():
        if len(values) > 1:
            values.sort(key=order)
    return codes


def _iso(value) -> str:
    return value.isoformat()


# How each scalar column becomes JSON: identifiers and dates as strings.
_CONVERT = {"id": str, "member_since": _iso, "registered_on": _iso}


def export_rows(queryset, *, private: bool = False, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """One dict per organisation of ``queryset`` (keys: ``export_fields()``), JSON-ready:
    UUIDs and dates as strings, lists for ``okved_extra`` and ``priority_areas``, ``None`` for
    absent values. The queryset's filtering and ordering are kept.

    ``queryset`` decides who is exported: pass the public registry
    (``selectors.registry_list(AnonymousUser(), filter)``) for open data.
    """
    fields = export_fields(private=private)
    columns = [_COLUMNS.get(name, name) for name in fields if name not in LIST_FIELDS]
    # (output name, model column or None for a list field, converter, blank means null)
    plan = [
        (
            name,
            None if name in LIST_FIELDS else _COLUMNS.get(name, name),
            _CONVERT.get(name),
            name in _BLANK_AS_NULL,
        )
        for name in fields
    ]
    area_position = {
        code: position
        for position, code in enumerate(PriorityArea.objects.values_list("code", flat=True))
    }
    values = queryset.select_related(None).values(*columns).iterator(chunk_size=chunk_size)
    for chunk in _chunks(values, chunk_size):
        org_ids = [raw["id"] for raw in chunk]
        lists = {
            "priority_areas": _related_codes(
                "priority_areas", org_ids, order=lambda code: area_position.get(code, 99)
            ),
            "okved_extra": _related_codes("okved_extra", org_ids),
        }
        for raw in chunk:
            key = raw["id"].hex
            row = {}
            for name, column, convert, blank_is_null in plan:
                if column is None:
                    value = list(lists[name].get(key, ()))
                else:
                    value = raw[column]
                    if value is None:
                        pass
                    elif convert is not None:
                        value = convert(value)
                    elif blank_is_null and value == "":
                        value = None
                row[name] = value
            if raw["legal_form"] == LegalForm.INDIVIDUAL:
                # A private person's INN is personal data (152-FZ); no public register shows it.
                row["inn"] = None
            yield row


# --- CSV ---------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value, *, spreadsheet_safe: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(value)
    text = str(value)
    if spreadsheet_safe and text.startswith(_FORMULA_START):
        # A spreadsheet would run "=..." as a formula (CSV injection); a leading quote stops it.
        return "'" + text
    return text


def stream_csv(
    queryset,
    *,
    private: bool = False,
    spreadsheet_safe: bool = False,
    flush_at: int = 64 * 1024,
) -> Iterator[str]:
    """The organisations as CSV (RFC 4180: comma, double quotes, CRLF), header row first.

    Lists are joined with ``;``; absent values are empty cells. ``spreadsheet_safe`` prefixes
    cells that a spreadsheet would take for a formula with a quote (for the staff export, which
    people open in spreadsheets; open data stays byte-exact). Yields pieces of about ``flush_at``
    characters.
    """
    fields = export_fields(private=private)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in export_rows(queryset, private=private):
        writer.writerow([_csv_cell(row[f], spreadsheet_safe=spreadsheet_safe) for f in fields])
        if buffer.tell() >= flush_at:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- JSON --------------------------------------------------------------------------------------


def stream_json(
    queryset, schema_url: str, *, generated_at: datetime | None = None, flush_every: int = 500
) -> Iterator[str]:
    """One JSON document, streamed: ``{"schema", "generated_at", "organisations": [...],
    "count"}``. ``count`` comes last because it is counted while streaming, so it always equals
    the length of ``organisations`` even if the registry changes during the download.
    """
    head = {
        "schema": schema_url,
        "generated_at": (generated_at or timezone.now()).isoformat(timespec="seconds"),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "organisations": ['
    count, parts = 0, []
    for row in export_rows(queryset):
        parts.append(("," if count else "") + json.dumps(row, ensure_ascii=False))
        count += 1
        if len(parts) >= flush_every:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts) + f'], "count": {count}}}'


# --- The schema --------------------------------------------------------------------------------

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def priority_area_codes() -> list[str]:
    """The priority areas' codes from the reference data file (stable, DESIGN.md)."""
    return list(PRIORITY_AREA_CODES)


def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def _enum(values, *, nullable: bool = False) -> dict:
    values = [str(v) for v in values]
    if nullable:
        return {"type": ["string", "null"], "enum": [*values, None]}
    return {"type": "string", "enum": values}


def registry_schema(schema_id: str | None = None) -> dict:
    """JSON Schema (draft 2020-12) of one JSON export document, as published.

    ``schema_id`` becomes ``$id`` (the served copy uses its own absolute URL); the committed
    docs/open-data/registry.schema.json is ``registry_schema()``.
    """
    text = {"type": "string"}
    date_ = {"type": "string", "format": "date"}
    organisation = {
        "type": "object",
        "description": "One organisation of the public member registry.",
        "additionalProperties": False,
        "required": list(PUBLIC_FIELDS),
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "Stable opaque identifier; the profile page is /registry/{id}/.",
            },
            "member_number": _nullable(
                {**text, "description": "Member number given at admission, e.g. MIC-000123."}
            ),
            "status": {
                **_enum(PUBLIC_STATUSES),
                "description": "member: admitted, home region; partner: admitted, other region "
                "or abroad; suspended: admitted, rights paused by the Fund.",
            },
            "member_since": _nullable({**date_, "description": "Date of admission."}),
            "legal_form": {
                **_enum(LegalForm.values),
                "description": "How the organisation exists in law.",
            },
            "kind": {**_enum(OrganisationKind.values), "description": "What the organisation is."},
            "name_ru": {**text, "minLength": 1, "description": "Name in Russian."},
            "name_en": _nullable({**text, "description": "Name in English."}),
            "inn": _nullable(
                {
                    **text,
                    "pattern": "^([0-9]{10}|[0-9]{12})$",
                    "description": "Taxpayer number: 10 digits for a legal entity, 12 for an "
                    "individual entrepreneur; null for foreign organisations and always null "
                    "for private persons.",
                }
            ),
            "ogrn": _nullable(
                {
                    **text,
                    "pattern": "^([0-9]{13}|[0-9]{15})$",
                    "description": "OGRN (13 digits) or, for an entrepreneur, OGRNIP (15 digits).",
                }
            ),
            "kpp": _nullable(
                {
                    **text,
                    "pattern": "^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$",
                    "description": "Tax registration reason code of a legal entity.",
                }
            ),
            "country": {
                **text,
                "pattern": "^[A-Z]{2}$",
                "description": "ISO 3166-1 alpha-2 country code.",
            },
            "region": _nullable(
                {
                    **text,
                    "pattern": "^RU-[A-Z]{2,3}$",
                    "description": "ISO 3166-2:RU region code, e.g. RU-MOW; null outside Russia.",
                }
            ),
            "okved_main": _nullable(
                {
                    **text,
                    "pattern": "^[0-9]{2}(\\.[0-9]{1,3}){0,3}$",
                    "description": "Main OKVED 2 (OK 029-2014) activity code.",
                }
            ),
            "okved_extra": {
                "type": "array",
                "items": {"type": "string", "pattern": "^([A-U]|[0-9]{2}(\\.[0-9]{1,3}){0,3})$"},
                "uniqueItems": True,
                "description": "Further OKVED 2 codes, sorted.",
            },
            "priority_areas": {
                "type": "array",
                "items": _enum(priority_area_codes()),
                "uniqueItems": True,
                "description": "The cluster's priority areas the organisation works in.",
            },
            "sme_category": {
                **_enum(SmeCategory.values, nullable=True),
                "description": "Size category under Federal Law 209-FZ; null when unknown.",
            },
            "employees": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "Average number of employees.",
            },
            "website": _nullable({**text, "format": "uri", "description": "Web site."}),
            "registered_on": _nullable({**date_, "description": "State registration date."}),
            "description_ru": _nullable({**text, "description": "Description in Russian."}),
            "description_en": _nullable({**text, "description": "Description in English."}),
        },
    }
    schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "InnoCluster member registry (open data)",
        "description": "The public member registry of the innovation cluster as one JSON "
        "document. See README.md beside this file for the code lists and the licence.",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema", "generated_at", "organisations", "count"],
        "properties": {
            "schema": {
                "type": "string",
                "format": "uri",
                "description": "URL of this schema.",
            },
            "generated_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the export was made (ISO 8601 with offset).",
            },
            "organisations": {"type": "array", "items": {"$ref": "#/$defs/organisation"}},
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "Number of organisations in this document.",
            },
        },
        "$defs": {"organisation": organisation},
    }
    if schema_id:
        schema = {"$schema": schema.pop("$schema"), "$id": schema_id, **schema}
    return schema


def schema_json(schema_id: str | None = None) -> str:
    """The schema as committed in docs/open-data/registry.schema.json (2-space indent, UTF-8)."""
    return json.dumps(registry_schema(schema_id), ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "CHUNK_SIZE",
    "PRIVATE_FIELDS",
    "PUBLIC_FIELDS",
    "export_fields",
    "export_rows",
    "registry_schema",
    "schema_json",
    "stream_csv",
    "stream_json",
]
