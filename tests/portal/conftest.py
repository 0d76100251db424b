"""Helpers for the portal's page tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def en_client(client: Client) -> Client:
    """A client that reads the portal in English (the language switch's cookie)."""
    client.cookies["ic_lang"] = "en"
    return client


@pytest.fixture
def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client
