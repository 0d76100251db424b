"""The layout contract, the language switch and the version for the visually impaired."""

import json

import pytest

from innocluster.portal.accessibility import COOKIE_NAME
from tests.accounts.factories import FundOperatorFactory

pytestmark = pytest.mark.django_db


def test_russian_is_the_default_and_english_is_complete(client, en_client):
    html = client.get("/").content.decode()
    assert '<html lang="ru"' in html and "Реестр" in html and "Версия для слабовидящих" in html
    html = en_client.get("/").content.decode()
    assert '<html lang="en"' in html and "Registry" in html
    assert "Version for the visually impaired" in html


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/registry/?kind=startup"})
    assert response.status_code == 302 and response["Location"] == "/registry/?kind=startup"
    assert '<html lang="en"' in client.get("/registry/").content.decode()


def test_back_office_link_only_for_fund_staff(client, user):
    assert 'href="/backoffice/"' not in client.get("/").content.decode()
    client.force_login(user)
    assert 'href="/backoffice/"' not in client.get("/").content.decode()
    client.force_login(FundOperatorFactory())
    assert 'href="/backoffice/"' in client.get("/").content.decode()


def test_accessibility_toolbar_switches_on_and_is_remembered(client):
    response = client.post("/accessibility/", {"enabled": "on", "next": "/registry/"})
    assert response.status_code == 302 and response["Location"] == "/registry/"
    assert json.loads(client.cookies[COOKIE_NAME].value)["enabled"] is True
    html = client.get("/registry/").content.decode()
    assert 'class="a11y a11y-font-normal a11y-scheme-black_on_white' in html
    client.post("/accessibility/", {"scheme": "white_on_black", "next": "/"})
    client.post("/accessibility/", {"font_size": "xlarge", "next": "/"})
    client.post("/accessibility/", {"images": "off", "next": "/"})
    client.post("/accessibility/", {"spacing": "wide", "next": "/"})
    html = client.get("/registry/statistics/").content.decode()
    for css_class in ["a11y-scheme-white_on_black", "a11y-font-xlarge", "a11y-no-images",
                      "a11y-spacing-wide"]:  # fmt: skip
        assert css_class in html
    client.post("/accessibility/", {"enabled": "off", "next": "/"})
    assert 'class=""' in client.get("/").content.decode()


def test_accessibility_settings_page_saves_every_setting(client, en_client):
    assert "Letter spacing" in en_client.get("/accessibility/").content.decode()
    client.post(
        "/accessibility/",
        {"enabled": "on", "font_size": "large", "scheme": "brown_on_beige", "images": "on",
         "spacing": "normal", "next": "/"},
    )  # fmt: skip
    html = client.get("/").content.decode()
    assert "a11y-font-large a11y-scheme-brown_on_beige" in html


def test_accessibility_next_must_stay_on_this_site(client):
    response = client.post("/accessibility/", {"enabled": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post("/accessibility/", {"enabled": "on", "next": "//evil.example/x"})
    assert response["Location"] == "/"


def test_garbage_accessibility_cookie_falls_back_to_the_defaults(client):
    client.cookies[COOKIE_NAME] = "{not json"
    assert client.get("/").status_code == 200
    client.cookies[COOKIE_NAME] = json.dumps({"enabled": True, "scheme": "<script>"})
    html = client.get("/").content.decode()
    assert "<script>" not in html.split("<head>")[0]
    assert "a11y-scheme-default" in html


def test_images_off_replaces_images_with_their_text():
    from django.template import Context, Template

    from innocluster.portal.accessibility import AccessibilityPrefs

    template = Template('{% load portal %}{% a11y_img "/static/x.png" "Logo of the cluster" %}')
    shown = template.render(Context({"a11y": AccessibilityPrefs()}))
    assert shown.startswith("<img") and 'alt="Logo of the cluster"' in shown
    hidden = template.render(Context({"a11y": AccessibilityPrefs(enabled=True, images=False)}))
    assert "<img" not in hidden and "Logo of the cluster" in hidden


def test_every_form_control_has_a_label(signed_in):
    import re

    for url in ["/join/", "/registry/", "/accessibility/", "/accounts/me/"]:
        html = signed_in.get(url).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        for control_id in ids:
            assert f'for="{control_id}"' in html, (url, control_id)


def test_not_found_page_uses_the_layout_in_both_languages(client, en_client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html and 'href="#main"' in html
    assert "Page not found" in en_client.get("/no-such-page/").content.decode()
