"""Helpers for the portal's page tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def en_client() -> Client:
    """A separate client that reads the portal in English (the language switch's cookie)."""
    english = Client()
    english.cookies["ic_lang"] = "en"
    return english


@pytest.fixture
def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_statistics_cache():
    """The home and statistics pages cache the registry's numbers for a minute."""
    from django.core.cache import cache

    cache.clear()
