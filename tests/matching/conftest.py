"""Fixtures of the matching tests."""

from __future__ import annotations

import pytest

from innocluster.matching import index_store


@pytest.fixture
def fresh_index(settings, tmp_path):
    """The matcher sees edits at once, keeps its snapshots in this test's own directory and
    starts from an empty process index, which it leaves empty again."""
    settings.MATCHING_POLL_SECONDS = 0
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    index_store.reset_for_tests()
    yield
    index_store.reset_for_tests()
