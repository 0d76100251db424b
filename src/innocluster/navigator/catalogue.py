"""Import and sync of the catalogue of support measures, and its export.

``innocluster measures import SOURCE`` (or :func:`import_catalogue`) reads measures from a file or
from a partner institution's feed at an http(s) URL, checks every record, and adds or updates
the measures by code. ``innocluster measures export`` writes the catalogue in the same format,
so an export imports back unchanged. docs/navigator-import.md is this reference for operators.

Formats
-------
The format comes from ``--format``, else from the feed's Content-Type (``application/json``,
``application/yaml``/``text/yaml``, ``text/csv``), else from the extension (``.json``,
``.yaml``/``.yml``, ``.csv``). Text is UTF-8 (a feed may name another charset).

JSON and YAML: either a list of measures, or an object::

    {"institutions": [INSTITUTION, ...], "measures": [MEASURE, ...]}

    INSTITUTION: {"code": "fasie", "name_ru": "...", "name_en": "...",
                  "level": "city|regional|federal|other", "website": "https://..."}

CSV: one measure per row, the first row naming the columns (the keys below). List fields
(``purposes``, ``priority_areas``, ``stages``) are separated by ``;``; ``rules`` is the rule as
a JSON string; ``provider`` is an institution's code (the institution must exist already: CSV
carries no institutions).

A measure's keys (only ``code``, ``provider``, ``name_ru`` and ``form`` are required)::

    code                      stable code: lower-case letters, digits, "-" (e.g. fasie-start)
    provider                  the institution's code
    name_ru, name_en          names; description_ru, description_en
    form                      grant loan guarantee compensation subsidy equity tax_benefit
                              service infrastructure pilot_testing
    purposes                  list of: rnd equipment production_expansion patenting
                              patenting_abroad pilot_testing commercialisation digitalisation
                              export working_capital training
    amount_min_rub, amount_max_rub, min_project_budget_rub    roubles, not negative
    cost_share_max, cofinancing_min_share                     shares from 0 to 1
    amount_note_ru, amount_note_en                            caps and conditions, in words
    rate_percent_min, rate_percent_max                        % a year (0-100); term_months
    priority_areas            list of the ten area codes (empty: any area)
    stages                    list of: idea research development market growth (empty: any)
    legal_act, source_url, apply_url, how_to_apply_ru, how_to_apply_en
    as_of, verified_on        dates YYYY-MM-DD, not in the future
    status                    open closed permanent upcoming (upcoming needs opens_on)
    opens_on, closes_on       dates YYYY-MM-DD
    rules                     the eligibility rule (rules.py, docs/navigator.md); null: none

A key left out of a record leaves that field as it is (a new measure gets the default); a key
given as null (an empty cell in CSV) clears it. Unknown keys are errors, never ignored.

What an import does
-------------------
Every record is checked: unknown and required keys, the code's pattern, every choice code,
money not negative, shares from 0 to 1, dates, and the rule, compiled with the measure's own
requirements. Errors name the record (its line in CSV and YAML, else its number and code), the
field and the rule broken; a record with any error changes nothing, so a broken rule never
reaches the published catalogue. Each valid record is saved in its own transaction: a changed
rule gets a new RuleVersion ("import from SOURCE"), every change an audit event, and after the
commit subscribers are re-evaluated (``services.measure_changed``).

The report lists what was added, changed (with the fields), closed (status became closed; and,
with ``close_missing`` and a provider, that provider's measures absent from the feed), unchanged,
and the errors. ``dry_run`` checks and reports without writing.
"""

from __future__ import annotations

import csv
import datetime
import http.client
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import DomainError, ValidationFailed

from . import services
from .choices import InstitutionLevel, MeasureForm, MeasureStatus, Purpose, Stage
from .fields import MAX_MONEY, MEASURE_CODE_PATTERN, PRIORITY_AREAS
from .models import Institution, Measure

REFERENCE_PATH = Path(__file__).parent / "data" / "measures.yaml"
MAX_BYTES = 20 * 1024 * 1024  # a feed larger than this is refused, not read
MAX_RULE_NODES = 2000  # a rule is a few dozen nodes; this stops a rule bomb before parsing
FORMATS = ("json", "yaml", "csv")
INSTITUTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

INSTITUTION_FIELDS = ("code", "name_ru", "name_en", "level", "website")
# A measure's keys, in the order an export writes them.
# fmt: off
MEASURE_FIELDS = (
    "code", "provider", "name_ru", "name_en", "description_ru", "description_en", "form",
    "purposes", "amount_min_rub", "amount_max_rub", "cost_share_max", "amount_note_ru",
    "amount_note_en", "rate_percent_min", "rate_percent_max", "term_months",
    "cofinancing_min_share", "min_project_budget_rub", "priority_areas", "stages", "legal_act",
    "source_url", "as_of", "verified_on", "status", "opens_on", "closes_on", "how_to_apply_ru",
    "how_to_apply_en", "apply_url", "rules",
)
TEXT_NAMES = (
    "name_ru", "name_en", "description_ru", "description_en", "amount_note_ru", "amount_note_en",
    "legal_act", "source_url", "how_to_apply_ru", "how_to_apply_en", "apply_url",
)
# fmt: on
REQUIRED = ("code", "provider", "name_ru", "form")
MONEY_FIELDS = ("amount_min_rub", "amount_max_rub", "min_project_budget_rub")
SHARE_FIELDS = ("cost_share_max", "cofinancing_min_share")
RATE_FIELDS = ("rate_percent_min", "rate_percent_max")
DATE_FIELDS = ("as_of", "verified_on", "opens_on", "closes_on")
PAST_DATES = ("as_of", "verified_on")  # facts checked on a day that has come
LIST_CHOICES = {
    "purposes": tuple(Purpose.values),
    "stages": tuple(Stage.values),
    "priority_areas": PRIORITY_AREAS,
}
CHOICE_FIELDS = {"form": tuple(MeasureForm.values), "status": tuple(MeasureStatus.values)}
# Text fields and their length limits (None: unlimited), as the table has them.
TEXT_FIELDS = {name: Measure._meta.get_field(name).max_length for name in TEXT_NAMES}


class FeedError(DomainError):
    """The source cannot be read at all (missing, too large, not the format it claims):
    nothing was imported."""

    def __init__(self, message: str):
        super().__init__(message=message, code="feed_unreadable", status=400)


@dataclass
class Record:
    """One record of a feed as read: its values, and where it is (for the errors)."""

    values: object
    index: int  # 1-based, within its list
    line: int | None = None  # CSV and YAML
    node: object = None  # the YAML node (to find the line of a place inside a rule)
    kind: str = "measure"  # or "institution"

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` (``rules.all[2].field``) as deep as the YAML shows it, else
        the record's line."""
        line, node = self.line, self.node
        for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            if isinstance(node, yaml.MappingNode):
                found = [(k, v) for k, v in node.value if getattr(k, "value", None) == step]
                if not found:
                    break
                line, node = found[0][0].start_mark.line + 1, found[0][1]
            elif isinstance(node, yaml.SequenceNode) and step.startswith("["):
                index = int(step[1:-1])
                if index >= len(node.value):
                    break
                node = node.value[index]
                line = node.start_mark.line + 1
            else:
                break
        return line

    @property
    def code(self) -> str:
        code = self.values.get("code") if isinstance(self.values, dict) else None
        return code if isinstance(code, str) else ""


@dataclass
class Problem:
    """One error in one record: where, which field, which rule it broke."""

    kind: str
    index: int
    line: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is not None:
            where = _("line %(line)d") % {"line": self.line}
        elif self.kind == "institution":
            where = _("institution %(n)d") % {"n": self.index}
        else:
            where = _("record %(n)d") % {"n": self.index}
        if self.code:
            where = f"{where} ({self.code})"
        return f"{where}: {self.field}: {self.message}"


@dataclass
class Change:
    """A record that changed, and which of its fields."""

    code: str
    fields: list[str]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    closed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    institutions_added: list[str] = field(default_factory=list)
    institutions_changed: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        out = [_("Source: %(source)s") % {"source": self.source}]
        if self.institutions_added:
            out.append(
                _("Institutions added (%(n)d): %(codes)s")
                % {"n": len(self.institutions_added), "codes": ", ".join(self.institutions_added)}
            )
        for change in self.institutions_changed:
            out.append(
                _("Institution changed: %(code)s (%(fields)s)")
                % {"code": change.code, "fields": ", ".join(change.fields)}
            )
        out.append(
            _("Added (%(n)d): %(codes)s") % {"n": len(self.added), "codes": ", ".join(self.added)}
        )
        out.append(_("Changed (%(n)d):") % {"n": len(self.changed)})
        out += [f"  {c.code}: {', '.join(c.fields)}" for c in self.changed]
        out.append(
            _("Closed (%(n)d): %(codes)s")
            % {"n": len(self.closed), "codes": ", ".join(c.code for c in self.closed)}
        )
        out.append(_("Unchanged: %(n)d") % {"n": len(self.unchanged)})
        out.append(_("Errors (%(n)d):") % {"n": len(self.errors)})
        out += [f"  {problem}" for problem in self.errors]
        if self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out


# ------------------------------------------------------------------------------ reading


def read_source(source: str, fmt: str | None = None) -> tuple[str, str]:
    """The text of ``source`` (a path or an http(s) URL) and its format."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return _fetch(source, fmt)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as problem:
        raise FeedError(
            _("Cannot read %(source)s: %(problem)s")
            % {"source": source, "problem": problem.strerror or problem}
        ) from None
    if len(data) > MAX_BYTES:
        raise FeedError(
            _("%(source)s is larger than %(n)d bytes.") % {"source": source, "n": MAX_BYTES}
        )
    return _decode(data, None, source), fmt or _format_of_name(path.name, source)


def _fetch(url: str, fmt: str | None) -> tuple[str, str]:
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError(_("Only http and https feeds can be imported, not %(url)s.") % {"url": url})
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        headers={
            "Accept": "application/json, application/yaml, text/yaml, text/csv;q=0.9, */*;q=0.1",
            "User-Agent": "InnoCluster navigator import",
        },
    )
    timeout = getattr(settings, "NAVIGATOR_FEED_TIMEOUT", 30)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise FeedError(
                    _("The feed %(url)s is larger than %(n)d bytes.") % {"url": url, "n": MAX_BYTES}
                )
            data = response.read(MAX_BYTES + 1)
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as problem:
        raise FeedError(
            _("The feed %(url)s answered HTTP %(status)d.") % {"url": url, "status": problem.code}
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as problem:
        reason = getattr(problem, "reason", problem)
        raise FeedError(
            _("Cannot fetch %(url)s: %(problem)s") % {"url": url, "problem": reason}
        ) from None
    if len(data) > MAX_BYTES:
        raise FeedError(
            _("The feed %(url)s is larger than %(n)d bytes.") % {"url": url, "n": MAX_BYTES}
        )
    if fmt is None:
        fmt = _format_of_type(content_type)
    if fmt is None:
        fmt = _format_of_name(urllib.parse.urlparse(url).path, url)
    return _decode(data, charset, url), fmt


def _format_of_type(content_type: str) -> str | None:
    if content_type in ("application/json", "text/json") or content_type.endswith("+json"):
        return "json"
    if "yaml" in content_type:
        return "yaml"
    if content_type in ("text/csv", "application/csv"):
        return "csv"
    return None


def _format_of_name(name: str, source: str) -> str:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    found = {"json": "json", "yaml": "yaml", "yml": "yaml", "csv": "csv"}.get(suffix)
    if found is None:
        raise FeedError(
            _("Cannot tell the format of %(source)s: name it with --format (json, yaml or csv).")
            % {"source": source}
        )
    return found


def _decode(data: bytes, charset: str | None, source: str) -> str:
    try:
        return data.decode(charset or "utf-8-sig")
    except (UnicodeDecodeError, LookupError):
        raise FeedError(
            _("%(source)s is not text in %(charset)s.")
            % {"source": source, "charset": charset or "UTF-8"}
        ) from None


def parse_feed(text: str, fmt: str) -> tuple[list[Record], list[Record]]:
    """The institutions and the measures of a feed, as records. Raises FeedError."""
    if fmt not in FORMATS:
        raise FeedError(_("Unknown format %(fmt)s (json, yaml or csv).") % {"fmt": fmt})
    if fmt == "csv":
        return [], _parse_csv(text)
    if fmt == "json":
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as problem:
            raise FeedError(
                _("Not valid JSON: line %(line)d, column %(col)d: %(problem)s")
                % {"line": problem.lineno, "col": problem.colno, "problem": problem.msg}
            ) from None
        except RecursionError:
            raise FeedError(_("Not valid JSON: nested too deeply.")) from None
        return _split(data, None)
    return _parse_yaml(text)


def _split(data, node) -> tuple[list[Record], list[Record]]:
    """Records from the parsed document; ``node`` is the YAML node tree (for line numbers)."""
    if isinstance(data, list):
        return [], _records(data, node, "measure")
    if isinstance(data, dict):
        extra = set(data) - {"institutions", "measures"}
        if extra:
            raise FeedError(
                _('Unknown top-level key %(key)r: a feed holds "institutions" and "measures".')
                % {"key": sorted(map(str, extra))[0]}
            )
        lists = {}
        for key in ("institutions", "measures"):
            value = data.get(key) or []
            if not isinstance(value, list):
                raise FeedError(_("%(key)s must be a list.") % {"key": key})
            lists[key] = (value, _yaml_value(node, key))
        return (
            _records(*lists["institutions"], "institution"),
            _records(*lists["measures"], "measure"),
        )
    raise FeedError(_('A feed is a list of measures, or an object with "measures".'))


def _yaml_value(node, key):
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return None


def _records(items: list, node, kind: str) -> list[Record]:
    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    records = []
    for i, values in enumerate(items):
        record = Record(values, i + 1, kind=kind)
        if i < len(nodes):
            record.node = nodes[i]
            record.line = nodes[i].start_mark.line + 1
        records.append(record)
    return records


def _parse_yaml(text: str) -> tuple[list[Record], list[Record]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = _("line %(line)d: ") % {"line": mark.line + 1} if mark else ""
        raise FeedError(
            _("Not valid YAML: %(where)s%(problem)s")
            % {"where": where, "problem": getattr(problem, "problem", None) or problem}
        ) from None
    except (ValueError, RecursionError) as problem:  # e.g. a date such as 2023-02-30
        raise FeedError(_("Not valid YAML: %(problem)s") % {"problem": problem}) from None
    finally:
        loader.dispose()
    if data is None:
        return [], []
    return _split(data, node)


def _parse_csv(text: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in MEASURE_FIELDS]
    if unknown:
        raise FeedError(
            _("line 1: column %(column)r is not a known field (known: %(known)s).")
            % {"column": unknown[0], "known": ", ".join(MEASURE_FIELDS)}
        )
    if len(set(header)) != len(header):
        raise FeedError(_("line 1: a column is named twice."))
    records = []
    previous = reader.line_num
    try:
        for index, row in enumerate(reader, start=1):
            line = previous + 1
            previous = reader.line_num
            values: dict = {}
            for key, cell in row.items():
                if key is None:
                    values[None] = cell
                elif cell is not None:  # None: the row is shorter than the header
                    values[key] = _csv_value(key, cell.strip())
            records.append(Record(values, index, line=line))
    except csv.Error as problem:
        raise FeedError(
            _("Not valid CSV: line %(line)d: %(problem)s")
            % {"line": reader.line_num, "problem": problem}
        ) from None
    return records


class _BadJson:
    """A CSV ``rules`` cell that is not JSON: checked later, as an error of that field."""

    def __init__(self, problem: str):
        self.problem = problem


def _csv_value(key: str, cell: str):
    if key in LIST_CHOICES:
        return [part.strip() for part in cell.split(";") if part.strip()]
    if key == "rules":
        if not cell:
            return None
        try:
            return json.loads(cell, parse_float=Decimal)
        except (json.JSONDecodeError, RecursionError) as problem:
            return _BadJson(str(problem))
    if key in TEXT_FIELDS or key in ("code", "provider"):
        return cell
    return cell or None


# ------------------------------------------------------------------------------ checking


def _as_decimal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(_("must be a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("must be a number")) from None
    if not number.is_finite():
        raise ValueError(_("must be a number"))
    return number


def _places(number: Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise ValueError(_("may have at most %(n)d decimal places") % {"n": places})
    return number.quantize(quantum)


def _check_money(value) -> Decimal:
    number = _as_decimal(value)
    if number < 0:
        raise ValueError(_("must not be negative"))
    if number > MAX_MONEY:
        raise ValueError(_("is implausibly large"))
    return _places(number, 2)


def _check_share(value) -> Decimal:
    number = _as_decimal(value)
    if not 0 <= number <= 1:
        raise ValueError(_("must be a share from 0 to 1"))
    return _places(number, 4)


def _check_rate(value) -> Decimal:
    number = _as_decimal(value)
    if not 0 <= number <= 100:
        raise ValueError(_("must be a percentage from 0 to 100"))
    return _places(number, 3)


def _check_date(value, name: str, today: datetime.date) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    elif isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_("must be a date as YYYY-MM-DD")) from None
    else:
        raise ValueError(_("must be a date as YYYY-MM-DD"))
    if name in PAST_DATES and day > today:
        raise ValueError(_("must not be in the future"))
    if day.year < 1900:
        raise ValueError(_("is implausibly early"))
    return day


def _check_term(value) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("must be a whole number of months"))
    if not 1 <= value <= 1200:
        raise ValueError(_("must be from 1 to 1200 months"))
    return value


def _check_list(value, allowed: tuple) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("must be a list of codes"))
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ValueError(
            _("has unknown codes: %(codes)s (allowed: %(allowed)s)")
            % {"codes": ", ".join(bad), "allowed": ", ".join(allowed)}
        )
    return list(dict.fromkeys(value))


def _rule_json(value, counter: list):
    """The rule as plain JSON (YAML dates and JSON decimals made JSON-ready); ValueError if it
    holds anything a rule cannot, or is implausibly large."""
    counter[0] += 1
    if counter[0] > MAX_RULE_NODES:
        raise ValueError(_("is too large (more than %(n)d parts)") % {"n": MAX_RULE_NODES})
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(_("has a key that is not text"))
        return {k: _rule_json(v, counter) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rule_json(v, counter) for v in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        return float(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ValueError(_("holds a value that is not JSON"))


def _check_text(value, limit: int | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise ValueError(_("must be at most %(n)d characters") % {"n": limit})
    return value


def _check_value(name: str, value, today: datetime.date):
    """The normalised value of one key, or ValueError naming the rule it broke."""
    if name == "code":
        if not isinstance(value, str) or not MEASURE_CODE_PATTERN.match(value):
            raise ValueError(
                _("must be lower-case letters, digits and hyphens, starting with a letter or digit")
            )
        return value
    if name == "provider":
        if not isinstance(value, str) or not value:
            raise ValueError(_("must be an institution's code"))
        return value
    if name in TEXT_FIELDS:
        return _check_text(value, TEXT_FIELDS[name])
    if name in CHOICE_FIELDS:
        if value not in CHOICE_FIELDS[name]:
            raise ValueError(
                _("must be one of: %(choices)s") % {"choices": ", ".join(CHOICE_FIELDS[name])}
            )
        return value
    if name in LIST_CHOICES:
        return [] if value is None else _check_list(value, LIST_CHOICES[name])
    if value is None:
        return None
    if name in MONEY_FIELDS:
        return _check_money(value)
    if name in SHARE_FIELDS:
        return _check_share(value)
    if name in RATE_FIELDS:
        return _check_rate(value)
    if name == "term_months":
        return _check_term(value)
    if name in DATE_FIELDS:
        return _check_date(value, name, today)
    raise AssertionError(name)


def _check_measure(record: Record, existing: Measure | None, providers: set, today):
    """The record's checked values, and its errors as (field, message)."""
    raw = record.values
    if not isinstance(raw, dict):
        return None, [("", _("must be an object with a measure's keys"))]
    errors: list[tuple[str, str]] = []
    for key in raw:
        if key is None:
            errors.append(("", _("the row has more cells than the header has columns")))
        elif key not in MEASURE_FIELDS:
            errors.append((str(key), _("is not a known field")))
    for key in REQUIRED:
        # A new measure needs them all; an update may leave them out, never clear them.
        if (key in raw or existing is None or key == "code") and raw.get(key) in (None, ""):
            errors.append((key, _("is required")))
    clean: dict = {}
    for key in MEASURE_FIELDS:
        if key not in raw or key == "rules" or (key in REQUIRED and raw[key] in (None, "")):
            continue
        try:
            clean[key] = _check_value(key, raw[key], today)
        except ValueError as problem:
            errors.append((key, str(problem.args[0])))
    if clean.get("name_ru") == "" and not any(k == "name_ru" for k, _m in errors):
        errors.append(("name_ru", _("is required")))  # blank after trimming
    if "provider" in clean and clean["provider"] not in providers:
        errors.append(("provider", _("is not a known institution code")))
    if "rules" in raw:
        value = raw["rules"]
        if isinstance(value, _BadJson):
            errors.append(
                ("rules", _("is not valid JSON: %(problem)s") % {"problem": value.problem})
            )
        else:
            try:
                clean["rules"] = _rule_json(value, [0]) or None
            except ValueError as problem:
                errors.append(("rules", str(problem.args[0])))
    if errors:
        return None, errors
    # The terms together, as they will be after the import (a partial record keeps the rest).
    merged = (
        {k: getattr(existing, k) for k in MEASURE_FIELDS if k != "provider"} if existing else {}
    )
    merged.update({k: v for k, v in clean.items() if k != "provider"})
    pairs = (
        ("amount_min_rub", "amount_max_rub"),
        ("rate_percent_min", "rate_percent_max"),
        ("opens_on", "closes_on"),
    )
    for low, high in pairs:
        if None not in (merged.get(low), merged.get(high)) and merged[low] > merged[high]:
            errors.append((low, _("must not be above %(other)s") % {"other": high}))
    if merged.get("status") == MeasureStatus.UPCOMING and not merged.get("opens_on"):
        errors.append(("opens_on", _("is required for an upcoming measure")))
    probe = Measure(
        **{
            k: v
            for k, v in merged.items()
            if k in ("min_project_budget_rub", "cofinancing_min_share")
        }
    )
    try:
        services.check_rules(probe, merged.get("rules"))
    except ValidationFailed as failed:
        errors += [(e.field, str(e.message)) for e in failed.errors]
    except RecursionError:
        errors.append(("rules", _("is nested too deeply")))
    return (None, errors) if errors else (clean, [])


def _check_institution(record: Record, existing: Institution | None):
    raw = record.values
    if not isinstance(raw, dict):
        return None, [("", _("must be an object with an institution's keys"))]
    errors: list[tuple[str, str]] = []
    for key in raw:
        if key not in INSTITUTION_FIELDS:
            errors.append((str(key), _("is not a known field")))
    clean: dict = {}
    code = raw.get("code")
    if not isinstance(code, str) or not INSTITUTION_CODE.match(code):
        errors.append(("code", _("must be lower-case letters, digits, hyphens and underscores")))
    else:
        clean["code"] = code
    for key in ("name_ru", "name_en"):
        if key in raw:
            try:
                clean[key] = _check_text(raw[key], 300)
            except ValueError as problem:
                errors.append((key, str(problem.args[0])))
    if clean.get("name_ru", "" if existing is None else None) == "":
        errors.append(("name_ru", _("is required")))
    if "level" in raw:
        if raw["level"] not in InstitutionLevel.values:
            errors.append(
                (
                    "level",
                    _("must be one of: %(choices)s")
                    % {"choices": ", ".join(InstitutionLevel.values)},
                )
            )
        else:
            clean["level"] = raw["level"]
    if "website" in raw:
        try:
            website = _check_text(raw["website"], 200)
            if website:
                URLValidator(schemes=["http", "https"])(website)
            clean["website"] = website
        except ValueError as problem:
            errors.append(("website", str(problem.args[0])))
        except ValidationError:
            errors.append(("website", _("must be an http(s) address")))
    return (None, errors) if errors else (clean, [])


def _same(old, new) -> bool:
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        if old is None or new is None:
            return old is None and new is None
        return Decimal(old) == Decimal(new)
    if isinstance(new, list) or isinstance(old, list):
        return list(old or []) == list(new or [])
    if isinstance(new, dict) or isinstance(old, dict):
        return json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    if isinstance(new, str) and old is None:
        return new == ""
    return old == new


# ------------------------------------------------------------------------------ importing


def _problems(report: ImportReport, record: Record, errors) -> None:
    for name, message in errors:
        report.errors.append(
            Problem(
                kind=record.kind,
                index=record.index,
                line=record.line_of(name),
                code=record.code,
                field=name or _("record"),
                message=message,
            )
        )


def import_catalogue(
    source: str | Path,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    close_missing: bool = False,
    provider: str | None = None,
    label: str | None = None,
) -> ImportReport:
    """Import measures (and institutions) from ``source``, a file path or an http(s) URL.

    Args: the source; its format (default: from the Content-Type or the extension); check and
    report only; close the measures of institution ``provider`` that the feed no longer has;
    how to name the source in the report, versions and audit events (default: ``source``).
    Returns: the ImportReport. Raises FeedError when the source cannot be read at all (nothing
    changes). See the module docstring for the format and what is checked."""
    text, fmt = read_source(str(source), fmt)
    return import_text(
        text,
        fmt,
        source=label or str(source),
        dry_run=dry_run,
        close_missing=close_missing,
        provider=provider,
    )


def import_text(
    text: str,
    fmt: str,
    *,
    source: str,
    dry_run: bool = False,
    close_missing: bool = False,
    provider: str | None = None,
) -> ImportReport:
    """Import a feed already read (see :func:`import_catalogue`)."""
    if close_missing and not provider:
        raise FeedError(_("Closing missing measures needs the provider whose feed this is."))
    if provider and not close_missing:
        raise FeedError(_("A provider is only used to close its missing measures."))
    institutions, measures = parse_feed(text, fmt)
    if close_missing and not (
        Institution.objects.filter(code=provider).exists()
        or any(r.code == provider for r in institutions)
    ):
        raise FeedError(_("No institution has the code %(code)s.") % {"code": provider})
    report = ImportReport(source=source, dry_run=dry_run)
    today = timezone.localdate()
    comment = _("import from %(source)s") % {"source": source}

    _duplicates(report, institutions)
    _duplicates(report, measures)
    bad = {(p.kind, p.index) for p in report.errors}

    providers = set(Institution.objects.values_list("code", flat=True))
    for record in institutions:
        if ("institution", record.index) in bad:
            continue
        existing = Institution.objects.filter(code=record.code).first() if record.code else None
        clean, errors = _check_institution(record, existing)
        if errors:
            _problems(report, record, errors)
            continue
        providers.add(clean["code"])
        _save_institution(report, existing, clean, dry_run, comment)

    for record in measures:
        if ("measure", record.index) in bad:
            continue
        existing = (
            Measure.objects.select_related("provider").filter(code=record.code).first()
            if record.code
            else None
        )
        clean, errors = _check_measure(record, existing, providers, today)
        if errors:
            _problems(report, record, errors)
            continue
        try:
            _save_measure(report, existing, clean, dry_run, comment)
        except DatabaseError as problem:
            _problems(
                report, record, [("", _("could not be saved: %(problem)s") % {"problem": problem})]
            )

    if close_missing:
        seen = {r.code for r in measures if r.code}
        missing = (
            Measure.objects.filter(provider__code=provider)
            .exclude(status=MeasureStatus.CLOSED)
            .exclude(code__in=seen)
            .order_by("code")
        )
        for measure in missing:
            report.closed.append(Change(measure.code, ["status"]))
            if dry_run:
                continue
            with transaction.atomic():
                before = measure.status
                measure.status = MeasureStatus.CLOSED
                measure.save(update_fields=["status", "updated_at"])
                record_event(
                    actor=None,
                    action="navigator.measure_closed",
                    obj=measure,
                    before={"status": before},
                    after={"status": measure.status},
                    summary=_("%(comment)s: no longer in the provider's feed")
                    % {"comment": comment},
                )
    return report


def _duplicates(report: ImportReport, records: list[Record]) -> None:
    """A code given twice is ambiguous: neither record is imported."""
    first: dict[str, Record] = {}
    for record in records:
        code = record.code
        if not code:
            continue
        if code in first:
            for twin, other in ((first[code], record), (record, first[code])):
                where = other.line if other.line is not None else other.index
                _problems(
                    report,
                    twin,
                    [
                        (
                            "code",
                            _("appears more than once in the feed (also at %(where)s)")
                            % {"where": where},
                        )
                    ],
                )
        else:
            first[code] = record


def _save_institution(report, existing, clean, dry_run, comment) -> None:
    if existing is None:
        report.institutions_added.append(clean["code"])
        if not dry_run:
            with transaction.atomic():
                institution = Institution.objects.create(**clean)
                record_event(
                    actor=None,
                    action="navigator.institution_imported",
                    obj=institution,
                    after=clean,
                    summary=comment,
                )
        return
    diff = [k for k, v in clean.items() if not _same(getattr(existing, k), v)]
    if not diff:
        return
    report.institutions_changed.append(Change(existing.code, diff))
    if dry_run:
        return
    with transaction.atomic():
        before = {k: getattr(existing, k) for k in diff}
        for key in diff:
            setattr(existing, key, clean[key])
        existing.save(update_fields=[*diff, "updated_at"])
        record_event(
            actor=None,
            action="navigator.institution_updated",
            obj=existing,
            before=before,
            after={k: clean[k] for k in diff},
            summary=comment,
        )


def _save_measure(report, existing, clean, dry_run, comment) -> None:
    code = clean.get("code") or existing.code
    values = {k: v for k, v in clean.items() if k != "provider"}
    if existing is None:
        report.added.append(code)
        if dry_run:
            return
        with transaction.atomic():
            measure = Measure(**values, provider=Institution.objects.get(code=clean["provider"]))
            measure.save()
            version = 0
            if measure.rules is not None:
                version = services.record_rule_version(measure, None, comment).number
            record_event(
                actor=None,
                action="navigator.measure_imported",
                obj=measure,
                after=clean,
                summary=comment,
            )
            if measure.status != MeasureStatus.CLOSED:
                transaction.on_commit(lambda: services.measure_changed(code, version))
        return
    diff = [k for k in values if not _same(getattr(existing, k), values[k])]
    if "provider" in clean and clean["provider"] != existing.provider.code:
        diff.insert(1, "provider")
    if not diff:
        report.unchanged.append(code)
        return
    closing = "status" in diff and values["status"] == MeasureStatus.CLOSED
    (report.closed if closing else report.changed).append(Change(code, diff))
    if dry_run:
        return
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=existing.pk)
        before = {k: getattr(measure, k) for k in diff if k != "provider"}
        if "provider" in diff:
            before["provider"] = existing.provider.code
            measure.provider = Institution.objects.get(code=clean["provider"])
        for key in diff:
            if key != "provider":
                setattr(measure, key, values[key])
        measure.save(update_fields=[*diff, "updated_at"])
        version = measure.rules_version
        if "rules" in diff:
            version = services.record_rule_version(measure, None, comment).number
        record_event(
            actor=None,
            action="navigator.measure_closed" if closing else "navigator.measure_updated",
            obj=measure,
            before=before,
            after={k: clean[k] for k in diff},
            summary=comment,
        )
        if not closing and measure.status != MeasureStatus.CLOSED:
            transaction.on_commit(lambda: services.measure_changed(code, version))


def load_reference_catalogue(*, dry_run: bool = False) -> ImportReport:
    """Import the reference catalogue shipped with the navigator (data/measures.yaml): the
    measures of ../shared/reference/support-measures.md. Idempotent: a second load changes
    nothing."""
    return import_catalogue(REFERENCE_PATH, dry_run=dry_run, label="reference:measures.yaml")


# ------------------------------------------------------------------------------ exporting


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
