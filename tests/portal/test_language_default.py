"""Russian first: a browser that prefers English still gets Russian until the visitor switches."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_russian_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru"' in response.content.decode()


def test_the_language_switch_chooses_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/registry/"})
    response = client.get("/registry/")
    assert response["Content-Language"] == "en"


def test_the_api_honours_accept_language(client):
    response = client.get("/api/v1/organisations", {"kind": "alien"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"][0]["message"].startswith("Must be one of")
    response = client.get("/api/v1/organisations", {"kind": "alien"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["errors"][0]["message"].startswith("Допустимые значения")
