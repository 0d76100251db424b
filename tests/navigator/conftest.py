"""Fixtures of the navigator's tests: the shipped reference catalogue in the test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def reference_catalogue(db):
    """The reference catalogue shipped with the navigator (data/measures.yaml), loaded into the
    test database as `make install` loads it; returns the import report."""
    from innocluster.navigator.catalogue import load_reference_catalogue

    report = load_reference_catalogue()
    assert report.ok, [str(p) for p in report.errors]
    return report
