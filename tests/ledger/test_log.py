"""The stored log: appends in order, proofs against recorded heads, tampering found by `log verify`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from innocluster.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from innocluster.ledger.models import LogEntry
from innocluster.ledger.services import (
    append_entry,
    canonical_json,
    current_tree,
    record_tree_head,
    verify_log,
)

pytestmark = pytest.mark.django_db


def fill(n, start=0):
    return [
        append_entry(
            "document.version",
            {"sha256": f"{i:064x}"},
            object_type="documents.version",
            object_id=str(i),
        )
        for i in range(start, start + n)
    ]


def test_entries_are_numbered_without_gaps_and_hash_their_canonical_bytes():
    entries = fill(5)
    assert [e.index for e in entries] == [0, 1, 2, 3, 4]
    assert bytes(entries[2].leaf_input) == canonical_json(
        {"kind": "document.version", "sha256": f"{2:064x}"}
    )
    assert bytes(entries[2].leaf_hash) == leaf_hash(bytes(entries[2].leaf_input))


def test_a_kept_tree_head_proves_the_log_was_only_appended_to():
    fill(7)
    old_head = record_tree_head()
    fill(12, start=7)
    new_head = record_tree_head()
    tree = current_tree()
    proof = tree.consistency_proof(old_head.tree_size, new_head.tree_size)
    assert verify_consistency(7, 19, bytes(old_head.root_hash), bytes(new_head.root_hash), proof)
    entry = LogEntry.objects.get(index=3)
    inclusion = tree.inclusion_proof(3, 19)
    assert verify_inclusion(bytes(entry.leaf_hash), 3, 19, inclusion, bytes(new_head.root_hash))


def test_log_verify_passes_on_an_honest_log(capsys):
    fill(10)
    record_tree_head()
    call_command("log", "verify")
    assert "10 entries verifies" in capsys.readouterr().out


def test_an_entry_edited_behind_the_applications_back_is_reported_with_its_position():
    fill(10)
    record_tree_head()
    with connection.cursor() as cursor:  # what a database administrator could do
        cursor.execute(
            'UPDATE ledger_logentry SET leaf_input = %s WHERE "index" = 6',
            [canonical_json({"kind": "forged"})],
        )
    size, problems = verify_log()
    assert size == 10
    assert [p.position for p in problems] == [6, 10]  # the entry, and the tree head it belongs to
    with pytest.raises(CommandError):
        call_command("log", "verify")


def test_a_rewritten_leaf_hash_breaks_the_recorded_tree_head():
    fill(8)
    record_tree_head()
    forged = canonical_json({"kind": "forged"})
    with connection.cursor() as cursor:  # bytes and hash changed together: consistent on their own
        cursor.execute(
            'UPDATE ledger_logentry SET leaf_input = %s, leaf_hash = %s WHERE "index" = 2',
            [forged, leaf_hash(forged)],
        )
    _size, problems = verify_log()
    # The stored node over entries 2-3 was computed from the original: it narrows the forgery
    # down to those two entries (once, not once per level above them); the head's root breaks.
    assert [(p.position, p.code) for p in problems] == [(2, "node_changed"), (8, "head_root")]
    assert "2–3" in problems[0].message and problems[1].code == "head_root"


def test_a_deleted_entry_is_reported():
    fill(5)
    LogEntry.objects.filter(index=1).delete()
    _size, problems = verify_log()
    assert problems[0].position == 1
