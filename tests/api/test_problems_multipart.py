"""A body that cannot be parsed as multipart is a 400 problem on any endpoint taking files."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_multipart_body_without_a_boundary_is_a_400_problem(client):
    response = client.generic(
        "POST", "/api/v1/verify", b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
