"""Content addressing, and `innocluster documents check` finding what disagrees."""

import hashlib
import io
import os

import pytest
from django.core.management import CommandError, call_command

from innocluster.core.errors import ValidationFailed
from innocluster.documents import storage
from innocluster.documents.models import Document
from innocluster.documents.signing import sign_simple
from tests.accounts.factories import PASSWORD

from .factories import draft, make_pdf, org_with_signatory, sent

pytestmark = pytest.mark.django_db


def run_check(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("documents", "check", *args, stdout=out, stderr=err)
    except CommandError as exc:  # the console script exits with code 1
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_same_bytes_same_address_and_one_file():
    data = make_pdf("one")
    first, second = storage.put(data), storage.put(data)
    assert first == second == hashlib.sha256(data).hexdigest()
    path = storage.path_for(first)
    assert path.parent.parent.name == first[:2] and path.parent.name == first[2:4]
    assert storage.get(first) == data
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp")]


def test_json_is_stored_canonical_so_key_order_does_not_change_the_hash():
    a = storage.prepare_content({"b": 1, "a": "я"}, "application/json")
    b = storage.prepare_content(b'{ "a" : "\\u044f", "b" : 1 }', "application/json")
    assert a == b == '{"a":"я","b":1}'.encode()
    assert draft(content={"b": 1, "a": "я"}).current_version.sha256 == hashlib.sha256(a).hexdigest()


def test_a_non_pdf_uploaded_as_pdf_and_oversized_content_are_refused(settings):
    with pytest.raises(ValidationFailed) as caught:
        draft(content=b"PK\x03\x04 a zip file", media_type="application/pdf")
    assert caught.value.errors[0].code == "not_a_pdf"
    settings.DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationFailed) as caught:
        draft(content={"text": "longer than ten bytes"})
    assert caught.value.errors[0].code == "too_large"
    assert Document.objects.count() == 0


def test_reading_changed_bytes_raises():
    digest = storage.put(b"original content")
    path = storage.path_for(digest)
    os.chmod(path, 0o644)
    path.write_bytes(b"0riginal content")
    with pytest.raises(storage.ContentCorrupted):
        storage.get(digest)


def test_check_passes_on_consistent_documents_and_finds_a_tampered_file():
    org, signer = org_with_signatory()
    document = sent([(org, 1)], content=make_pdf("tamper me"), media_type="application/pdf")
    sign_simple(document, signer, password=PASSWORD)
    code, out, _err = run_check()
    assert code == 0 and "1 documents checked" in out
    path = storage.path_for(document.current_version.sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[20] ^= 0x01
    path.write_bytes(bytes(data))
    code, _out, err = run_check("--document", str(document.pk))
    assert code == 1
    assert f"{document.registration_number} version 1" in err and "changed on disk" in err


def test_check_finds_a_status_the_log_does_not_record_and_a_missing_signature():
    org, signer = org_with_signatory()
    other, _ = org_with_signatory()
    document = sent([(org, 1), (other, 2)])
    signature = sign_simple(document, signer, password=PASSWORD)
    Document.objects.filter(pk=document.pk).update(status="signed")  # behind the services' back
    code, _out, err = run_check("--document", document.registration_number)
    assert code == 1
    assert "signed, but not every step is signed" in err
    assert "the log says partly_signed" in err
    Document.objects.filter(pk=document.pk).update(status="partly_signed")
    assert run_check()[0] == 0
    type(signature).objects.filter(pk=signature.pk).delete()
    code, _out, err = run_check()
    assert code == 1
    assert f"log entry #{signature.ledger_index}" in err and "missing" in err


def test_versions_and_signatures_cannot_be_rewritten_through_the_models():
    org, signer = org_with_signatory()
    document = sent([(org, 1)])
    version = document.current_version
    version.sha256 = "0" * 64
    with pytest.raises(ValueError):
        version.save()
    signature = sign_simple(document, signer, password=PASSWORD)
    signature.content_sha256 = "0" * 64
    with pytest.raises(ValueError):
        signature.save()


def test_check_finds_a_stored_cms_that_no_longer_matches_its_version():
    from innocluster.documents.models import Signature
    from innocluster.documents.signing import sign_enhanced

    from .pki_helpers import platform_signer

    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    data = storage.get(document.current_version.sha256)
    signature = sign_enhanced(
        document, user, signer.sign(data), version_sha256=document.current_version.sha256
    )
    assert run_check()[0] == 0
    Signature.objects.filter(pk=signature.pk).update(cms_der=signer.sign(b"other"))
    code, _out, err = run_check()
    assert code == 1
    assert f"signature {signature.pk}: no longer matches the bytes of version 1" in err
