"""The operators' calls page: every call with its phase, and publishing a draft, refused with
what is missing when the call is not complete."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from innocluster.programmes.models import Call
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.call_factories import make_call

pytestmark = pytest.mark.django_db
PAGE = reverse("manage_applications:calls")
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def operator(client):
    user = FundOperatorFactory()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def test_the_operator_publishes_a_draft_and_it_opens(client, operator):
    draft = make_call("draft")
    make_call("open")
    page = client.get(PAGE).content.decode()
    assert f'action="/manage/applications/calls/{draft.code}/publish/"' in page
    assert page.count("/publish/") == 1  # only the draft can be published
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert f"The call {draft.code} is published." in client.get(PAGE).content.decode()
    assert client.get(f"/calls/{draft.code}/").status_code == 200  # public now


def test_an_incomplete_call_is_refused_with_what_is_missing(client, operator):
    draft = make_call("draft", criteria=False)
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "cannot be published yet" in page and "criteria" in page
    assert Call.objects.get(pk=draft.pk).published_at is None


def test_only_the_fund_sees_and_publishes(client):
    draft = make_call("draft")
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 404
    assert Call.objects.get(pk=draft.pk).published_at is None


def _form_data(programme, form_version, **extra) -> dict:
    data = {
        "programme": str(programme.pk),
        "code": "jp-new",
        "title_ru": "Новый конкурс",
        "title_en": "New call",
        "opens_at": "2031-03-01T10:00",
        "deadline": "2031-04-01T18:00",
        "budget_rub": "50000000",
        "max_grant_rub": "5000000",
        "cofinancing_min_share": "25",
        "priority_areas": ["ict", "energy"],
        "innovation_types": ["technological"],
        "min_members": "2",
        "max_members": "4",
        "min_sme_members": "1",
        "lead_must_be_member": "on",
        "form_version": str(form_version.pk),
        "required_documents": "charter | Устав | Charter",
        "criteria": "novelty | Новизна | Novelty | 2 | 0 | 10\nteam | Команда | Team | 1 | 0 | 10",
        "reviewers_per_application": "2",
    }
    data.update(extra)
    return data


def test_the_operator_configures_a_new_call_as_a_draft(client, operator):
    from decimal import Decimal

    from tests.programmes.call_factories import make_form_version, make_programme

    programme, version = make_programme(), make_form_version()
    response = client.post(reverse("manage_applications:new_call"), _form_data(programme, version))
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(code="jp-new")
    assert call.published_at is None and call.programme == programme
    assert call.cofinancing_min_share == Decimal("0.25")
    assert call.priority_areas == ["ict", "energy"]
    assert [c.code for c in call.criteria.order_by("position")] == ["novelty", "team"]
    # the form's times are Moscow time
    assert call.deadline.astimezone(datetime.UTC).hour == 15
    assert call.required_documents[0]["name_en"] == "Charter"
    # then it is published from the calls page
    assert (
        client.post(reverse("manage_applications:publish_call", args=["jp-new"])).status_code == 302
    )


def test_a_call_that_does_not_add_up_is_refused_next_to_its_fields(client, operator):
    from tests.programmes.call_factories import make_form_version, make_programme

    programme, version = make_programme(), make_form_version()
    response = client.post(
        reverse("manage_applications:new_call"),
        _form_data(
            programme,
            version,
            max_grant_rub="60000000",  # more than the budget
            criteria="novelty | Новизна | Novelty | -1 | 0 | 10",
            required_documents="charter",
        ),
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "required_documents" in form.errors
    assert not Call.objects.filter(code="jp-new").exists()
    response = client.post(
        reverse("manage_applications:new_call"),
        _form_data(programme, version, max_grant_rub="60000000"),
    )
    assert response.status_code == 422
    assert "max_grant_rub" in response.context["form"].errors
    response = client.post(
        reverse("manage_applications:new_call"),
        _form_data(programme, version, criteria="novelty | Новизна | Novelty | -1 | 0 | 10"),
    )
    assert response.status_code == 422
    assert "criteria" in response.context["form"].errors
    assert not Call.objects.filter(code="jp-new").exists()  # nothing half-made


def test_an_open_calls_deadline_moves_later_only_with_a_reason(client, operator):
    from innocluster.programmes.manage_views.call_form import CallForm

    call = make_call("open")
    url = reverse("manage_applications:edit_call", args=[call.code])
    assert client.get(url).status_code == 200
    initial = CallForm.initial_for(call)
    data = {k: v for k, v in initial.items() if v not in (None, "")}
    data["programme"] = str(call.programme_id)
    data["form_version"] = str(call.form_version_id)
    data["lead_must_be_member"] = "on" if call.lead_must_be_member else ""
    later = (call.deadline + datetime.timedelta(days=7)).astimezone(MOSCOW)
    data["deadline"] = later.strftime("%Y-%m-%dT%H:%M")
    data["opens_at"] = call.opens_at.astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, data)
    assert refused.status_code == 422 and "reason" in refused.context["form"].errors
    data["reason"] = "Продлён по просьбе участников"
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    call.refresh_from_db()
    assert call.deadline.strftime("%Y-%m-%dT%H") == later.astimezone(call.deadline.tzinfo).strftime(
        "%Y-%m-%dT%H"
    )
