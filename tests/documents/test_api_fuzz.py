"""Property-based testing of the documents API with schemathesis against a running server:
whatever it sends, no server error, and responses match the generated schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    status_code_conformance,
)

from innocluster.accounts.services import issue_api_token
from innocluster.api.api import api

from .factories import org_with_signatory, person, sent

schema = schemathesis.openapi.from_dict(api.get_openapi_schema()).include(
    path_regex="^/api/v1/documents"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_token(transactional_db):
    """An organisation with a document on its route, and its token."""
    org, _signer = org_with_signatory()
    sent([(org, 1)])
    _, raw = issue_api_token(person(org, "owner"), org, "schemathesis", ["read"])
    return raw


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.slow
def test_documents_api_has_no_server_errors(case, live_server, api_token):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS
    )
