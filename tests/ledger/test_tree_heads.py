"""Signed tree heads: RFC 6962 §3.5 bytes, checked by the real openssl; the document a member keeps;
on-demand and periodic signing; `log verify` checking every signature."""

import base64
import io
import json
import shutil
import struct
import subprocess
import time

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from django.db import connection

from innocluster.core.management.commands.worker import PeriodicTasks
from innocluster.ledger.merkle import (
    extend,
    leaf_hash,
    node_key,
    verify_consistency,
    verify_inclusion,
)
from innocluster.ledger.models import LogEntry, LogKey, LogNode, LogState, TreeHead
from innocluster.ledger.services import (
    SIGNER_KEY_NAME,
    append_entry,
    current_tree,
    latest_signed_tree_head,
    record_tree_head,
    sign_tree_head,
    signer_public_key,
    tree_head_document,
    verify_log,
    verify_tree_head_document,
)
from innocluster.ledger.tasks import sign_log_tree_head
from innocluster.ledger.tree import LogCorrupted
from innocluster.pki.keystore import new_ec_key, store_key

pytestmark = pytest.mark.django_db


def fill(n, start=0):
    for i in range(start, start + n):
        append_entry("document.version", {"sha256": f"{i:064x}"}, object_id=str(i))


@pytest.fixture
def openssl():
    path = shutil.which("openssl")
    if path is None:
        pytest.skip(
            "SKIPPED LOUDLY: the openssl binary is not installed, so the tree-head signature was "
            "NOT checked with an independent tool; install openssl to run this test"
        )
    return path


def test_the_signed_bytes_are_rfc_6962_tree_head_signature():
    fill(5)
    head = sign_tree_head()
    doc = tree_head_document(head)
    data = base64.b64decode(doc["signed_data"])
    assert len(data) == 50
    version, signature_type, timestamp, size, root = struct.unpack(">BBQQ32s", data)
    assert (version, signature_type) == (0, 1)
    assert (timestamp, size, root.hex()) == (doc["timestamp"], 5, doc["root_hash"])
    assert root == current_tree().root(5)
    assert abs(timestamp - time.time() * 1000) < 60_000
    assert doc["timestamp_iso"].endswith("Z") and doc["timestamp_iso"][:4] == time.strftime("%Y")
    assert doc["signature_algorithm"] == "ecdsa-p256-sha256"
    assert "openssl dgst -sha256 -verify" in doc["how_to_verify"]


def test_openssl_verifies_the_tree_head_and_refuses_a_changed_one(openssl, tmp_path):
    fill(9)
    doc = tree_head_document(sign_tree_head())
    (tmp_path / "log-key.pem").write_text(doc["public_key_pem"])
    (tmp_path / "sig.der").write_bytes(base64.b64decode(doc["signature"]))
    (tmp_path / "signed.bin").write_bytes(base64.b64decode(doc["signed_data"]))
    command = [
        openssl,
        *["dgst", "-sha256", "-verify", "log-key.pem", "-signature", "sig.der", "signed.bin"],
    ]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Verified OK" in ok.stdout
    # the key id is the SHA-256 of the DER SubjectPublicKeyInfo, as openssl writes it
    der = subprocess.run(
        [openssl, "pkey", "-pubin", "-in", "log-key.pem", "-outform", "DER"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout
    digest = subprocess.run(
        [openssl, "dgst", "-sha256", "-r"], input=der, capture_output=True, check=True
    ).stdout.split()[0]
    assert digest.decode() == doc["key_id"]
    # a claim of a bigger tree under the same signature fails
    forged = bytearray(base64.b64decode(doc["signed_data"]))
    forged[17] ^= 1  # the last byte of tree_size
    (tmp_path / "signed.bin").write_bytes(bytes(forged))
    refused = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode != 0 and "Verified OK" not in refused.stdout


def test_the_document_verifies_and_any_change_to_it_does_not():
    fill(4)
    doc = tree_head_document(sign_tree_head())
    assert verify_tree_head_document(doc)
    assert verify_tree_head_document(json.loads(json.dumps(doc)))  # as kept in a file
    other_key = new_ec_key().public_key()
    changes = {
        "tree_size": 5,
        "root_hash": "00" * 32,
        "timestamp": doc["timestamp"] + 1,
        "signature": base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode(),
        "public_key_pem": other_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        "key_id": "ab" * 32,
        "signed_data": "not base64!",
        "signature_algorithm": "none",
    }
    for name, value in changes.items():
        assert not verify_tree_head_document({**doc, name: value}), name
    assert not verify_tree_head_document({k: v for k, v in doc.items() if k != "signature"})


def test_signing_again_without_growth_returns_the_same_head():
    fill(3)
    first = sign_tree_head()
    assert sign_tree_head() == first and TreeHead.objects.count() == 1
    fill(2, start=3)
    second = sign_tree_head()
    assert (second.tree_size, latest_signed_tree_head()) == (5, second)
    assert second.timestamp >= first.timestamp
    # a member holding the first head can check the log only grew
    proof = current_tree().consistency_proof(3, 5)
    assert verify_consistency(3, 5, bytes(first.root_hash), bytes(second.root_hash), proof)


def test_an_empty_log_has_a_signed_head_too():
    head = sign_tree_head()
    assert head.tree_size == 0 and verify_tree_head_document(tree_head_document(head))
    fill(2)
    assert sign_tree_head().tree_size == 2
    assert verify_log() == (2, [])


def test_an_unsigned_head_at_the_current_size_is_signed_in_place():
    fill(6)
    record_tree_head()
    assert latest_signed_tree_head() is None
    head = sign_tree_head()
    assert TreeHead.objects.count() == 1 and head.signature is not None
    assert verify_tree_head_document(tree_head_document(head))


def rebuild_nodes_from_stored_leaves():
    """What a thorough attacker with database access does after rewriting an entry: recompute
    every stored node and the log state from the (forged) leaf hashes."""
    frontier, nodes = [], []
    hashes = LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    for index, value in enumerate(hashes):
        for level, position, node in extend(frontier, index, bytes(value)):
            nodes.append(LogNode(key=node_key(level, position), hash=node))
    LogNode.objects.all().delete()
    LogNode.objects.bulk_create(nodes)
    LogState.objects.update_or_create(pk=1, defaults={"size": len(hashes)})


def test_the_log_refuses_to_sign_a_history_that_contradicts_its_signed_head():
    fill(6)
    signed = sign_tree_head()
    forged = b'{"kind":"forged"}'
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE ledger_logentry SET leaf_input = %s, leaf_hash = %s WHERE "index" = 5',
            [forged, leaf_hash(forged)],
        )
    rebuild_nodes_from_stored_leaves()
    fill(1, start=6)  # appends go on over the forged tree...
    with pytest.raises(LogCorrupted):
        sign_tree_head()  # ...but the platform never signs it
    assert latest_signed_tree_head() == signed
    _size, problems = verify_log()
    assert (6, "head_root") in [(p.position, p.code) for p in problems]


def test_log_verify_checks_every_signature(capsys):
    fill(5)
    sign_tree_head()
    fill(3, start=5)
    sign_tree_head()
    call_command("log", "verify")
    assert "8 entries verifies" in capsys.readouterr().out
    head = TreeHead.objects.get(tree_size=5)
    signature = bytearray(bytes(head.signature))
    signature[-1] ^= 1
    TreeHead.objects.filter(tree_size=5).update(signature=bytes(signature))
    _size, problems = verify_log()
    assert [(p.position, p.code) for p in problems] == [(5, "head_signature")]
    with pytest.raises(CommandError):
        call_command("log", "verify")


def test_a_rewritten_log_with_a_recomputed_root_still_fails_on_the_signature():
    """The attacker rewrites an entry, every node and the head's root: the signature tells."""
    fill(4)
    sign_tree_head()
    forged = b'{"kind":"forged"}'
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE ledger_logentry SET leaf_input = %s, leaf_hash = %s WHERE "index" = 0',
            [forged, leaf_hash(forged)],
        )
    from innocluster.ledger.services import full_tree

    new_root = full_tree().root()
    TreeHead.objects.filter(tree_size=4).update(root_hash=new_root)
    _size, problems = verify_log()
    assert (4, "head_signature") in [(p.position, p.code) for p in problems]


def test_old_heads_stay_verifiable_after_the_signing_key_is_replaced(client):
    fill(2)
    old = tree_head_document(sign_tree_head())
    store_key(SIGNER_KEY_NAME, new_ec_key(), replace=True)
    fill(2, start=2)
    new = tree_head_document(sign_tree_head())
    assert new["key_id"] != old["key_id"] and LogKey.objects.count() == 2
    assert verify_log() == (4, [])
    assert verify_tree_head_document(old) and verify_tree_head_document(new)
    keys = client.get("/api/v1/log/public-key").json()
    assert keys["key_id"] == new["key_id"]
    assert [k["key_id"] for k in keys["previous_keys"]] == [old["key_id"]]


def test_api_tree_head_signs_on_demand_and_proofs_verify_against_it(client, settings):
    settings.LOG_TREE_HEAD_MIN_INTERVAL = 0
    fill(7)
    doc = client.get("/api/v1/log/tree-head").json()
    assert doc["tree_size"] == 7 and verify_tree_head_document(doc)
    fill(4, start=7)
    newer = client.get("/api/v1/log/tree-head").json()
    assert newer["tree_size"] == 11 and verify_tree_head_document(newer)
    assert client.get("/api/v1/log/tree-head").json() == newer  # not signed again
    assert TreeHead.objects.count() == 2
    root = bytes.fromhex(newer["root_hash"])
    entry = client.get("/api/v1/log/entries", {"start": 9, "end": 10}).json()["entries"][0]
    proof = client.get("/api/v1/log/proof/inclusion", {"leaf_index": 9, "tree_size": 11}).json()
    assert proof["root_hash"] == newer["root_hash"]
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert verify_inclusion(bytes.fromhex(entry["leaf_hash"]), 9, 11, path, root)
    consistency = client.get("/api/v1/log/proof/consistency", {"first": 7, "second": 11}).json()
    assert verify_consistency(
        7,
        11,
        bytes.fromhex(doc["root_hash"]),
        root,
        [bytes.fromhex(h) for h in consistency["consistency"]],
    )
    key = client.get("/api/v1/log/public-key").json()
    assert key["key_id"] == doc["key_id"] and key["public_key_pem"] == doc["public_key_pem"]


def test_api_does_not_sign_a_head_per_request(client, settings):
    settings.LOG_TREE_HEAD_MIN_INTERVAL = 3600
    fill(2)
    assert client.get("/api/v1/log/tree-head").json()["tree_size"] == 2  # none yet: signed
    fill(1, start=2)
    assert client.get("/api/v1/log/tree-head").json()["tree_size"] == 2  # signed just now
    assert TreeHead.objects.count() == 1


def test_a_corrupted_log_answers_problem_details_not_a_crash(client, settings):
    settings.LOG_TREE_HEAD_MIN_INTERVAL = 0
    fill(4)
    sign_tree_head()
    fill(1, start=4)
    TreeHead.objects.filter(tree_size=4).update(root_hash=b"\0" * 32)
    response = client.get("/api/v1/log/tree-head")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "log_corrupted"


def test_log_head_sign_prints_the_document():
    fill(3)
    out = io.StringIO()
    call_command("log", "head", "--sign", "--json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["tree_size"] == 3 and verify_tree_head_document(doc)
    out = io.StringIO()
    call_command("log", "head", "--sign", stdout=out)
    assert f"tree_size=3 root_hash={doc['root_hash']}" in out.getvalue()


def test_the_task_signs_the_log():
    fill(3)
    result = sign_log_tree_head.enqueue()  # the test settings run tasks at once
    assert result.return_value["tree_size"] == 3
    assert latest_signed_tree_head().tree_size == 3


def test_the_public_key_is_the_keystores():
    pem, key_id = signer_public_key()
    assert "BEGIN PUBLIC KEY" in pem and len(key_id) == 64


@pytest.mark.django_db(transaction=True)
def test_the_worker_signs_tree_heads_periodically(settings):
    """The worker's schedule thread enqueues the signing task; the worker runs it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    fill(5)
    periodic = PeriodicTasks(interval=3600)
    periodic.start()  # the first round is enqueued at start
    deadline = time.time() + 20
    from django_tasks_db.models import DBTaskResult

    while not DBTaskResult.objects.exists() and time.time() < deadline:
        time.sleep(0.05)
    periodic.stop()
    assert latest_signed_tree_head() is None  # queued, not yet run
    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    head = latest_signed_tree_head()
    assert head is not None and head.tree_size == 5


def test_a_log_cut_below_its_signed_head_is_not_served_as_fine(client):
    fill(6)
    sign_tree_head()
    LogEntry.objects.filter(index__gte=4).delete()
    LogState.objects.update(size=4)
    response = client.get("/api/v1/log/tree-head")
    assert response.status_code == 500 and response.json()["code"] == "log_corrupted"
    _size, problems = verify_log()
    assert (6, "head_beyond") in [(p.position, p.code) for p in problems]
