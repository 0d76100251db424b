"""Enhanced (CAdES) signatures end to end with keys made here and certificates from the platform
CA, and every way a signature is refused with nothing stored."""

import json

import pytest

from innocluster.core.errors import ValidationFailed
from innocluster.documents import storage
from innocluster.documents.check import check_documents
from innocluster.documents.models import Signature
from innocluster.documents.services import StepSpec, add_version, send_for_signature
from innocluster.documents.signing import (
    complete_browser_signature,
    prepare_browser_signature,
    sign_enhanced,
)
from innocluster.ledger.models import LogEntry
from innocluster.pki import ca
from innocluster.pki.cms import timestamp_tokens
from innocluster.pki.verify import verify_cms

from .factories import draft, org_with_signatory, person, sent
from .pki_helpers import expired_signer, platform_signer, untrusted_signer

pytestmark = pytest.mark.django_db


def content_of(document):
    return storage.get(document.current_version.sha256)


def counts():
    return Signature.objects.count(), LogEntry.objects.count()


def refused(document, user, cms_der, version_sha256=None, field="signature"):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        sign_enhanced(
            document,
            user,
            cms_der,
            version_sha256=version_sha256 or document.current_version.sha256,
        )
    assert counts() == before
    assert caught.value.errors[0].field == field
    document.refresh_from_db()
    assert document.status == "sent"
    return caught.value


def test_an_enhanced_signature_is_verified_timestamped_stored_and_logged():
    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    signature = sign_enhanced(
        document,
        user,
        signer.sign(content_of(document)),
        version_sha256=document.current_version.sha256,
    )
    assert signature.created and signature.kind == "enhanced"
    assert signature.report["valid"] is True
    assert signature.certificate_serial == signer.row.serial_hex
    stored = bytes(signature.cms_der)
    assert len(timestamp_tokens(stored)) == 1  # CAdES-T: the platform added a timestamp
    report = verify_cms(content_of(document), stored)
    assert report.valid and report.timestamp is not None
    document.refresh_from_db()
    assert document.status == "signed"
    entry = json.loads(bytes(LogEntry.objects.get(index=signature.ledger_index).leaf_input))
    assert entry["kind"] == "document.signature"
    assert entry["version_sha256"] == document.current_version.sha256
    assert check_documents(document.pk)[1] == []


def test_a_retried_upload_stores_one_signature_and_one_log_entry():
    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    other_org, _ = org_with_signatory()
    document = sent([(org, 1), (other_org, 2)])
    cms_der = signer.sign(content_of(document))
    sha = document.current_version.sha256
    first = sign_enhanced(document, user, cms_der, version_sha256=sha)
    before = counts()
    again = sign_enhanced(document, user, cms_der, version_sha256=sha)
    assert again.pk == first.pk and again.created is False
    assert counts() == before


def test_a_signature_over_other_content_is_refused():
    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    error = refused(document, user, signer.sign(b"other bytes"))
    assert error.code == "signature_rejected"


def test_a_revoked_certificate_is_refused():
    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    ca.revoke_certificate(signer.row.serial_hex, reason="key_compromise")
    document = sent([(org, 1)])
    refused(document, user, signer.sign(content_of(document)))


def test_an_expired_certificate_is_refused():
    org, user = org_with_signatory()
    document = sent([(org, 1)])
    refused(document, user, expired_signer(user).sign(content_of(document)))


def test_a_certificate_from_an_untrusted_ca_is_refused():
    org, user = org_with_signatory()
    document = sent([(org, 1)])
    refused(document, user, untrusted_signer(user).sign(content_of(document)))


def test_someone_elses_certificate_is_refused():
    org, user = org_with_signatory()
    colleague = person(org)
    document = sent([(org, 1)])
    error = refused(document, user, platform_signer(colleague, org).sign(content_of(document)))
    assert error.errors[0].code == "certificate_not_yours"


@pytest.mark.parametrize("garbage", [b"not a cms", b"\x30\x03\x02\x01\x01", b"\x00" * 100])
def test_a_malformed_cms_is_refused(garbage):
    org, user = org_with_signatory()
    document = sent([(org, 1)])
    refused(document, user, garbage)


def test_an_oversized_signature_is_refused(settings):
    org, user = org_with_signatory()
    document = sent([(org, 1)])
    settings.DOCUMENT_MAX_BYTES = 100
    refused(document, user, b"\x30" * 101)


def test_only_the_current_version_may_be_signed():
    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = draft()
    editor = person(document.sender, "editor")
    old = document.current_version
    add_version(document, {"text": "v2"}, "application/json", editor)
    send_for_signature(document, [StepSpec(org)], editor)
    document.refresh_from_db()
    error = refused(
        document, user, signer.sign(storage.get(old.sha256)), old.sha256, field="version_sha256"
    )
    assert error.errors[0].code == "version_not_current"
    refused(document, user, signer.sign(content_of(document)), "ab" * 32, field="version_sha256")


def test_browser_flow_prepares_attributes_and_completes_with_a_raw_webcrypto_signature():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    prepared = prepare_browser_signature(document, user, signer.row.serial_hex)
    der = signer.key.sign(bytes(prepared.signed_attributes), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # what WebCrypto returns
    signature = complete_browser_signature(prepared.pk, user, raw)
    assert signature.kind == "enhanced" and signature.report["valid"]
    document.refresh_from_db()
    assert document.status == "signed"


def test_browser_flow_refuses_a_wrong_signature_and_anothers_preparation():
    from innocluster.core.errors import NotFound

    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    prepared = prepare_browser_signature(document, user, signer.row.serial_hex)
    before = counts()
    with pytest.raises(ValidationFailed):
        complete_browser_signature(prepared.pk, user, b"\x01" * 64)
    with pytest.raises(NotFound):
        complete_browser_signature(prepared.pk, person(org), b"\x01" * 64)
    assert counts() == before
    with pytest.raises(ValidationFailed) as caught:
        prepare_browser_signature(document, user, "abcdef")
    assert caught.value.errors[0].field == "certificate_serial"


def test_a_signature_already_timestamped_by_the_signer_keeps_its_one_timestamp():
    from innocluster.pki.cms import sign_detached

    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    cms_der = sign_detached(content_of(document), signer.key, signer.certificate, timestamp=True)
    signature = sign_enhanced(
        document, user, cms_der, version_sha256=document.current_version.sha256
    )
    assert bytes(signature.cms_der) == cms_der
    assert len(timestamp_tokens(bytes(signature.cms_der))) == 1


def test_an_expired_browser_preparation_is_refused():
    import datetime as dt

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.utils import timezone

    from innocluster.documents.models import PreparedSignature

    org, user = org_with_signatory()
    signer = platform_signer(user, org)
    document = sent([(org, 1)])
    prepared = prepare_browser_signature(document, user, signer.row.serial_hex)
    PreparedSignature.objects.filter(pk=prepared.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    der = signer.key.sign(bytes(prepared.signed_attributes), ec.ECDSA(hashes.SHA256()))
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        complete_browser_signature(prepared.pk, user, der)
    assert caught.value.errors[0].code == "expired"
    assert counts() == before
