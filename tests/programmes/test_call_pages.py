"""Public call pages and the calls API: ru and en, drafts never public, the open-calls feed,
bad parameters refused (never a 500), the deadline in Moscow time."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .call_factories import make_call

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})


@pytest.fixture
def calls(db):
    return {status: make_call(status) for status in ("draft", "upcoming", "open", "closed")}


def test_calls_page_in_russian(client, calls):
    response = client.get("/calls/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru"' in html
    assert calls["open"].title_ru in html
    assert f'/calls/{calls["draft"].code}/"' not in html
    for status in ("upcoming", "open", "closed"):
        assert f'href="/calls/{calls[status].code}/"' in html
    # open calls first, then upcoming, then closed
    where = {s: html.index(f'/calls/{calls[s].code}/"') for s in ("open", "upcoming", "closed")}
    assert where["open"] < where["upcoming"] < where["closed"]
    assert "100\u00a0000\u00a0000 руб." in html  # the budget, as the portal writes roubles
    assert "Устав" in html  # a required document
    assert "Новизна" in html  # a criterion
    assert 'href="/calls/"' in html  # the menu link


def test_calls_page_in_english(client, calls):
    english(client)
    response = client.get("/calls/")
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert calls["open"].title_en in html
    assert "20,000,000 RUB" in html  # the maximum grant
    assert "Financial statements" in html
    assert "Novelty" in html
    assert "30\u00a0%" in html  # the co-financing minimum


def test_call_page(client, calls):
    call = calls["open"]
    response = client.get(f"/calls/{call.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" + call.title_ru + "</h1>" in html
    assert call.description_ru in html
    english(client)
    html = client.get(f"/calls/{call.code}/").content.decode()
    assert "<h1>" + call.title_en + "</h1>" in html
    assert "Team" in html


def test_drafts_are_not_public(client, calls):
    assert client.get(f"/calls/{calls['draft'].code}/").status_code == 404
    assert client.get("/calls/no-such-call/").status_code == 404
    assert client.get(f"/api/v1/calls/{calls['draft'].code}").status_code == 404
    codes = [c["code"] for c in client.get("/api/v1/calls").json()]
    assert calls["draft"].code not in codes
    assert sorted(codes) == sorted(calls[s].code for s in ("upcoming", "open", "closed"))


def test_deadline_is_shown_in_moscow_time(client):
    deadline = (timezone.now() + datetime.timedelta(days=30)).replace(
        hour=20, minute=59, second=0, microsecond=0, tzinfo=UTC
    )
    call = make_call("open", deadline=deadline)
    html = client.get(f"/calls/{call.code}/").content.decode()
    moscow = deadline.astimezone(zoneinfo.ZoneInfo("Europe/Moscow"))
    assert moscow.hour == 23
    assert f"{moscow.day} " in html and ", 23:59</time>" in html
    assert f'datetime="{moscow.isoformat()}"' in html
    data = client.get(f"/api/v1/calls/{call.code}").json()
    assert data["deadline"] == moscow.isoformat()


def test_the_open_calls_feed(client, calls):
    response = client.get("/api/v1/calls", {"status": "open"})
    assert response.status_code == 200
    data = response.json()
    assert [c["code"] for c in data] == [calls["open"].code]
    call = data[0]
    assert call["status"] == "open"
    assert call["budget_rub"] in ("100000000.00", 100000000.0, "100000000")
    assert call["consortium"] == {
        "min_members": 2,
        "max_members": 5,
        "min_sme_members": 1,
        "lead_must_be_member": True,
    }
    assert call["priority_areas"] == ["ict", "medicine"]
    assert [c["code"] for c in call["criteria"]] == ["novelty", "team"]
    assert call["required_documents"][0]["code"] == "charter"
    assert call["form"]["version"] == 1
    assert call["url"] == f"/calls/{calls['open'].code}/"
    for status in ("upcoming", "closed"):
        codes = [c["code"] for c in client.get("/api/v1/calls", {"status": status}).json()]
        assert codes == [calls[status].code]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "draft"},
        {"status": "OPEN"},
        {"status": ""},
        {"status": "\x00"},
        {"status": "a" * 5000},
    ],
)
def test_bad_parameters_are_refused_not_500(client, calls, params):
    response = client.get("/api/v1/calls", params)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"].endswith("status")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/calls/%00", "/api/v1/calls/" + "x" * 3000, "/calls/" + "x" * 3000 + "/"],
)
def test_odd_codes_are_404(client, path):
    assert client.get(path).status_code == 404


def test_unsafe_methods_refused(client, calls):
    assert client.post("/calls/").status_code == 405


def test_list_page_queries_do_not_grow(client):
    make_call("open")
    with CaptureQueriesContext(connection) as few:
        client.get("/calls/")
    for status in ("open", "open", "upcoming", "closed", "closed"):
        make_call(status)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/calls/").status_code == 200
    assert len(more) == len(few)
    with CaptureQueriesContext(connection) as api_queries:
        client.get("/api/v1/calls")
    assert len(api_queries) <= len(few) + 2
