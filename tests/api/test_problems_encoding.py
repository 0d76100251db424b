"""A refusal that quotes what the client sent is still a valid UTF-8 response, whatever was sent."""

import json

import pytest

from tests.exchange.catalogue_factories import UniversityFactory, person_of

pytestmark = pytest.mark.django_db


def test_a_lone_surrogate_in_a_patent_number_is_refused_by_name(client):
    client.force_login(person_of(UniversityFactory()))
    response = client.post(
        "/api/v1/technologies",
        json.dumps({"title": "T", "trl": 5, "patent_numbers": ["\ud800"]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["patent_numbers[0]"]
