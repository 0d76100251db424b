"""The operators' application pages: the filtered list (permissions, counts per state, filters in
the URL, flat query count), one application with its workflow moves (with a reason, refused)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innocluster.core.models import AuditEvent
from innocluster.programmes.models import Application
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.backoffice_factories import (
    CallFactory,
    PartnerOrganisationFactory,
    make_application,
    person,
    review,
)
from tests.programmes.factories import state_of

pytestmark = pytest.mark.django_db
LIST = reverse("manage_applications:list")


@pytest.fixture
def operator(client):
    user = FundOperatorFactory()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages asserted in English
    return user


def test_anonymous_visitors_are_sent_to_sign_in_and_members_get_404(client):
    application = make_application()
    assert client.get(LIST).status_code == 302
    member = person(application.lead, "owner")
    client.force_login(member)
    for url in (
        LIST,
        reverse("manage_applications:detail", args=[application.pk]),
        reverse("manage_applications:file", args=[application.pk]),
        reverse("manage_applications:export", args=["csv"]),
    ):
        assert client.get(url).status_code == 404, url
    before = state_of(application)
    response = client.post(
        reverse("manage_applications:move", args=[application.pk]),
        {"action": "start_screening"},
    )
    assert response.status_code == 404
    assert state_of(application) == before


def test_the_list_shows_the_filtered_rows_and_counts_per_state(client, operator):
    call = CallFactory(code="gamma")
    partner = PartnerOrganisationFactory(name_ru="ООО «Партнёр»", name_en="Partner LLC")
    make_application(call, number="G-1", state="submitted", partners=[partner], title="Дроны")
    make_application(call, number="G-2", state="in_review", title="Сенсоры")
    make_application(call, number="G-3", state="in_review", title="Батареи")
    make_application(number="OTHER-1", state="in_review")
    with translation.override("en"):
        response = client.get(LIST, {"call": "gamma", "state": "in_review"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "G-2" in html and "G-3" in html
    assert "G-1" not in html and "OTHER-1" not in html
    assert "2 applications match the filter." in html
    # counts per state within the call, whatever the state filter
    states = {item["code"]: item["n"] for item in response.context["states"]}
    assert states["in_review"] == 2 and states["submitted"] == 1 and states["draft"] == 0
    # every filter is in the URLs: pages, exports, the bulk form
    assert "call=gamma" in response.context["export_csv"]
    assert ("state", "in_review") in response.context["filter_pairs"]
    response = client.get(LIST, {"q": "Дроны"})
    assert "Partner LLC" in response.content.decode()  # the English page: the English name


def test_a_bad_filter_is_shown_next_to_its_field(client, operator):
    make_application()
    with translation.override("en"):
        response = client.get(LIST, {"state": "flying", "submitted_from": "yesterday"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "state" in form.errors and "submitted_from" in form.errors
    assert 'aria-invalid="true"' in response.content.decode()


def _rows(n, call):
    for i in range(n):
        application = make_application(
            call, state="in_review", partners=[PartnerOrganisationFactory()]
        )
        review(application, 50 + i % 40)


def test_the_list_query_count_stays_flat(client, operator, django_assert_max_num_queries):
    call = CallFactory()
    _rows(5, call)
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST, {"state": "in_review", "order": "-score"}).status_code == 200
    _rows(45, call)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"state": "in_review", "order": "-score"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25


def test_the_detail_page_shows_the_application_and_its_moves(client, operator):
    application = make_application(state="submitted", partners=[PartnerOrganisationFactory()])
    review(application, 77)
    with translation.override("en"):
        response = client.get(reverse("manage_applications:detail", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert application.title in html and application.number in html
    assert [m["transition"].action for m in response.context["moves"]] == ["start_screening"]
    assert 'name="action" value="start_screening"' in html
    assert len(response.context["reviews"]) == 1
    assert reverse("manage_applications:file", args=[application.pk]) in html
    assert "/projects/prepare/" not in html


def test_a_move_with_a_reason(client, operator):
    application = make_application(state="screening")
    url = reverse("manage_applications:move", args=[application.pk])
    response = client.post(url, {"action": "request_revision", "reason": "Нет устава"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "revision_requested"
    event = AuditEvent.objects.get(action="application.request_revision")
    assert event.summary == "Нет устава" and event.actor == operator


def test_a_move_without_its_reason_is_refused_and_nothing_changes(client, operator):
    application = make_application(state="screening")
    before = state_of(application)
    url = reverse("manage_applications:move", args=[application.pk])
    with translation.override("en"):
        response = client.post(url, {"action": "reject", "reason": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert state_of(application) == before


def test_a_move_not_allowed_now_is_refused_with_the_reason(client, operator):
    application = make_application(state="in_review")  # no review in: not to the board yet
    before = state_of(application)
    url = reverse("manage_applications:move", args=[application.pk])
    response = client.post(url, {"action": "send_to_board"})
    assert response.status_code == 409
    assert response.context["move_form"].non_field_errors()
    assert state_of(application) == before
    response = client.post(url, {"action": "approve"})  # not from this state
    assert response.status_code == 409
    assert Application.objects.get(pk=application.pk).state == "in_review"
    assert state_of(application) == before


def test_an_approved_application_offers_the_agreement(client, operator):
    application = make_application(state="approved")
    response = client.get(reverse("manage_applications:detail", args=[application.pk]))
    page = response.content.decode()
    assert f"/projects/prepare/{application.pk}/" in page
    # the agreement is the projects app's own action: never a bare state change here
    assert 'value="prepare_agreement"' not in page
    assert "prepare_agreement" not in page


def test_a_project_is_linked_and_terminated_only_on_its_own_page(client, operator):
    from decimal import Decimal

    from innocluster.projects.models import Project

    application = make_application(state="in_implementation")
    project = Project.objects.create(
        application=application, grant_rub=Decimal(1), cofinancing_rub=Decimal(0)
    )
    page = client.get(reverse("manage_applications:detail", args=[application.pk])).content
    page = page.decode()
    assert f'href="/projects/{project.pk}/"' in page
    assert "terminate" not in page


def test_an_unknown_application_is_404(client, operator):
    response = client.get("/manage/applications/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
