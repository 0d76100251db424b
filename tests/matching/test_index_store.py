"""The process's matching index (matching.index_store): built from MatchDocument, kept current
from its changes, saved and loaded as a snapshot."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from innocluster.matching import index_store
from innocluster.matching.engine import MatchIndex, MatchQuery
from innocluster.matching.models import MatchDocument
from innocluster.matching.text import analyse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]

KINDS = frozenset({"organisation", "product", "technology", "challenge"})


def document(title: str, text: str = "", **fields) -> MatchDocument:
    fields.setdefault("kind", "product")
    fields.setdefault("object_id", uuid.uuid4())
    fields.setdefault("owner_id", uuid.uuid4())
    return MatchDocument.objects.create(
        title=title, public_text=text, terms=" ".join(analyse(f"{title} {text}")), **fields
    )


def found(text: str, **fields) -> list[str]:
    query = MatchQuery(text=text, kinds=fields.pop("kinds", KINDS), **fields)
    return [match.title for match in index_store.get_index().search(query)]


def test_the_index_is_built_from_the_documents_and_follows_their_changes():
    pump = document("Насос высокого давления", "для скважин", areas="energy", trl=7)
    document("Удалённый насос", "насос", removed=True)

    assert found("насос") == ["Насос высокого давления"]

    valve = document("Клапан", "запорный клапан для насосов и магистральных трубопроводов")
    assert found("насос") == ["Насос высокого давления", "Клапан"]

    pump.terms = " ".join(analyse("Буровая установка"))
    pump.title = "Буровая установка"
    pump.save()
    assert found("насос") == ["Клапан"]
    assert found("буровая") == ["Буровая установка"]

    valve.removed = True
    valve.save()
    assert found("насос") == []
    assert len(index_store.get_index()) == 1


def test_the_same_index_serves_every_call_until_reset():
    document("Насос", "насос")
    first = index_store.get_index()

    assert index_store.get_index() is first
    index_store.reset_for_tests()
    assert index_store.get_index() is not first


def test_changes_wait_for_the_poll_interval(settings):
    document("Насос", "насос")
    index_store.get_index()
    settings.MATCHING_POLL_SECONDS = 3600

    document("Клапан", "клапан насоса")
    assert found("насос") == ["Насос"]
    assert found("насос", kinds=KINDS) == ["Насос"]
    # A caller that needs it now can ask for it.
    index_store.get_index(poll_seconds=0)
    assert set(found("насос")) == {"Насос", "Клапан"}


def test_a_row_saved_just_before_the_latest_seen_is_still_picked_up():
    """changed_at is set when a row is saved, not when it commits: a row stamped a little
    earlier than one already seen may appear later, and must not be missed."""
    document("Насос", "насос")
    index_store.get_index()
    late = document("Поздний насос", "насос")
    MatchDocument.objects.filter(pk=late.pk).update(
        changed_at=timezone.now() - timedelta(seconds=2)
    )

    assert set(found("насос")) == {"Насос", "Поздний насос"}


def test_rebuild_writes_a_snapshot_that_the_next_process_loads(settings, monkeypatch):
    document("Насос", "насос", audience="members")
    document("Клапан", "клапан")
    index_store.rebuild_index()
    assert index_store.snapshot_path().exists()
    index_store.reset_for_tests()
    document("Новый насос", "насос")  # changed after the snapshot

    def no_build():
        raise AssertionError("built from the database although the snapshot was usable")

    monkeypatch.setattr(index_store, "_build_from_database", no_build)
    assert set(found("насос", audiences=frozenset({"public", "members"}))) == {
        "Насос",
        "Новый насос",
    }
    assert len(index_store.get_index()) == 3


def test_a_stale_snapshot_is_not_used(settings):
    kept = document("Насос", "насос")
    gone = document("Клапан", "клапан насоса")
    index_store.rebuild_index()
    index_store.reset_for_tests()
    gone.delete()  # deleted outright: no change the index could follow

    assert found("насос") == ["Насос"]
    assert (
        index_store.get_index().search(
            MatchQuery(text="насос", kinds=KINDS, exclude_owner=str(kept.owner_id))
        )
        == []
    )


def test_a_snapshot_of_another_database_or_a_broken_one_is_not_used(settings):
    document("Насос", "насос")
    other = MatchIndex.build([])
    path = index_store.snapshot_path()
    other.save(
        path, extra={"database": "sqlite:/elsewhere", "last_seen": timezone.now().isoformat()}
    )

    assert found("насос") == ["Насос"]

    index_store.reset_for_tests()
    path.write_bytes(b"not a snapshot")
    assert found("насос") == ["Насос"]


def test_an_empty_database_gives_an_empty_index_that_fills_up():
    assert found("насос") == []
    assert len(index_store.get_index()) == 0

    document("Насос", "насос")
    assert found("насос") == ["Насос"]


def test_row_from_document_carries_every_field():
    active = timezone.now()
    doc = document(
        "Насос",
        "насос",
        kind="technology",
        audience="members",
        areas="energy ict",
        okved="28.13 62.01",
        region="RU-MOW",
        org_kind="university",
        trl=5,
        status="published",
        active_at=active,
    )

    row = index_store.row_from_document(doc)

    assert row.doc_id == doc.id
    assert (row.kind, row.object_id, row.owner_id) == (
        "technology",
        str(doc.object_id),
        str(doc.owner_id),
    )
    assert (row.audience, row.title, row.terms) == ("members", "Насос", doc.terms)
    assert (row.areas, row.okved, row.region, row.org_kind) == (
        "energy ict",
        "28.13 62.01",
        "RU-MOW",
        "university",
    )
    assert (row.trl, row.status, row.active_at, row.removed) == (5, "published", active, False)


def test_a_snapshot_with_much_changed_since_is_built_anew(monkeypatch):
    document("Насос", "насос")
    index_store.rebuild_index()
    index_store.reset_for_tests()
    document("Клапан", "клапан насоса")
    document("Датчик", "датчик насоса")
    monkeypatch.setattr(index_store, "CHUNK", 1)
    built = []
    build = index_store._build_from_database
    monkeypatch.setattr(index_store, "_build_from_database", lambda: built.append(1) or build())

    assert set(found("насос")) == {"Насос", "Клапан", "Датчик"}
    assert built == [1]
