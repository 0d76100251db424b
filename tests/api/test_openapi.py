"""The committed OpenAPI schema is the generated one, and it is a valid OpenAPI document."""

import json
from pathlib import Path

import schemathesis

from innocluster.core.management.commands.export_openapi import current_schema_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_schema_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == current_schema_text(), (
        "run `make openapi` and commit docs/openapi.json"
    )


def test_schema_is_valid_openapi_with_problem_responses():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(document)
    operations = list(schema.get_all_operations())
    assert len(operations) >= 10
    for path_item in document["paths"].values():
        for operation in path_item.values():
            assert "application/problem+json" in operation["responses"]["default"]["content"]
