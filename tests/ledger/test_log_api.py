"""The log's public API: entries as bytes and decoded, proofs that verify against the roots."""

import base64

import pytest

from innocluster.ledger.merkle import verify_consistency, verify_inclusion
from innocluster.ledger.services import append_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    for i in range(13):
        append_entry("document.version", {"sha256": f"{i:064x}"})


def test_entries_come_with_their_exact_bytes(client, log):
    body = client.get("/api/v1/log/entries", {"start": 3, "end": 6}).json()
    assert [e["index"] for e in body["entries"]] == [3, 4, 5]
    first = body["entries"][0]
    assert (
        base64.b64decode(first["leaf_input"])
        == b'{"kind":"document.version","sha256":"' + f"{3:064x}".encode() + b'"}'
    )
    assert first["decoded"]["sha256"] == f"{3:064x}"


def test_inclusion_proof_verifies_against_the_returned_root(client, log):
    entry = client.get("/api/v1/log/entries", {"start": 7, "end": 8}).json()["entries"][0]
    proof = client.get("/api/v1/log/proof/inclusion", {"leaf_index": 7, "tree_size": 13}).json()
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert verify_inclusion(
        bytes.fromhex(entry["leaf_hash"]), 7, 13, path, bytes.fromhex(proof["root_hash"])
    )


def test_consistency_proof_verifies_between_the_two_roots(client, log):
    proof = client.get("/api/v1/log/proof/consistency", {"first": 5, "second": 13}).json()
    assert verify_consistency(
        5,
        13,
        bytes.fromhex(proof["first_root_hash"]),
        bytes.fromhex(proof["second_root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency"]],
    )


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/log/entries", {"start": 5, "end": 5}, "end"),
        ("/api/v1/log/entries", {"start": 0, "end": 5000}, "end"),
        ("/api/v1/log/proof/inclusion", {"leaf_index": 13, "tree_size": 13}, "leaf_index"),
        ("/api/v1/log/proof/inclusion", {"leaf_index": 0, "tree_size": 14}, "tree_size"),
        ("/api/v1/log/proof/consistency", {"first": 9, "second": 5}, "first"),
        ("/api/v1/log/proof/consistency", {"first": 1, "second": 99}, "second"),
        ("/api/v1/log/proof/inclusion", {"leaf_index": -1, "tree_size": 3}, "leaf_index"),
    ],
)
def test_impossible_requests_are_422_naming_the_parameter(client, log, url, params, field):
    response = client.get(url, params)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
