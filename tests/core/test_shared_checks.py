"""The checks the services share: who the Fund's staff are, free text, uploaded files."""

from __future__ import annotations

import pytest

from innocluster.core.notifications import fund_staff
from innocluster.core.text import clean_text
from innocluster.documents import storage
from tests.accounts.factories import AdministratorFactory, FundOperatorFactory, UserFactory


@pytest.mark.django_db
def test_fund_staff_are_active_operators_and_administrators_only_when_asked():
    operator = FundOperatorFactory()
    FundOperatorFactory(is_active=False)
    admin = AdministratorFactory()
    UserFactory()
    assert fund_staff() == [operator]
    assert set(fund_staff(administrators=True)) == {operator, admin}


@pytest.mark.parametrize(
    ("value", "kwargs", "expected", "codes"),
    [
        ("  Текст  ", {}, "Текст", []),
        (None, {"required": True}, "", ["required"]),
        (5, {}, "", ["type"]),
        ("abcd", {"max_length": 3}, "abcd", ["too_long"]),
        ("a\x00b", {}, "a\x00b", ["invalid"]),
        ("две\nстроки", {}, "две\nстроки", []),
        ("две\nстроки", {"multiline": False}, "две\nстроки", ["invalid"]),
    ],
)
def test_clean_text(value, kwargs, expected, codes):
    errors = []
    kwargs = {"max_length": 100, **kwargs}
    assert clean_text(errors, "field", value, **kwargs) == expected
    assert [e.code for e in errors] == codes
    assert all(e.field == "field" for e in errors)


@pytest.mark.parametrize(
    ("filename", "content", "codes"),
    [
        (" отчёт.pdf ", b"%PDF", []),
        ("../etc/passwd", b"x", [("filename", "invalid")]),
        ("..", b"x", [("filename", "invalid")]),
        ("a" * 256, b"x", [("filename", "invalid")]),
        ("a.pdf", b"", [("content", "required")]),
        (None, "not bytes", [("filename", "invalid"), ("content", "required")]),
    ],
)
def test_check_upload(filename, content, codes):
    errors = []
    name = storage.check_upload(errors, filename, content)
    assert [(e.field, e.code) for e in errors] == codes
    if not codes:
        assert name == filename.strip()


def test_an_upload_over_the_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 3
    errors = []
    storage.check_upload(errors, "a.txt", b"abcd")
    assert [(e.field, e.code) for e in errors] == [("content", "too_large")]


def test_a_stored_upload_keeps_what_its_row_needs(settings, tmp_path):
    settings.DOCUMENT_STORE_DIR = str(tmp_path)
    fields = storage.store_upload("отчёт.pdf", b"%PDF-1.7 body", actor=None)
    assert fields["filename"] == "отчёт.pdf"
    assert fields["media_type"] == "application/pdf"
    assert fields["size"] == len(b"%PDF-1.7 body")
    assert fields["uploaded_by"] is None
    assert storage.get(fields["sha256"]) == b"%PDF-1.7 body"
