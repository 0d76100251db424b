"""Fixtures shared by the whole suite: reference data in every test database, users of each role."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the reference vocabularies, as `make install` loads them."""
    from innocluster.registry.reference import load_all

    with django_db_blocker.unblock():
        load_all()


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
