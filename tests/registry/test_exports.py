"""Open data: the public registry as CSV and JSON, its schema, and flat cost at any size."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import jsonschema_rs
import pytest
from django.urls import reverse

from innocluster.registry import demo_identifiers as ids
from innocluster.registry import exports
from innocluster.registry.models import Organisation
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "open-data" / "registry.schema.json"
rng = random.Random(11)


def url(fmt: str, **params) -> str:
    base = reverse("registry:export", kwargs={"fmt": fmt})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def json_doc(response) -> dict:
    return json.loads(body(response))


@pytest.fixture
def registry(db):
    """A small registry: two members, a partner, and organisations the public must not see."""
    robots = MemberOrganisationFactory(
        name_ru="ООО «Роботы Москвы»",
        name_en="Moscow Robots LLC",
        kind="startup",
        website="https://robots.example",
        contact_name="Иван Секретов",
        contact_email="private-contact@robots.example",
        contact_phone="+7 495 000-00-00",
        address="Москва, ул. Тайная, 1",
        description_ru="Промышленные роботы",
    )
    robots.priority_areas.set(["manufacturing", "ict"])
    robots.okved_extra.set(["72.19", "62"])
    MemberOrganisationFactory(name_ru="АО «Финтех»", kind="company", name_en="")
    PartnerOrganisationFactory(name_ru="ООО «Казанский партнёр»")
    OrganisationFactory(name_ru="ООО «Ещё не член»")  # applicant
    MemberOrganisationFactory(name_ru="ООО «Ушедшее»", status="withdrawn")
    return robots


def test_csv_has_header_and_only_the_public_registry(client, registry):
    response = client.get(url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert "attachment" in response["Content-Disposition"]
    text = body(client.get(url("csv")))
    assert not text.startswith("\ufeff")  # UTF-8 without BOM, as documented
    header = text.split("\r\n", 1)[0]
    assert header.split(",") == list(exports.PUBLIC_FIELDS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["name_ru"] for r in rows} == {
        "ООО «Роботы Москвы»",
        "АО «Финтех»",
        "ООО «Казанский партнёр»",
    }
    robots = next(r for r in rows if r["id"] == str(registry.id))
    assert robots["okved_extra"] == "62;72.19"
    assert robots["priority_areas"] == "ict;manufacturing"  # reference order
    assert robots["status"] == "member" and robots["member_number"] == registry.member_number
    assert robots["region"] == "RU-MOW" and robots["okved_main"] == "62.01"
    assert robots["inn"] == registry.inn and robots["employees"] == "12"
    fintech = next(r for r in rows if r["name_ru"] == "АО «Финтех»")
    assert fintech["name_en"] == "" and fintech["okved_extra"] == ""


def test_no_private_contact_data_in_any_format(client, registry):
    for fmt in ("csv", "json"):
        text = body(client.get(url(fmt)))
        for secret in ("private-contact@robots.example", "Секретов", "+7 495", "Тайная"):
            assert secret not in text, (fmt, secret)
    assert not set(exports.PRIVATE_FIELDS) & set(
        json_doc(client.get(url("json")))["organisations"][0]
    )


def test_json_is_one_valid_document_matching_the_schema(client, registry):
    response = client.get(url("json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = json_doc(response)
    assert doc["count"] == len(doc["organisations"]) == 3
    assert doc["schema"] == "http://testserver/registry/export.schema.json"
    schema = json.loads(body_of_schema(client))
    jsonschema_rs.validator_for(schema, validate_formats=True).validate(doc)
    robots = next(o for o in doc["organisations"] if o["id"] == str(registry.id))
    assert robots["okved_extra"] == ["62", "72.19"]
    assert robots["priority_areas"] == ["ict", "manufacturing"]
    assert robots["employees"] == 12 and robots["member_since"] == registry.member_since.isoformat()
    assert robots["website"] == "https://robots.example"
    assert list(robots) == list(exports.PUBLIC_FIELDS)


def body_of_schema(client) -> str:
    response = client.get(url("schema.json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    return response.content.decode()


def test_empty_export_is_still_valid(client):
    doc = json_doc(client.get(url("json")))
    assert doc["organisations"] == [] and doc["count"] == 0
    jsonschema_rs.validator_for(exports.registry_schema(), validate_formats=True).validate(doc)
    assert body(client.get(url("csv"))) == ",".join(exports.PUBLIC_FIELDS) + "\r\n"


def test_served_schema_is_the_documented_one(client):
    served = json.loads(body_of_schema(client))
    assert served.pop("$id") == "http://testserver/registry/export.schema.json"
    documented = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert served == documented
    # The committed file is generated: if this fails, regenerate docs/open-data/registry.schema.json
    # with exports.schema_json() (see docs/open-data/README.md).
    assert SCHEMA_FILE.read_text(encoding="utf-8") == exports.schema_json()
    jsonschema_rs.meta.validate(documented)


def test_filters_of_the_registry_page_apply(client, registry):
    def names(**params):
        return {o["name_ru"] for o in json_doc(client.get(url("json", **params)))["organisations"]}

    assert names(kind="startup") == {"ООО «Роботы Москвы»"}
    assert names(area="manufacturing") == {"ООО «Роботы Москвы»"}
    assert names(status="partner") == {"ООО «Казанский партнёр»"}
    assert names(region="RU-TA") == {"ООО «Казанский партнёр»"}
    assert names(q="роботы") == {"ООО «Роботы Москвы»"}
    assert names(q=registry.inn) == {"ООО «Роботы Москвы»"}
    rows = csv_rows(client.get(url("csv", kind="startup")))
    assert [r["name_ru"] for r in rows] == ["ООО «Роботы Москвы»"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "applicant"}, "status"),  # not public
        ({"status": "withdrawn"}, "status"),
        ({"kind": "spaceship"}, "kind"),
        ({"sme_category": "huge"}, "sme_category"),
        ({"okved_section": "ZZ"}, "okved_section"),
        ({"order": "inn"}, "order"),
        ({"q": "x" * 201}, "q"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_bad_parameters_are_a_problem_naming_the_parameter(client, fmt, params, field):
    response = client.get(reverse("registry:export", kwargs={"fmt": fmt}), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["code"] == "validation_error"
    assert [e["field"] for e in problem["errors"]] == [field]
    assert field in problem["detail"]


@pytest.mark.parametrize("fmt", ["xml", "xlsx", "csv.gz", "schema"])
def test_unknown_format_is_404(client, fmt):
    assert client.get(url(fmt)).status_code == 404


def test_only_get_and_head(client):
    assert client.post(url("csv")).status_code == 405


def test_private_persons_inn_is_withheld(client):
    MemberOrganisationFactory(
        legal_form="individual", inn=ids.person_inn(rng), ogrn=None, kpp="", name_ru="Петров П. П."
    )
    (row,) = json_doc(client.get(url("json")))["organisations"]
    assert row["inn"] is None and row["legal_form"] == "individual"


def test_rows_across_chunks_keep_their_own_codes(db):
    orgs = MemberOrganisationFactory.create_batch(23)
    for n, org in enumerate(orgs):
        org.priority_areas.set([["ict"], ["biotech", "energy"], []][n % 3])
        if n % 2:
            org.okved_extra.set(["72.19"])
    rows = list(exports.export_rows(Organisation.objects.order_by("name_ru", "id"), chunk_size=5))
    assert len(rows) == 23
    by_id = {r["id"]: r for r in rows}
    for n, org in enumerate(orgs):
        row = by_id[str(org.id)]
        assert row["priority_areas"] == [["ict"], ["biotech", "energy"], []][n % 3]
        assert row["okved_extra"] == (["72.19"] if n % 2 else [])


def test_private_fields_only_when_asked(db, registry):
    public = next(iter(exports.export_rows(Organisation.objects.filter(pk=registry.pk))))
    private = next(
        iter(exports.export_rows(Organisation.objects.filter(pk=registry.pk), private=True))
    )
    assert "contact_email" not in public
    assert private["contact_email"] == "private-contact@robots.example"


def test_spreadsheet_safe_csv_neutralises_formulas(db):
    org = MemberOrganisationFactory(name_ru='=HYPERLINK("http://evil")')
    raw = "".join(exports.stream_csv(Organisation.objects.filter(pk=org.pk)))
    safe = "".join(
        exports.stream_csv(Organisation.objects.filter(pk=org.pk), spreadsheet_safe=True)
    )
    assert next(csv.DictReader(io.StringIO(raw)))["name_ru"].startswith("=")
    assert next(csv.DictReader(io.StringIO(safe)))["name_ru"].startswith("'=")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, fmt):
    def exported() -> int:
        response = client.get(url(fmt))
        if fmt == "json":
            return len(json_doc(response)["organisations"])
        return len(csv_rows(response))

    for total in (10, 60):
        for org in MemberOrganisationFactory.create_batch(total - Organisation.objects.count()):
            org.priority_areas.set(["ict", "energy"])
            org.okved_extra.set(["72.19"])
        # area order, the organisations, and per chunk one query for areas and one for OKVED
        with django_assert_max_num_queries(4):
            assert exported() == total
