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


def test_no_two_api_schemas_share_a_name():
    """The schema names its components by class name, so two classes of one name would leave one
    endpoint documented (and validated) with the other's shape."""
    from collections import defaultdict

    from ninja import Schema

    import innocluster.api.api  # noqa: F401  (imports every router and its schemas)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("innocluster."):
            by_name[cls.__name__].add(cls.__module__)
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}
