"""Property-based API testing with schemathesis against a real running server: whatever it
sends, no server error, and every response matches the committed OpenAPI schema."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from innocluster.accounts.services import issue_api_token
from tests.accounts.factories import FundOperatorFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

schema = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_token(transactional_db):
    """A populated registry and a partner platform's token with every scope."""
    for n in range(5):
        org = MemberOrganisationFactory(name_ru=f"ООО «Схематест {n}»")
        org.priority_areas.set(["ict"])
    OrganisationRoleFactory()
    platform = MemberOrganisationFactory(name_ru="Партнёрская платформа")
    _, raw = issue_api_token(
        FundOperatorFactory(), platform, "schemathesis", ["read", "join", "profile"]
    )
    return raw


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.slow
def test_api_has_no_server_errors_and_matches_its_schema(case, live_server, api_token):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS
    )
