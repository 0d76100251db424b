"""Importing and syncing the catalogue of measures: JSON, YAML, CSV and feeds at a URL; every
record checked, errors naming the line and the field, nothing stored for a broken record; what
was added, changed, closed and left alone reported; rule versions and audit events; dry runs,
export round trips and the command line."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from innocluster.core.models import AuditEvent
from innocluster.navigator import catalogue, services
from innocluster.navigator.catalogue import FeedError, import_catalogue, reading
from innocluster.navigator.management.commands.measures import Command
from innocluster.navigator.models import Institution, Measure, RuleVersion
from tests.navigator.factories import InstitutionFactory, MeasureFactory

pytestmark = pytest.mark.django_db

AGE_RULE = {"all": [{"field": "person_age", "between": [18, 30]}]}


def measure(code: str = "city-grant", **extra) -> dict:
    record = {
        "code": code,
        "provider": "city-fund",
        "name_ru": "Городской грант",
        "name_en": "City grant",
        "form": "grant",
        "purposes": ["rnd", "equipment"],
        "amount_max_rub": 5_000_000,
        "cost_share_max": 0.5,
        "status": "permanent",
        "verified_on": "2026-11-01",
        "rules": {"all": [{"field": "cluster_member", "eq": True}]},
    }
    record.update(extra)
    return record


CITY_FUND = {
    "code": "city-fund",
    "name_ru": "Городской фонд",
    "name_en": "City Fund",
    "level": "city",
    "website": "https://fund.example",
}


def feed(*measures, institutions=(CITY_FUND,)) -> dict:
    return {"institutions": list(institutions), "measures": list(measures)}


def write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    if not isinstance(content, str):
        content = (
            json.dumps(content, ensure_ascii=False)
            if name.endswith(".json")
            else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        )
    path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def notified(monkeypatch):
    """The (code, rules_version) pairs subscribers were re-evaluated for."""
    calls = []
    monkeypatch.setattr(services, "measure_changed", lambda code, v: calls.append((code, v)))
    return calls


# ------------------------------------------------------------------ formats


def test_json_feed_adds_institution_and_measure(tmp_path):
    report = import_catalogue(write(tmp_path, "feed.json", feed(measure())))
    assert report.ok
    assert (report.added, report.institutions_added) == (["city-grant"], ["city-fund"])
    grant = Measure.objects.get(code="city-grant")
    assert grant.provider == Institution.objects.get(code="city-fund")
    assert grant.purposes == ["rnd", "equipment"]
    assert grant.cost_share_max == Decimal("0.5")
    assert grant.amount_max_rub == 5_000_000
    assert grant.rules == {"all": [{"field": "cluster_member", "eq": True}]}
    assert grant.rules_version == 1
    assert str(grant.verified_on) == "2026-11-01"


def test_json_list_of_measures_uses_existing_institutions(tmp_path):
    InstitutionFactory(code="city-fund")
    report = import_catalogue(write(tmp_path, "feed.json", [measure("a"), measure("b")]))
    assert report.added == ["a", "b"]


def test_yaml_feed(tmp_path):
    text = """
institutions:
  - {code: city-fund, name_ru: Городской фонд, level: city}
measures:
  - code: city-loan
    provider: city-fund
    name_ru: Городской заём
    form: loan
    rate_percent_min: 1.5
    term_months: 60
    as_of: 2025-03-11
    rules:
      any:
        - {field: okved_main, okved: ["72", C]}
        - {field: region, in: [RU-MOW]}
"""
    report = import_catalogue(write(tmp_path, "feed.yaml", text))
    assert report.ok, report.errors
    loan = Measure.objects.get(code="city-loan")
    assert (loan.rate_percent_min, loan.term_months) == (Decimal("1.5"), 60)
    assert str(loan.as_of) == "2025-03-11"
    assert loan.rules["any"][0] == {"field": "okved_main", "okved": ["72", "C"]}


def test_csv_feed_lists_by_semicolon_rules_as_json(tmp_path):
    InstitutionFactory(code="city-fund")
    rules = json.dumps({"all": [{"field": "person_age", "between": [18, 30]}]})
    text = (
        "code,provider,name_ru,form,purposes,stages,amount_max_rub,rules\n"
        f'young-grant,city-fund,Грант молодым,grant,rnd;patenting,idea;research,500000,"{rules.replace(chr(34), chr(34) * 2)}"\n'
        "no-rule,city-fund,Без правил,service,,,,\n"
    )
    report = import_catalogue(write(tmp_path, "feed.csv", text))
    assert report.ok, [str(e) for e in report.errors]
    young = Measure.objects.get(code="young-grant")
    assert young.purposes == ["rnd", "patenting"]
    assert young.stages == ["idea", "research"]
    assert young.rules == {"all": [{"field": "person_age", "between": [18, 30]}]}
    plain = Measure.objects.get(code="no-rule")
    assert (plain.rules, plain.purposes, plain.amount_max_rub) == (None, [], None)


def test_format_that_cannot_be_told_is_refused(tmp_path):
    with pytest.raises(FeedError, match="--format"):
        import_catalogue(write(tmp_path, "feed.txt", "[]"))
    assert import_catalogue(write(tmp_path, "feed.txt", "[]"), fmt="json").ok


def test_unreadable_documents_change_nothing(tmp_path):
    with pytest.raises(FeedError, match="line 2"):
        import_catalogue(write(tmp_path, "feed.json", '[\n{"code": }]'))
    with pytest.raises(FeedError, match="line 3"):
        import_catalogue(write(tmp_path, "feed.yaml", "measures:\n  - code: a\n\t- code: b\n"))
    with pytest.raises(FeedError, match="Cannot read"):
        import_catalogue(str(tmp_path / "missing.json"))
    with pytest.raises(FeedError, match="column 'colour'"):
        import_catalogue(write(tmp_path, "feed.csv", "code,colour\na,red\n"))
    assert not Measure.objects.exists()


# ------------------------------------------------------------------ a feed at a URL


class _Feeds(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 - the http.server API
        status, content_type, body = self.routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Feeds.routes
    server.shutdown()
    server.server_close()
    _Feeds.routes.clear()


def test_feed_at_a_url_format_from_content_type(feed_server):
    base, routes = feed_server
    body = json.dumps(feed(measure())).encode()
    routes["/partner/measures"] = (200, "application/json; charset=utf-8", body)
    report = import_catalogue(f"{base}/partner/measures")
    assert report.added == ["city-grant"]
    assert report.source == f"{base}/partner/measures"


def test_feed_at_a_url_format_from_extension_and_charset(feed_server):
    base, routes = feed_server
    InstitutionFactory(code="city-fund")
    body = "code,provider,name_ru,form\nkredit,city-fund,Кредит,loan\n".encode("cp1251")
    routes["/export.csv"] = (200, "application/octet-stream; charset=windows-1251", body)
    import_catalogue(f"{base}/export.csv")
    assert Measure.objects.get(code="kredit").name_ru == "Кредит"


def test_feed_errors_are_clear(feed_server, settings):
    base, routes = feed_server
    with pytest.raises(FeedError, match="HTTP 404"):
        import_catalogue(f"{base}/gone.json")
    with pytest.raises(FeedError, match="http and https"):
        import_catalogue("ftp://example.org/feed.json")
    routes["/big.json"] = (200, "application/json", b"[" + b" " * 100 + b"]")
    settings.NAVIGATOR_FEED_TIMEOUT = 5
    catalogue_limit = reading.MAX_BYTES
    try:
        reading.MAX_BYTES = 50
        with pytest.raises(FeedError, match="larger than 50 bytes"):
            import_catalogue(f"{base}/big.json")
    finally:
        reading.MAX_BYTES = catalogue_limit


# ------------------------------------------------------------------ checking every record


def test_csv_errors_name_the_line_and_field_and_store_nothing_of_that_row(tmp_path):
    InstitutionFactory(code="city-fund")
    text = (
        "code,provider,name_ru,form,purposes,amount_max_rub\n"
        "good,city-fund,Хороший,grant,rnd,100\n"
        "bad-form,city-fund,Плохой,gift,rnd,100\n"
        "bad-money,city-fund,Плохой,grant,rnd,-5\n"
        "bad-purpose,city-fund,Плохой,grant,rnd;fun,100\n"
    )
    report = import_catalogue(write(tmp_path, "feed.csv", text))
    assert report.added == ["good"]
    found = {(e.line, e.code, e.field) for e in report.errors}
    assert found == {
        (3, "bad-form", "form"),
        (4, "bad-money", "amount_max_rub"),
        (5, "bad-purpose", "purposes"),
    }
    assert "line 4 (bad-money): amount_max_rub: must not be negative" in [
        str(e) for e in report.errors
    ]
    assert list(Measure.objects.values_list("code", flat=True)) == ["good"]


def test_yaml_broken_rule_is_named_by_its_line_and_place(tmp_path):
    text = """measures:
  - code: broken
    provider: city-fund
    name_ru: Сломанное правило
    form: grant
    rules:
      all:
        - {field: cluster_member, eq: true}
        - {field: shoe_size, gt: 40}
"""
    InstitutionFactory(code="city-fund")
    report = import_catalogue(write(tmp_path, "feed.yaml", text))
    assert [(e.line, e.field) for e in report.errors] == [(9, "rules.all[1].field")]
    assert "shoe_size" in report.errors[0].message
    assert not Measure.objects.filter(code="broken").exists()


def test_broken_rule_never_reaches_the_published_catalogue(tmp_path):
    grant = MeasureFactory(code="city-grant", rules=AGE_RULE, rules_version=1)
    broken = {"all": [{"field": "person_age", "between": [30, 18]}]}
    report = import_catalogue(
        write(tmp_path, "f.json", [measure(provider=grant.provider.code, rules=broken)])
    )
    assert [e.field for e in report.errors] == ["rules.all[0].between"]
    grant.refresh_from_db()
    assert (grant.rules, grant.rules_version, grant.name_en) == (AGE_RULE, 1, grant.name_en)
    assert not RuleVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"code": "Bad Code"}, "code"),
        ({"code": None}, "code"),
        ({"name_ru": ""}, "name_ru"),
        ({"name_ru": "   "}, "name_ru"),
        ({"form": "gift"}, "form"),
        ({"provider": "nobody"}, "provider"),
        ({"status": "paused"}, "status"),
        ({"stages": ["teenage"]}, "stages"),
        ({"priority_areas": ["space"]}, "priority_areas"),
        ({"purposes": "rnd"}, "purposes"),
        ({"amount_min_rub": -1}, "amount_min_rub"),
        ({"amount_min_rub": 10_000_000}, "amount_min_rub"),  # above the maximum
        ({"cost_share_max": 1.5}, "cost_share_max"),
        ({"cofinancing_min_share": "half"}, "cofinancing_min_share"),
        ({"rate_percent_min": 120}, "rate_percent_min"),
        ({"term_months": 0}, "term_months"),
        ({"verified_on": "2999-01-01"}, "verified_on"),
        ({"as_of": "2024-02-30"}, "as_of"),
        ({"status": "upcoming"}, "opens_on"),
        ({"opens_on": "2027-02-01", "closes_on": "2027-01-01"}, "opens_on"),
        ({"name_ru": "x" * 301}, "name_ru"),
        ({"rules": {"all": [{"field": "employees", "ge": "many"}]}}, "rules.all[0].ge"),
        ({"rules": {"any": []}}, "rules.any"),
        ({"rules": {"all": [{"unknown": {"ru": "не найдено"}}]}}, "rules.all[0].unknown"),
    ],
)
def test_each_rule_of_a_record_is_checked_and_named(tmp_path, change, field):
    report = import_catalogue(write(tmp_path, "feed.json", feed(measure(**change))))
    assert field in [e.field for e in report.errors], [str(e) for e in report.errors]
    assert report.added == []
    assert not Measure.objects.exists()


def test_a_code_twice_in_a_feed_imports_neither(tmp_path):
    report = import_catalogue(
        write(tmp_path, "feed.json", feed(measure("twin"), measure("twin"), measure("single")))
    )
    assert report.added == ["single"]
    assert [(e.index, e.field) for e in report.errors] == [(1, "code"), (2, "code")]


def test_errors_without_lines_name_the_record_and_code(tmp_path):
    report = import_catalogue(
        write(tmp_path, "feed.json", feed(measure("fine"), measure("wrong", form="gift")))
    )
    assert [str(e) for e in report.errors][0].startswith("record 2 (wrong): form:")


def test_institution_errors(tmp_path):
    bad = {"code": "Bad Fund", "name_ru": "", "level": "galactic", "website": "not a url"}
    report = import_catalogue(write(tmp_path, "feed.json", feed(institutions=[bad])))
    assert {e.field for e in report.errors} == {"code", "name_ru", "level", "website"}
    assert {e.kind for e in report.errors} == {"institution"}
    assert not Institution.objects.exists()


# ------------------------------------------------------------------ syncing


def test_reimport_is_idempotent(tmp_path, django_capture_on_commit_callbacks, notified):
    path = write(tmp_path, "feed.yaml", feed(measure("a"), measure("b", rules=None)))
    with django_capture_on_commit_callbacks(execute=True):
        first = import_catalogue(path)
    assert first.added == ["a", "b"]
    assert sorted(notified) == [("a", 1), ("b", 0)]
    events, versions = AuditEvent.objects.count(), RuleVersion.objects.count()
    notified.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = import_catalogue(path)
    assert (second.added, second.changed, second.closed) == ([], [], [])
    assert second.unchanged == ["a", "b"]
    assert (AuditEvent.objects.count(), RuleVersion.objects.count()) == (events, versions)
    assert notified == []


def test_changed_fields_are_reported_and_audited(tmp_path, django_capture_on_commit_callbacks):
    import_catalogue(write(tmp_path, "v1.json", feed(measure())))
    with django_capture_on_commit_callbacks(execute=True):
        report = import_catalogue(
            write(
                tmp_path,
                "v2.json",
                feed(measure(name_en="City R&D grant", amount_max_rub="7000000.00")),
            )
        )
    assert [(c.code, c.fields) for c in report.changed] == [
        ("city-grant", ["name_en", "amount_max_rub"])
    ]
    grant = Measure.objects.get(code="city-grant")
    assert (grant.name_en, grant.amount_max_rub) == ("City R&D grant", 7_000_000)
    event = AuditEvent.objects.filter(action="navigator.measure_updated").get()
    assert event.before == {"name_en": "City grant", "amount_max_rub": "5000000.00"}
    assert event.after["name_en"] == "City R&D grant"
    assert "v2.json" in event.summary
    assert grant.rules_version == 1  # the rule did not change: no new version


def test_partial_record_leaves_other_fields_and_null_clears(tmp_path):
    import_catalogue(write(tmp_path, "v1.json", feed(measure())))
    report = import_catalogue(
        write(tmp_path, "v2.json", [{"code": "city-grant", "cost_share_max": None}])
    )
    assert [(c.code, c.fields) for c in report.changed] == [("city-grant", ["cost_share_max"])]
    grant = Measure.objects.get(code="city-grant")
    assert (grant.cost_share_max, grant.name_en, grant.amount_max_rub) == (None, "City grant", 5e6)


def test_rule_change_creates_a_rule_version(tmp_path, django_capture_on_commit_callbacks, notified):
    import_catalogue(write(tmp_path, "v1.json", feed(measure())))
    with django_capture_on_commit_callbacks(execute=True):
        report = import_catalogue(write(tmp_path, "v2.json", feed(measure(rules=AGE_RULE))))
    assert [(c.code, c.fields) for c in report.changed] == [("city-grant", ["rules"])]
    grant = Measure.objects.get(code="city-grant")
    assert (grant.rules, grant.rules_version) == (AGE_RULE, 2)
    latest = grant.rule_versions.first()
    assert (latest.number, latest.rules, latest.author) == (2, AGE_RULE, None)
    assert latest.comment == f"import from {tmp_path / 'v2.json'}"
    assert notified == [("city-grant", 2)]


def test_status_closed_in_the_feed_is_reported_as_closed(tmp_path, notified):
    import_catalogue(write(tmp_path, "v1.json", feed(measure())))
    report = import_catalogue(write(tmp_path, "v2.json", feed(measure(status="closed"))))
    assert ([c.code for c in report.closed], report.changed) == (["city-grant"], [])
    assert Measure.objects.get(code="city-grant").status == "closed"


def test_close_missing_closes_only_that_providers_absent_measures(tmp_path):
    import_catalogue(write(tmp_path, "v1.json", feed(measure("a"), measure("b"), measure("c"))))
    other = MeasureFactory(code="other-fund-grant")
    report = import_catalogue(
        write(tmp_path, "v2.json", feed(measure("a"), measure("c"))),
        close_missing=True,
        provider="city-fund",
    )
    assert [(c.code, c.fields) for c in report.closed] == [("b", ["status"])]
    assert report.unchanged == ["a", "c"]
    statuses = dict(Measure.objects.values_list("code", "status"))
    assert statuses == {"a": "permanent", "b": "closed", "c": "permanent", other.code: "permanent"}
    assert (
        AuditEvent.objects.filter(
            action="navigator.measure_closed", object_id=str(other.pk)
        ).count()
        == 0
    )
    # closed stays closed: a second run closes nothing more
    again = import_catalogue(
        write(tmp_path, "v2.json", feed(measure("a"), measure("c"))),
        close_missing=True,
        provider="city-fund",
    )
    assert again.closed == []


def test_close_missing_needs_a_known_provider(tmp_path):
    path = write(tmp_path, "f.json", feed(measure()))
    with pytest.raises(FeedError):
        import_catalogue(path, close_missing=True)
    with pytest.raises(FeedError, match="nobody"):
        import_catalogue(path, close_missing=True, provider="nobody")


def test_dry_run_reports_but_writes_nothing(tmp_path):
    import_catalogue(write(tmp_path, "v1.json", feed(measure("a"), measure("b"))))
    events = AuditEvent.objects.count()
    report = import_catalogue(
        write(
            tmp_path,
            "v2.json",
            feed(measure("a", rules=AGE_RULE), measure("new"), measure("bad", form="gift")),
        ),
        dry_run=True,
        close_missing=True,
        provider="city-fund",
    )
    assert report.added == ["new"]
    assert [(c.code, c.fields) for c in report.changed] == [("a", ["rules"])]
    assert [c.code for c in report.closed] == ["b"]
    assert [e.code for e in report.errors] == ["bad"]
    assert sorted(Measure.objects.values_list("code", "status")) == [
        ("a", "permanent"),
        ("b", "permanent"),
    ]
    assert Measure.objects.get(code="a").rules_version == 1
    assert AuditEvent.objects.count() == events


def test_export_imports_back_unchanged(tmp_path, reference_catalogue):
    MeasureFactory(code="odd-amounts", amount_max_rub=Decimal("1234.56"), cost_share_max="0.125")
    for fmt in ("json", "yaml"):
        path = write(tmp_path, f"export.{fmt}", catalogue.dump_catalogue(fmt))
        report = import_catalogue(path)
        assert report.ok and report.added == [] and report.changed == [], fmt
        assert len(report.unchanged) == Measure.objects.count()


def test_reference_catalogue_loads_once(reference_catalogue):
    assert len(reference_catalogue.added) == 28
    assert len(reference_catalogue.institutions_added) == 12
    again = catalogue.load_reference_catalogue()
    assert (again.added, again.changed, again.errors) == ([], [], [])
    assert len(again.unchanged) == 28


# ------------------------------------------------------------------ the command line


@pytest.fixture
def run(monkeypatch):
    """``innocluster measures ...`` as the console runs it; returns its exit status. (The
    console closes the database connections at the end, which would end the test's own.)"""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*argv) -> int:
        try:
            Command().run_from_argv(["innocluster", "measures", "--skip-checks", *argv])
        except SystemExit as exit_:
            return exit_.code
        return 0

    return run


def test_cli_import_exit_status(tmp_path, capsys, run):
    good = write(tmp_path, "good.json", feed(measure()))
    assert run("import", good) == 0
    out = capsys.readouterr().out
    assert "city-grant" in out and "Errors (0)" in out
    bad = write(tmp_path, "bad.json", feed(measure("x", form="gift")))
    assert run("import", bad) == 1
    captured = capsys.readouterr()
    assert "record 1 (x): form:" in captured.out
    assert "1 error" in captured.err
    assert run("import", str(tmp_path / "missing.json")) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_cli_dry_run_close_missing_and_reference(tmp_path, capsys, run):
    import_catalogue(write(tmp_path, "v1.json", feed(measure("a"), measure("b"))))
    v2 = write(tmp_path, "v2.json", feed(measure("a")))
    assert run("import", v2, "--close-missing") == 1  # without --provider
    assert run("import", v2, "--dry-run", "--close-missing", "--provider", "city-fund") == 0
    assert "Dry run" in capsys.readouterr().out
    assert Measure.objects.get(code="b").status == "permanent"
    assert run("import", v2, "--close-missing", "--provider", "city-fund") == 0
    assert Measure.objects.get(code="b").status == "closed"
    assert run("import", "--reference") == 0
    assert Measure.objects.filter(code="fasie-umnik").exists()


def test_cli_export(tmp_path, capsys):
    import_catalogue(write(tmp_path, "v1.json", feed(measure())))
    call_command("measures", "export", "--format", "yaml")
    exported = yaml.safe_load(capsys.readouterr().out)
    assert [m["code"] for m in exported["measures"]] == ["city-grant"]
    assert exported["measures"][0]["provider"] == "city-fund"
    target = tmp_path / "out.json"
    call_command("measures", "export", "--output", str(target))
    assert json.loads(target.read_text())["institutions"][0]["code"] == "city-fund"
    with pytest.raises(CommandError):
        call_command("measures", "import")  # neither a source nor --reference
