"""Fixtures shared by the whole suite: reference data in every test database, users of each role."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the reference vocabularies, as `make install` loads them."""
    from innocluster.registry.reference import load_all

    with django_db_blocker.unblock():
        load_all()


DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live_server, browser) flush every table after them; put the reference
    vocabularies back for whichever database test comes next."""
    if not (
        DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from innocluster.registry.models import PriorityArea
    from innocluster.registry.reference import load_all

    if not PriorityArea.objects.exists():
        load_all()


def tmp_document_store():
    """Each test process keeps document content in its own temporary directory."""
    import tempfile
    from pathlib import Path

    global _DOCUMENT_STORE
    if _DOCUMENT_STORE is None:
        _DOCUMENT_STORE = Path(tempfile.mkdtemp(prefix="innocluster-docs-"))
    return _DOCUMENT_STORE


_DOCUMENT_STORE = None

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    """Background tasks run inline (tests of the worker itself switch the database backend back
    on), and passwords hash fast: the suite creates thousands of users."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions cached in this process's memory, not in files under var/ (the database behind).
    settings.SESSION_CACHE_ALIAS = "default"
    caches["pages"].clear()  # no test sees a page another test rendered
    # Keys decrypted by an earlier test may belong to rows its rollback removed.
    from innocluster.pki.keystore import forget_cached_keys

    forget_cached_keys()
    settings.DOCUMENT_STORE_DIR = tmp_document_store()
    # The matching index: edits seen at once, snapshots kept out of var/, and no index built from
    # an earlier test's rolled-back rows.
    from innocluster.matching import index_store

    settings.MATCHING_POLL_SECONDS = 0
    settings.MATCHING_INDEX_DIR = tmp_document_store() / "matching"
    index_store.reset_for_tests()


@pytest.fixture
def user(db):
    """A member user with a confirmed e-mail."""
    return UserFactory()


@pytest.fixture
def operator(db):
    return UserFactory(platform_role="fund_operator")


@pytest.fixture
def member_org(db):
    return MemberOrganisationFactory()
