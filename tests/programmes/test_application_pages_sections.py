"""Saving each section of an application through its page: good input saved, bad input refused
with the error next to the input it names (and in the summary at the top), a stale version
refused with "someone else saved this application meanwhile", and nothing changed when refused."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innocluster.documents.models import Document
from innocluster.programmes import services
from tests.programmes.factories import (
    GOOD_ANSWERS,
    Team,
    fill_in,
    future,
    good_budget,
    person,
    state_of,
)
from tests.registry.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def team():
    return Team()


@pytest.fixture
def application(team):
    return team.new_application()


@pytest.fixture
def editor(client, team):
    client.force_login(team.editor)
    english(client)
    return client


def url(application, section="") -> str:
    return f"/applications/{application.pk}/" + (f"{section}/" if section else "")


def fresh(application):
    application.refresh_from_db()
    return application


# --- Details -----------------------------------------------------------------------------------


def test_details_saved(editor, application):
    response = editor.post(
        url(application, "details"),
        {
            "version": application.version,
            "title": "Новое название",
            "summary": "Описание",
            "priority_area": "medicine",
            "innovation_type": "technological",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(application, "details")
    application = fresh(application)
    assert (application.title, application.priority_area) == ("Новое название", "medicine")
    assert application.version == 2


def test_details_refused_at_the_field(editor, application):
    before = state_of(application)
    response = editor.post(
        url(application, "details"), {"version": application.version, "title": "  "}
    )
    assert response.status_code == 422
    html = html_of(response)
    assert '<div class="error" id="id_title_error"><p>This field is required.</p></div>' in html
    assert 'aria-describedby="id_title_error"' in html
    assert 'href="#id_title"' in html
    assert state_of(application) == before


def test_an_area_outside_the_call_is_refused(editor, application):
    before = state_of(application)
    response = editor.post(
        url(application, "details"),
        {"version": application.version, "title": "T", "priority_area": "energy"},
    )
    assert response.status_code == 422
    assert 'id="id_priority_area_error"' in html_of(response)
    assert state_of(application) == before


def test_a_stale_version_is_refused_with_a_reload_link(editor, team, application):
    loaded = application.version
    services.save_details(
        application, actor=team.signatory, expected_version=loaded, title="Чужая правка"
    )
    before = state_of(application)
    response = editor.post(url(application, "details"), {"version": loaded, "title": "Моя правка"})
    assert response.status_code == 409
    html = html_of(response)
    assert 'data-error-code="stale_version"' in html
    assert "Someone else saved this application meanwhile" in html
    assert f'<a href="{url(application, "details")}">Reload the latest version</a>' in html
    assert state_of(application) == before
    assert fresh(application).title == "Чужая правка"
    # A version that is not a number is as stale as an old one (never a 500).
    response = editor.post(url(application, "details"), {"version": "x\x00", "title": "Z"})
    assert response.status_code == 409


# --- Answers -----------------------------------------------------------------------------------


def test_answers_form_shows_the_calls_fields(editor, application):
    html = html_of(editor.get(url(application, "answers")))
    assert '<label for="id_answers-summary">Summary <span class="required">' in html
    assert 'name="answers-trl"' in html
    assert '<option value="b2b">Business</option>' in html
    assert '<label for="id_answers-market">Market</label>' in html  # not required


def test_answers_saved(editor, application):
    data = {"version": application.version}
    data.update({f"answers-{k}": v for k, v in GOOD_ANSWERS.items()})
    response = editor.post(url(application, "answers"), data)
    assert response.status_code == 302
    assert fresh(application).answers == GOOD_ANSWERS


def test_answers_refused_at_the_field(editor, application):
    before = state_of(application)
    response = editor.post(
        url(application, "answers"),
        {"version": application.version, "answers-summary": "ok", "answers-trl": "12"},
    )
    assert response.status_code == 422
    html = html_of(response)
    assert '<div class="error" id="id_answers-trl_error"><p>must be at most 9</p>' in html
    assert 'href="#id_answers-trl"' in html
    assert state_of(application) == before


# --- Budget ------------------------------------------------------------------------------------


def budget_post(application, lines, **extra) -> dict:
    data = {"version": application.version, "rows": str(max(len(lines), 1))}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"budget-{i}-{key}"] = value
    data.update(extra)
    return data


def test_the_budget_page_offers_blank_rows_and_the_calls_limits(editor, application):
    html = html_of(editor.get(url(application, "budget")))
    assert html.count('name="budget-2-grant_rub"') == 1  # three blank rows for a new budget
    assert 'name="budget-3-grant_rub"' not in html
    assert 'aria-labelledby="budget-col-grant_rub budget-row-0"' in html
    assert "10,000,000 RUB" in html  # the call's maximum grant
    response = editor.post(url(application, "budget"), {"rows": "3", "add_rows": "1"})
    assert response.status_code == 200
    assert 'name="budget-5-grant_rub"' in html_of(response)
    assert not application.budget_lines.exists()


def test_the_budget_saved_with_its_totals(editor, application):
    year = timezone.localdate().year
    lines = good_budget(year)
    # A blank row in between is left out.
    lines.insert(1, {"category": "", "year": "", "grant_rub": "", "cofinancing_rub": ""})
    response = editor.post(url(application, "budget"), budget_post(application, lines))
    assert response.status_code == 302
    assert application.budget_lines.count() == 2
    html = html_of(editor.get(url(application, "budget")))
    assert '<dd data-total="grant">3,000,000 RUB' in html
    assert '<dd data-total="share">25' in html


def test_a_bad_budget_row_is_shown_at_its_input(editor, application):
    year = str(timezone.localdate().year)
    lines = [
        {"category": "salaries", "year": year, "grant_rub": "100", "cofinancing_rub": "10"},
        {"category": "", "year": "", "grant_rub": "", "cofinancing_rub": ""},
        {"category": "equipment", "year": year, "grant_rub": "-5", "cofinancing_rub": "0"},
    ]
    before = state_of(application)
    response = editor.post(url(application, "budget"), budget_post(application, lines))
    assert response.status_code == 422
    html = html_of(response)
    # The service names budget[1] (blank rows are not sent); the page shows row 3.
    assert '<div class="error" id="id_budget-2-grant_rub_error">' in html
    assert (
        'href="#id_budget-2-grant_rub">Row 3, Grant, RUB: An amount must not be negative.' in html
    )
    assert 'value="-5"' in html  # what was typed comes back
    assert state_of(application) == before


def test_the_same_category_and_year_twice_is_shown_on_the_row(editor, application):
    year = str(timezone.localdate().year)
    line = {"category": "salaries", "year": year, "grant_rub": "1", "cofinancing_rub": "1"}
    before = state_of(application)
    response = editor.post(url(application, "budget"), budget_post(application, [line, line]))
    assert response.status_code == 422
    assert 'href="#id_budget-1-category">Row 2: This cost category' in html_of(response)
    assert state_of(application) == before


def test_a_stale_budget_is_refused(editor, team, application):
    loaded = application.version
    services.save_budget(application, good_budget(), actor=team.signatory, expected_version=loaded)
    before = state_of(application)
    lines = [{"category": "other", "year": "2030", "grant_rub": "1", "cofinancing_rub": "1"}]
    data = budget_post(application, lines, version=loaded)
    response = editor.post(url(application, "budget"), data)
    assert response.status_code == 409
    assert 'data-error-code="stale_version"' in html_of(response)
    assert state_of(application) == before


# --- Milestones --------------------------------------------------------------------------------


def milestones_post(application, items) -> dict:
    data = {"version": application.version, "rows": str(len(items))}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"milestones-{i}-{key}"] = value
    return data


def test_milestones_saved_and_shown(editor, application):
    items = [
        {
            "title": "Прототип",
            "deliverables": "Отчёт",
            "due_on": future(30).isoformat(),
            "tranche_rub": "1000",
        },
        {
            "title": "Пилот",
            "deliverables": "Акт",
            "due_on": future(90).isoformat(),
            "tranche_rub": "2000",
        },
    ]
    response = editor.post(url(application, "milestones"), milestones_post(application, items))
    assert response.status_code == 302
    assert list(application.milestones.values_list("number", "title")) == [
        (1, "Прототип"),
        (2, "Пилот"),
    ]
    html = html_of(editor.get(url(application, "milestones")))
    assert 'value="Пилот"' in html and f'value="{future(90).isoformat()}"' in html


def test_a_bad_milestone_date_is_shown_at_its_input(editor, application):
    items = [
        {"title": "Прототип", "deliverables": "", "due_on": "2026-02-30", "tranche_rub": "1"},
    ]
    before = state_of(application)
    response = editor.post(url(application, "milestones"), milestones_post(application, items))
    assert response.status_code == 422
    html = html_of(response)
    assert 'id="id_milestones-0-due_on_error"' in html
    assert 'href="#id_milestones-0-due_on"' in html
    assert state_of(application) == before


# --- KPI targets -------------------------------------------------------------------------------


def test_kpi_targets_saved(editor, application):
    data = {"version": application.version, "kpi-jobs": "12", "kpi-revenue_rub": "50 000 000"}
    response = editor.post(url(application, "kpi"), data)
    assert response.status_code == 302
    assert dict(application.kpi_targets.values_list("kpi", "target")) == {
        "jobs": Decimal("12"),
        "revenue_rub": Decimal("50000000"),
    }
    assert 'value="50000000"' in html_of(editor.get(url(application, "kpi")))


def test_a_bad_kpi_target_is_shown_at_its_input(editor, application):
    before = state_of(application)
    data = {"version": application.version, "kpi-jobs": "12", "kpi-patents": "-1"}
    response = editor.post(url(application, "kpi"), data)
    assert response.status_code == 422
    html = html_of(response)
    assert '<div class="error" id="id_kpi-patents_error">' in html
    assert 'id="id_kpi-jobs_error"' not in html
    assert state_of(application) == before


# --- Attachments -------------------------------------------------------------------------------


def test_a_required_document_attached_and_downloaded(editor, application):
    html = html_of(editor.get(url(application, "attachments")))
    assert 'id="doc-charter"' in html and "not attached" in html
    upload = SimpleUploadedFile("Устав.pdf", b"%PDF-1.4 charter", content_type="application/pdf")
    response = editor.post(
        url(application, "attachments"),
        {"version": application.version, "required_document": "charter", "file": upload},
    )
    assert response.status_code == 302
    attachment = application.attachments.get()
    assert attachment.required_document == "charter" and attachment.filename == "Устав.pdf"
    download = editor.get(url(application, f"attachments/{attachment.pk}"))
    assert download.status_code == 200 and download.content == b"%PDF-1.4 charter"


def test_an_upload_without_a_file_is_refused_at_the_file_input(editor, application):
    empty = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")
    response = editor.post(
        url(application, "attachments"),
        {"version": application.version, "required_document": "charter", "file": empty},
    )
    assert response.status_code == 422
    assert 'id="id_file_error"' in html_of(response)
    before = state_of(application)
    response = editor.post(
        url(application, "attachments"),
        {"version": application.version, "required_document": "charter"},
    )
    assert response.status_code == 422
    html = html_of(response)
    assert '<div class="error" id="id_file_error"><p>This field is required.</p>' in html
    assert state_of(application) == before


# --- Consortium --------------------------------------------------------------------------------


def test_inviting_a_partner_and_sending_the_consent(editor, team, application):
    response = editor.post(url(application, "consortium/invite"), {"inn": team.partner.inn})
    assert response.status_code == 302
    member = application.members.get(organisation=team.partner)
    assert member.status == "invited"
    html = html_of(editor.get(url(application, "consortium")))
    assert f'data-send-consent="{member.pk}"' in html
    response = editor.post(url(application, f"consortium/{member.pk}/consent"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "consent_sent"
    html = html_of(editor.get(url(application, "consortium")))
    assert f'href="/documents/{member.consent_document_id}/"' in html
    # Sending it twice is refused with the reason, nothing more is created.
    documents = Document.objects.count()
    response = editor.post(url(application, f"consortium/{member.pk}/consent"))
    assert response.status_code == 409
    assert "already" in html_of(response)
    assert Document.objects.count() == documents


def test_a_partner_outside_the_cluster_is_refused_at_the_inn(editor, application):
    outsider = OrganisationFactory(status="applicant")
    before = state_of(application)
    response = editor.post(url(application, "consortium/invite"), {"inn": outsider.inn})
    assert response.status_code == 422
    html = html_of(response)
    assert '<div class="error" id="id_inn_error"><p>' in html
    assert "neither a member nor a partner organisation" in html
    response = editor.post(url(application, "consortium/invite"), {"inn": "12ab"})
    assert "INN must consist of digits only." in html_of(response)
    assert state_of(application) == before


def test_the_partner_confirms_or_declines(client, team, application):
    fill_in(team, application)
    member = application.members.get(organisation=team.partner)
    services.send_consent(member, actor=team.editor)
    member.refresh_from_db()
    client.force_login(team.partner_signatory)
    english(client)
    html = html_of(client.get(url(application, "consortium")))
    assert "Confirm: sign the consent" in html
    assert f'href="/documents/{member.consent_document_id}/"' in html
    assert 'action="' + url(application, "consortium/invite") + '"' not in html
    # Declining needs a reason.
    before = state_of(application)
    decline_url = url(application, f"consortium/{member.pk}/decline")
    response = client.post(decline_url, {f"decline-{member.pk}-reason": ""})
    assert response.status_code == 422
    assert f'id="id_decline-{member.pk}-reason_error"' in html_of(response)
    assert state_of(application) == before
    response = client.post(decline_url, {f"decline-{member.pk}-reason": "Нет ресурсов"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "declined" and member.decline_reason == "Нет ресурсов"


def test_a_viewer_reads_but_cannot_change(client, team, application):
    viewer = person(team.lead, "viewer")
    client.force_login(viewer)
    english(client)
    for section in ("details", "answers", "budget", "milestones", "kpi", "attachments"):
        html = html_of(client.get(url(application, section)))
        assert 'data-read-only="true"' in html, section
        assert 'type="submit" class="button">Save' not in html, section
    before = state_of(application)
    response = client.post(
        url(application, "details"), {"version": application.version, "title": "Взлом"}
    )
    assert response.status_code == 403
    assert "Only the lead applicant" in html_of(response)
    response = client.post(url(application, "consortium/invite"), {"inn": team.partner.inn})
    assert response.status_code == 403
    assert state_of(application) == before


def test_a_stranger_cannot_post_to_any_section(client, team, application):
    from tests.registry.factories import MemberOrganisationFactory

    client.force_login(person(MemberOrganisationFactory(), "owner"))
    before = state_of(application)
    for section in (
        "details",
        "answers",
        "budget",
        "milestones",
        "kpi",
        "attachments",
        "consortium/invite",
        "move",
    ):
        assert client.post(url(application, section), {"title": "x"}).status_code == 404
    assert state_of(application) == before


# --- Every field type of a call's form ---------------------------------------------------------

ALL_TYPES = [
    {"name": "note", "type": "text", "label": {"ru": "Заметка", "en": "Note"}},
    {
        "name": "plan",
        "type": "textarea",
        "label": {"ru": "План", "en": "Plan"},
        "help": {"ru": "Кратко", "en": "Briefly"},
    },
    {"name": "staff", "type": "number", "label": {"ru": "Штат", "en": "Staff"}, "min": 0},
    {"name": "capital", "type": "money", "label": {"ru": "Капитал", "en": "Capital"}},
    {"name": "founded", "type": "date", "label": {"ru": "Основана", "en": "Founded"}},
    {
        "name": "market",
        "type": "choice",
        "label": {"ru": "Рынок", "en": "Market"},
        "choices": [{"code": "b2b", "label": {"ru": "Бизнес", "en": "Business"}}],
    },
    {
        "name": "channels",
        "type": "choices",
        "label": {"ru": "Каналы", "en": "Channels"},
        "choices": [
            {"code": "web", "label": {"ru": "Сайт", "en": "Website"}},
            {"code": "shop", "label": {"ru": "Магазин", "en": "Shop"}},
        ],
    },
    {
        "name": "consent",
        "type": "boolean",
        "label": {"ru": "Согласие", "en": "I agree"},
        "required": True,
    },
]


def test_every_field_type_is_rendered_and_saved(client):
    team = Team()
    form_version = team.call.form_version
    form_version.fields = ALL_TYPES
    form_version.save()
    application = team.new_application()
    client.force_login(team.editor)
    english(client)
    html = html_of(client.get(url(application, "answers")))
    assert '<textarea name="answers-plan"' in html
    assert '<p class="help" id="id_answers-plan_help">Briefly</p>' in html
    assert 'aria-describedby="id_answers-plan_help"' in html
    assert 'type="date" name="answers-founded"' in html
    assert "<legend>Channels</legend>" in html and 'value="shop"' in html
    assert 'type="checkbox" name="answers-consent"' in html
    assert 'I agree <span class="required">(required)</span>' in html
    data = {
        "version": application.version,
        "answers-note": "Заметка",
        "answers-plan": "Строка 1\nСтрока 2",
        "answers-staff": "40",
        "answers-capital": "1 000 000,50",
        "answers-founded": "2020-05-17",
        "answers-market": "b2b",
        "answers-channels": ["web", "shop"],
        "answers-consent": "on",
    }
    response = client.post(url(application, "answers"), data)
    assert response.status_code == 302, html_of(response)
    assert fresh(application).answers == {
        "note": "Заметка",
        "plan": "Строка 1\nСтрока 2",
        "staff": 40,
        "capital": "1000000.50",
        "founded": "2020-05-17",
        "market": "b2b",
        "channels": ["web", "shop"],
        "consent": True,
    }
    # What was saved comes back in the form.
    html = html_of(client.get(url(application, "answers")))
    assert 'value="1000000.50"' in html and 'value="2020-05-17"' in html
    assert re.search(r'type="checkbox" name="answers-consent"[^>]*checked', html)
    # A viewer reads the answers in words.
    client.force_login(person(team.lead, "viewer"))
    english(client)
    html = html_of(client.get(url(application, "answers")))
    assert "<dd>Business</dd>" in html and "<dd>Website, Shop</dd>" in html
    assert "<dd>Yes</dd>" in html


def test_a_bad_date_answer_is_refused_at_its_input(editor, application):
    team_fields = application.call.form_version
    team_fields.fields = ALL_TYPES
    team_fields.save()
    before = state_of(application)
    response = editor.post(
        url(application, "answers"),
        {"version": application.version, "answers-founded": "17.05.2020", "answers-staff": "x"},
    )
    assert response.status_code == 422
    html = html_of(response)
    assert 'id="id_answers-founded_error"' in html and 'id="id_answers-staff_error"' in html
    assert state_of(application) == before


@pytest.mark.parametrize(
    "section",
    ["details", "answers", "budget", "milestones", "kpi", "attachments", "consortium/invite"],
)
def test_malformed_input_is_refused_never_a_500(editor, application, section):
    before = state_of(application)
    junk = "\x00junk"
    data = {
        "version": junk,
        "rows": "99999999999",
        "title": junk,
        "inn": junk,
        "required_document": junk,
        "answers-trl": junk,
        "answers-market": junk,
        "budget-0-category": junk,
        "budget-0-year": junk,
        "milestones-0-due_on": junk,
        "kpi-jobs": junk,
    }
    response = editor.post(url(application, section), data)
    assert 400 <= response.status_code < 500, response.status_code
    assert state_of(application) == before
