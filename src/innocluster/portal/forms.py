"""Form helpers the portal's pages share: showing a service's DomainError next to the field."""

from __future__ import annotations

from django import forms

from innocluster.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, field_map: dict | None = None) -> None:
    """Put each FieldError of ``exc`` on the named form field (or the form as a whole).

    ``field_map`` renames service fields to form fields where they differ.
    """
    field_map = field_map or {}
    placed = False
    for error in exc.errors:
        name = field_map.get(error.field, error.field)
        if name in form.fields:
            if error.message not in form.errors.get(name, []):
                form.add_error(name, error.message)
            placed = True
        else:
            form.add_error(None, f"{error.field}: {error.message}")
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def place_errors(form, exc: DomainError, field_map: dict | None = None) -> None:
    """Each of the service's field errors at its form field (renamed by ``field_map``), the
    rest (and a refusal without fields) at the top of the form."""
    field_map = field_map or {}
    for error in exc.errors:
        name = field_map.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


def client_ip(request) -> str | None:
    """The client's address as the server saw it (a proxy's header is not trusted here)."""
    return request.META.get("REMOTE_ADDR") or None
