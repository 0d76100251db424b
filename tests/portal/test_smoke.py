"""Every public page answers and extends the base layout."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/accessibility/", "/registry/", "/registry/statistics/", "/accounts/login/",
     "/accounts/register/"],
)  # fmt: skip
def test_public_pages_answer_with_the_layout(client, url, member_org):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru"' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'action="/accessibility/"' in html
