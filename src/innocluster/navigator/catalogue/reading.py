"""Reading a feed: the source (a file, or an http(s) URL with its Content-Type and charset),
its format (JSON, YAML or CSV), and its institutions and measures as records that know their
line (CSV and YAML), for the errors. FeedError when the source cannot be read at all."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from innocluster.core.errors import DomainError

from .schema import LIST_CHOICES, MEASURE_FIELDS, TEXT_FIELDS

MAX_BYTES = 20 * 1024 * 1024  # a feed larger than this is refused, not read
FORMATS = ("json", "yaml", "csv")


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


class BadJson:
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
            return BadJson(str(problem))
    if key in TEXT_FIELDS or key in ("code", "provider"):
        return cell
    return cell or None
