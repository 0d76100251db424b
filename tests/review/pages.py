"""Requests to the review pages as a signed-in person (the board's and operators' page tests)."""

from __future__ import annotations

from django.utils import translation


def get(client, user, path):
    """``path`` as ``user`` sees it, in English."""
    client.force_login(user)
    with translation.override("en"):
        return client.get(path)


def post(client, user, path, data=None):
    """``data`` posted to ``path`` as ``user``."""
    client.force_login(user)
    return client.post(path, data or {})
