"""Configuring calls: forms as data, versioned forms, calls and their rules, criteria,
publication. Every refusal names its field and stores nothing; an open call's form, criteria and
consortium rules cannot change."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from innocluster.core.errors import NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.programmes import calls as services
from innocluster.programmes.choices import CallStatus
from innocluster.programmes.forms_schema import check_form_answers, check_form_fields
from innocluster.programmes.models import ApplicationForm, Call, Criterion, FormVersion, Programme
from tests.accounts.factories import UserFactory

from .call_factories import (
    CRITERIA,
    FIELDS,
    call_data,
    make_call,
    make_form_version,
    make_programme,
)

pytestmark = pytest.mark.django_db


def fields_of(failure: ValidationFailed) -> set[str]:
    return {error.field for error in failure.errors}


# --- forms as data -----------------------------------------------------------------------------


def test_good_fields_pass():
    check_form_fields(FIELDS)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda f: f[2].update(type="dropdown"), "fields[2].type"),
        (lambda f: f[1].update(name="summary"), "fields[1].name"),
        (lambda f: f[0].update(name="Bad Name"), "fields[0].name"),
        (lambda f: f[0]["label"].pop("en"), "fields[0].label.en"),
        (lambda f: f[0].update(required="yes"), "fields[0].required"),
        (lambda f: f[2].pop("choices"), "fields[2].choices"),
        (
            lambda f: f[2]["choices"].append(copy.deepcopy(f[2]["choices"][0])),
            "fields[2].choices[2].code",
        ),
        (lambda f: f[1].update(choices=[]), "fields[1].choices"),
        (lambda f: f[1].update(max_length=10), "fields[1].max_length"),
        (lambda f: f[0].update(max_length=0), "fields[0].max_length"),
        (lambda f: f[0].update(colour="red"), "fields[0].colour"),
        (lambda f: f.append("text"), "fields[3]"),
        (lambda f: f[0]["label"].update(ru="a\x00"), "fields[0].label.ru"),
    ],
)
def test_bad_fields_are_named(change, field):
    fields = copy.deepcopy(FIELDS)
    change(fields)
    with pytest.raises(ValidationFailed) as failure:
        check_form_fields(fields)
    assert field in fields_of(failure.value)


@pytest.mark.parametrize("fields", [None, {}, [], "text"])
def test_fields_must_be_a_nonempty_list(fields):
    with pytest.raises(ValidationFailed) as failure:
        check_form_fields(fields)
    assert fields_of(failure.value) == {"fields"}


def test_good_answers_pass():
    assert check_form_answers(FIELDS, {"summary": "A sensor", "trl": 4, "market": "b2b"}) == []
    assert check_form_answers(FIELDS, {"summary": "A sensor", "trl": "5"}) == []


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"trl": 4}, "answers.summary", "required"),
        ({"summary": "  ", "trl": 4}, "answers.summary", "required"),
        ({"summary": "x" * 2001, "trl": 4}, "answers.summary", "max_length"),
        ({"summary": 5, "trl": 4}, "answers.summary", "type"),
        ({"summary": "a", "trl": "four"}, "answers.trl", "type"),
        ({"summary": "a", "trl": True}, "answers.trl", "type"),
        ({"summary": "a", "trl": 12}, "answers.trl", "max_value"),
        ({"summary": "a", "trl": 4, "market": "b2c"}, "answers.market", "invalid_choice"),
        ({"summary": "a", "trl": 4, "colour": "red"}, "answers.colour", "unknown_field"),
    ],
)
def test_bad_answers_are_named(answers, field, code):
    errors = check_form_answers(FIELDS, answers)
    assert (field, code) in {(e.field, e.code) for e in errors}


def test_answers_of_every_type():
    label = {"ru": "П", "en": "F"}
    choices = [{"code": "a", "label": label}, {"code": "b", "label": label}]
    fields = [
        {"name": "m", "type": "money", "label": label, "required": True},
        {"name": "d", "type": "date", "label": label},
        {"name": "cs", "type": "choices", "label": label, "choices": choices},
        {"name": "ok", "type": "boolean", "label": label, "required": True},
        {"name": "t", "type": "text", "label": label},
    ]
    check_form_fields(fields)
    good = {"m": "1500000.50", "d": "2027-03-01", "cs": ["a", "b"], "ok": True, "t": ""}
    assert check_form_answers(fields, good) == []
    bad = {"m": "-1", "d": "2027-02-30", "cs": ["a", "a"], "ok": False, "t": "x\x00"}
    assert {e.field for e in check_form_answers(fields, bad)} == {
        "answers.m",
        "answers.d",
        "answers.cs",
        "answers.ok",
        "answers.t",
    }
    assert check_form_answers(fields, {"m": "1.005", "ok": True})[0].field == "answers.m"
    assert check_form_answers(fields, {"m": 10, "ok": True}, prefix="")[0:1] == []
    assert check_form_answers(fields, ["m"])[0].field == "answers"


# --- programmes and versioned forms ------------------------------------------------------------


def test_only_operators_configure(user):
    with pytest.raises(NotPermitted):
        services.create_programme(actor=user, code="joint", name_ru="Совместные проекты")
    with pytest.raises(NotPermitted):
        services.create_call(make_programme(), call_data(), actor=user)
    assert not Call.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="programmes.").exists()


def test_create_programme_and_refusals(operator):
    programme = services.create_programme(actor=operator, code="joint", name_ru="Совместные")
    assert AuditEvent.objects.filter(action="programmes.programme_created").count() == 1
    with pytest.raises(ValidationFailed) as failure:
        services.create_programme(actor=operator, code="joint", name_ru="")
    assert fields_of(failure.value) == {"code", "name_ru"}
    assert Programme.objects.count() == 1 and programme.code == "joint"


def test_form_versions(operator):
    form, first = services.create_form(
        actor=operator, code="joint-app", name="Joint", fields=FIELDS
    )
    assert first.number == 1
    call = make_call("open", form_version=first)
    changed = copy.deepcopy(FIELDS)
    changed[0]["max_length"] = 5000
    second = services.publish_form_version(form, changed, actor=operator)
    assert second.number == 2
    first.refresh_from_db()
    call.refresh_from_db()
    assert first.fields == FIELDS  # the version a call uses never changes
    assert call.form_version_id == first.pk
    with pytest.raises(ValidationFailed) as failure:
        services.publish_form_version(form, changed, actor=operator)
    assert fields_of(failure.value) == {"fields"}
    broken = copy.deepcopy(FIELDS)
    broken[2]["type"] = "select"
    with pytest.raises(ValidationFailed) as failure:
        services.publish_form_version(form, broken, actor=operator)
    assert fields_of(failure.value) == {"fields[2].type"}
    assert FormVersion.objects.filter(form=form).count() == 2
    assert AuditEvent.objects.filter(action="programmes.form_version_published").count() == 1


def test_create_form_refuses_bad_fields(operator):
    with pytest.raises(ValidationFailed) as failure:
        services.create_form(actor=operator, code="f", name="F", fields=[{"name": "x"}])
    assert {"fields[0].type", "fields[0].label"} <= fields_of(failure.value)
    assert not ApplicationForm.objects.exists()


# --- calls -------------------------------------------------------------------------------------


def test_create_call(operator):
    version = make_form_version()
    call = services.create_call(
        make_programme(), call_data(code="joint-2027", form_version=str(version.pk)), actor=operator
    )
    assert call.status == CallStatus.DRAFT
    assert call.form_version == version
    assert call.priority_areas == ["ict", "medicine"]
    event = AuditEvent.objects.get(action="programmes.call_created")
    assert event.object_id == str(call.pk) and event.after["code"] == "joint-2027"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": timezone.now() + datetime.timedelta(days=5)}, "deadline"),
        ({"budget_rub": Decimal("0")}, "budget_rub"),
        ({"budget_rub": "-5"}, "budget_rub"),
        ({"budget_rub": "lots"}, "budget_rub"),
        ({"max_grant_rub": Decimal("200000000")}, "max_grant_rub"),
        ({"max_grant_rub": "1.001"}, "max_grant_rub"),
        ({"min_members": 6}, "min_members"),
        ({"min_sme_members": 6}, "min_sme_members"),
        ({"max_members": 0}, "max_members"),
        ({"cofinancing_min_share": Decimal("1.5")}, "cofinancing_min_share"),
        ({"cofinancing_min_share": "-0.1"}, "cofinancing_min_share"),
        ({"priority_areas": ["ict", "space"]}, "priority_areas[1]"),
        ({"priority_areas": "ict"}, "priority_areas"),
        ({"innovation_types": ["magic"]}, "innovation_types[0]"),
        ({"required_documents": [{"code": "charter"}]}, "required_documents[0].name_ru"),
        (
            {"required_documents": [{"code": "a", "name_ru": "А", "name_en": "A", "x": 1}]},
            "required_documents[0].x",
        ),
        ({"required_documents": "charter"}, "required_documents"),
        ({"opens_at": "tomorrow"}, "opens_at"),
        ({"opens_at": datetime.datetime(2027, 1, 1, 10, 0)}, "opens_at"),  # naive
        ({"code": "Bad Code"}, "code"),
        ({"title_ru": ""}, "title_ru"),
        ({"title_en": "a\x00b"}, "title_en"),
        (
            {"required_documents": [{"code": "a", "name_ru": "\x00", "name_en": "A"}]},
            "required_documents[0].name_ru",
        ),
        ({"form_version": "\x00"}, "form_version"),
        ({"form_version": "not-a-uuid"}, "form_version"),
        ({"lead_must_be_member": "yes"}, "lead_must_be_member"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_call_refusals_name_the_field(operator, changes, field):
    with pytest.raises(ValidationFailed) as failure:
        services.create_call(make_programme(), call_data(**changes), actor=operator)
    assert field in fields_of(failure.value)
    assert not Call.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="programmes.call").exists()


def test_create_call_code_is_unique(operator):
    make_call("draft", code="taken")
    with pytest.raises(ValidationFailed) as failure:
        services.create_call(make_programme(), call_data(code="taken"), actor=operator)
    assert fields_of(failure.value) == {"code"}


def test_draft_changes_freely(operator):
    call = make_call("draft")
    other = make_form_version()
    services.update_call(call, {"form_version": other, "min_members": 3}, actor=operator)
    call.refresh_from_db()
    assert call.form_version == other and call.min_members == 3
    event = AuditEvent.objects.get(action="programmes.call_updated")
    assert event.before == {"form_version": event.before["form_version"], "min_members": 2}


def test_update_refusal_stores_nothing(operator):
    call = make_call("draft")
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(
            call, {"max_grant_rub": Decimal("1e9"), "title_en": "New"}, actor=operator
        )
    assert fields_of(failure.value) == {"max_grant_rub"}
    call.refresh_from_db()
    assert call.title_en == "Joint projects call"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"min_members": 3},
        {"max_members": 4},
        {"min_sme_members": 2},
        {"lead_must_be_member": False},
        {"max_grant_rub": Decimal("1000")},
        {"cofinancing_min_share": Decimal("0.5")},
        {"priority_areas": ["ict"]},
        {"required_documents": []},
        {"opens_at": timezone.now() - datetime.timedelta(days=1)},
        {"code": "new-code"},
    ],
)
def test_open_call_rules_are_fixed(operator, changes):
    call = make_call("open")
    before = Call.objects.filter(pk=call.pk).values().get()
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(call, changes, actor=operator, reason="because")
    assert fields_of(failure.value) == set(changes)
    assert Call.objects.filter(pk=call.pk).values().get() == before
    assert not AuditEvent.objects.exists()


def test_open_call_form_version_is_fixed(operator):
    call = make_call("open")
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(call, {"form_version": make_form_version()}, actor=operator)
    assert fields_of(failure.value) == {"form_version"}


def test_open_call_criteria_are_fixed(operator):
    call = make_call("open")
    with pytest.raises(ValidationFailed) as failure:
        services.set_criteria(call, CRITERIA[:1], actor=operator)
    assert fields_of(failure.value) == {"criteria"}
    assert call.criteria.count() == 2


def test_open_call_deadline_extension_needs_a_reason(operator):
    call = make_call("open")
    later = call.deadline + datetime.timedelta(days=7)
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(call, {"deadline": later}, actor=operator)
    assert fields_of(failure.value) == {"reason"}
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(
            call,
            {"deadline": call.deadline - datetime.timedelta(days=1)},
            actor=operator,
            reason="x",
        )
    assert fields_of(failure.value) == {"deadline"}
    services.update_call(call, {"deadline": later}, actor=operator, reason="Many requests")
    call.refresh_from_db()
    assert call.deadline == later
    event = AuditEvent.objects.get(action="programmes.call_updated")
    assert event.summary == "Many requests" and set(event.after) == {"deadline"}


def test_open_call_same_values_are_not_a_change(operator):
    call = make_call("open")
    services.update_call(call, {"min_members": 2, "title_en": "Renamed"}, actor=operator)
    call.refresh_from_db()
    assert call.title_en == "Renamed"
    services.update_call(call, {"title_en": "Renamed"}, actor=operator)
    assert AuditEvent.objects.filter(action="programmes.call_updated").count() == 1


def test_upcoming_call_dates_and_budget_may_change(operator):
    call = make_call("upcoming")
    new_open = call.opens_at + datetime.timedelta(days=2)
    services.update_call(
        call, {"opens_at": new_open, "budget_rub": Decimal("150000000")}, actor=operator
    )
    call.refresh_from_db()
    assert call.opens_at == new_open and call.budget_rub == Decimal("150000000")


@pytest.mark.parametrize(
    "changes",
    [
        {"min_members": 3},
        {"lead_must_be_member": False},
        {"max_grant_rub": Decimal("1000")},
        {"innovation_types": []},
        {"required_documents": []},
    ],
)
def test_published_call_terms_are_fixed(operator, changes):
    call = make_call("upcoming")
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(call, changes, actor=operator)
    assert fields_of(failure.value) == set(changes)
    assert failure.value.errors[0].code == "frozen"


def test_published_call_form_and_criteria_are_fixed(operator):
    call = make_call("upcoming")
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(call, {"form_version": make_form_version()}, actor=operator)
    assert fields_of(failure.value) == {"form_version"}
    with pytest.raises(ValidationFailed) as failure:
        services.set_criteria(call, CRITERIA[:1], actor=operator)
    assert fields_of(failure.value) == {"criteria"}
    assert call.criteria.count() == 2


def test_closed_call_deadline_is_fixed(operator):
    call = make_call("closed")
    with pytest.raises(ValidationFailed) as failure:
        services.update_call(
            call,
            {"deadline": timezone.now() + datetime.timedelta(days=3)},
            actor=operator,
            reason="r",
        )
    assert fields_of(failure.value) == {"deadline"}


# --- criteria and publication ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"weight": 0}, "criteria[0].weight"),
        ({"weight": "-1"}, "criteria[0].weight"),
        ({"weight": "x"}, "criteria[0].weight"),
        ({"scale_min": 5, "scale_max": 5}, "criteria[0].scale_max"),
        ({"scale_min": 10, "scale_max": 0}, "criteria[0].scale_max"),
        ({"scale_min": "low"}, "criteria[0].scale_min"),
        ({"name_ru": ""}, "criteria[0].name_ru"),
        ({"code": "team"}, "criteria[1].code"),
        ({"code": "Bad code"}, "criteria[0].code"),
    ],
)
def test_criteria_refusals(operator, item, field):
    call = make_call("draft", criteria=False)
    criteria = (
        [{**CRITERIA[0], **item}, CRITERIA[1]]
        if item.get("code") != "team"
        else [
            CRITERIA[1],
            {**CRITERIA[0], **item},
        ]
    )
    with pytest.raises(ValidationFailed) as failure:
        services.set_criteria(call, criteria, actor=operator)
    assert field in fields_of(failure.value)
    assert not Criterion.objects.exists()


@pytest.mark.parametrize("criteria", [[], None, "novelty", ["novelty"]])
def test_criteria_must_be_a_list_of_objects(operator, criteria):
    call = make_call("draft", criteria=False)
    with pytest.raises(ValidationFailed):
        services.set_criteria(call, criteria, actor=operator)
    assert not Criterion.objects.exists()


def test_set_criteria_replaces(operator):
    call = make_call("draft")
    created = services.set_criteria(call, CRITERIA[::-1], actor=operator)
    assert [c.code for c in created] == ["team", "novelty"]
    assert [c.code for c in call.criteria.all()] == ["team", "novelty"]
    assert call.criteria.get(code="novelty").weight == Decimal("2")
    assert AuditEvent.objects.filter(action="programmes.criteria_set").count() == 1


def test_publish_needs_a_complete_call(operator):
    call = services.create_call(make_programme(), call_data(), actor=operator)
    with pytest.raises(ValidationFailed) as failure:
        services.publish_call(call, actor=operator)
    assert fields_of(failure.value) == {"form_version", "criteria"}
    call.refresh_from_db()
    assert call.published_at is None
    services.update_call(call, {"form_version": make_form_version()}, actor=operator)
    services.set_criteria(call, CRITERIA, actor=operator)
    services.publish_call(call, actor=operator)
    call.refresh_from_db()
    assert call.status == CallStatus.UPCOMING
    assert AuditEvent.objects.filter(action="programmes.call_published").count() == 1
    with pytest.raises(ValidationFailed) as failure:
        services.publish_call(call, actor=operator)
    assert fields_of(failure.value) == {"published_at"}


def test_publish_refuses_a_past_deadline(operator):
    call = make_call("draft")
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=9),
        deadline=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as failure:
        services.publish_call(call, actor=operator)
    assert fields_of(failure.value) == {"deadline"}


def test_non_operator_cannot_publish_or_change(db):
    call = make_call("draft")
    member = UserFactory()
    for attempt in (
        lambda: services.publish_call(call, actor=member),
        lambda: services.update_call(call, {"title_en": "x"}, actor=member),
        lambda: services.set_criteria(call, CRITERIA, actor=member),
        lambda: services.publish_call(call, actor=None),
    ):
        with pytest.raises(NotPermitted):
            attempt()
    call.refresh_from_db()
    assert call.published_at is None
