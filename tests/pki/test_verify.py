"""verify_cms: a report a person can act on, for good signatures and for each kind of bad one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import translation

from innocluster.pki import ca, cms
from innocluster.pki.verify import verify_cms

from .conftest import pem

pytestmark = pytest.mark.django_db
DOCUMENT = b"%Agreement on a joint project, version 3\n" * 20


def test_a_good_cades_t_signature_is_valid_with_the_timestamp_time(signer, user):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate)
    report = verify_cms(DOCUMENT, sig)
    assert report.valid, report.summary()
    assert report.kind == "cades-t"
    assert report.intact and report.trusted
    assert report.signing_time_source == "timestamp"
    assert report.timestamp.valid and "Time-Stamping" in report.timestamp.tsa
    assert report.timestamp.hash == hashlib.sha256(cms.signature_value(sig)).hexdigest()
    assert report.revocation.status == "good"
    assert report.revocation.source == "crl:platform"
    assert report.signer.email == user.email
    assert report.chain[-1].subject == ca.ca_certificate().subject.rfc4514_string()
    assert "ecdsa" in report.algorithm.lower() and "P-256" in report.algorithm
    data = report.to_dict()
    json.dumps(data)  # JSON-safe
    assert data["signing_time"].endswith("+00:00")
    assert user.email in report.summary() or (user.full_name and user.full_name in report.summary())


def test_a_cades_bes_signature_uses_the_claimed_time():
    key = ec.generate_private_key(ec.SECP256R1())
    from .conftest import csr_for

    row = ca.issue_certificate(
        csr_for(key), subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Claimer")])
    )
    sig = cms.sign_detached(DOCUMENT, key, row.certificate, timestamp=False)
    report = verify_cms(DOCUMENT, sig)
    assert report.valid and report.kind == "cades-bes"
    assert report.signing_time_source == "claimed" and report.timestamp is None


def test_a_signature_over_other_content_is_content_mismatch(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    report = verify_cms(DOCUMENT + b" ", sig)
    assert not report.valid and not report.intact
    assert report.codes == ["content_mismatch"]


def test_a_tampered_signature_value_is_bad_signature(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    info = asn1_cms.ContentInfo.load(sig)
    si = info["content"]["signer_infos"][0]
    value = bytearray(si["signature"].native)
    value[-3] ^= 0x55
    si["signature"] = bytes(value)
    report = verify_cms(DOCUMENT, info.dump())
    assert "bad_signature" in report.codes and not report.valid


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01", b"hello world", b"\x30" * 100])
def test_malformed_input_gives_a_report_not_an_exception(garbage):
    report = verify_cms(DOCUMENT, garbage)
    assert not report.valid and report.codes == ["malformed"]
    assert report.reasons[0].message


def test_an_expired_certificate_is_refused(db):
    key = ec.generate_private_key(ec.SECP256R1())
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    cert = ca.build_certificate(
        key.public_key(),
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old")]),
        days=10,
        not_before=long_ago,
    )
    sig = cms.sign_detached(DOCUMENT, key, cert, timestamp=True)
    report = verify_cms(DOCUMENT, sig)
    assert not report.valid
    assert "expired" in report.codes
    assert report.intact


def test_a_revoked_certificate_is_refused_and_the_crl_lists_it(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    assert verify_cms(DOCUMENT, sig).valid
    ca.revoke_certificate(signer.row.serial_hex, reason="key_compromise")
    assert ca.crl().get_revoked_certificate_by_serial_number(signer.certificate.serial_number)
    report = verify_cms(DOCUMENT, sig)
    assert not report.valid and "revoked" in report.codes
    assert report.revocation.status == "revoked" and report.revocation.revoked_at


def test_a_signature_timestamped_before_revocation_stays_valid(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=True)
    import time

    time.sleep(1.1)  # the revocation must be later than the timestamp's second
    ca.revoke_certificate(signer.row.serial_hex, reason="superseded")
    report = verify_cms(DOCUMENT, sig)
    assert report.valid, report.summary()
    assert [w.code for w in report.warnings] == ["revoked_later"]


def foreign_ca_and_person(ca_name: str, person_name: str, serial: int):
    """A CA outside the platform (self-signed) and a person's key and certificate it issued."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    now = dt.datetime.now(dt.UTC)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ca_key.public_key())
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, person_name)]))
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial + 1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca_cert, key, cert


def test_a_certificate_from_an_untrusted_ca_is_refused(db):
    other_key, other_ca, key, cert = foreign_ca_and_person("Elsewhere CA", "Mallory", 99)
    sig = cms.sign_detached(DOCUMENT, key, cert, [other_ca], timestamp=False)
    report = verify_cms(DOCUMENT, sig)
    assert not report.valid and "untrusted" in report.codes
    assert report.intact and not report.trusted


def test_an_external_anchor_from_settings_is_trusted_with_unknown_revocation(settings, tmp_path):
    other_key, other_ca, key, cert = foreign_ca_and_person("Partner CA", "Partner person", 5)
    anchor = tmp_path / "partner.pem"
    anchor.write_bytes(pem(other_ca))
    settings.TRUST_ANCHOR_FILES = [str(anchor)]
    sig = cms.sign_detached(DOCUMENT, key, cert, timestamp=False)
    report = verify_cms(DOCUMENT, sig)
    assert report.valid, report.summary()
    assert report.revocation.status == "unknown" and report.revocation.reason
    assert [w.code for w in report.warnings] == ["revocation_unknown"]

    # With a CRL file next to the anchor that lists the certificate, it is revoked.
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(other_ca.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + dt.timedelta(days=1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
        .sign(other_key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "partner.crl").write_bytes(crl.public_bytes(Encoding.PEM))
    report = verify_cms(DOCUMENT, sig)
    assert not report.valid and "revoked" in report.codes


def test_a_key_without_signature_usage_is_refused(db):
    key = ec.generate_private_key(ec.SECP256R1())
    root = ca.ca_certificate()
    from innocluster.pki.ca import _ca_key

    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Encipher only")]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(12345)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(False, False, True, False, False, False, False, False, False),
            critical=True,
        )
        .sign(_ca_key(), hashes.SHA256())
    )
    report = verify_cms(DOCUMENT, cms.sign_detached(DOCUMENT, key, cert, timestamp=False))
    assert "key_usage" in report.codes and not report.valid


def test_a_timestamp_over_another_signature_is_refused(signer):
    a = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=True)
    b = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    token = asn1_cms.ContentInfo.load(cms.timestamp_tokens(a)[0])
    info = asn1_cms.ContentInfo.load(b)
    si = info["content"]["signer_infos"][0]
    si["unsigned_attrs"] = asn1_cms.CMSAttributes(
        [asn1_cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    report = verify_cms(DOCUMENT, info.dump())
    assert "timestamp_invalid" in report.codes and not report.valid
    assert report.signing_time_source == "claimed"


def test_messages_follow_the_active_language(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    with translation.override("en"):
        english = verify_cms(b"x", sig).reasons[0].message
    assert "digest" in english


def test_reasons_are_in_russian_by_default(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    with translation.override("ru"):
        report = verify_cms(b"other", sig)
    assert report.reasons[0].message == "Документ отличается от подписанного: хеш не совпадает."


def test_a_signature_over_the_size_limit_is_refused_unread(settings, signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    settings.DOCUMENT_MAX_BYTES = len(sig) - 1
    report = verify_cms(DOCUMENT, sig)
    assert report.codes == ["too_large"] and not report.valid


def test_a_remembered_path_does_not_outlive_the_certificate(signer):
    """The second signature by the same certificate claims a time after the certificate's end:
    a path remembered from the first must not make it valid."""
    first = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    assert verify_cms(DOCUMENT, first).valid
    late = signer.certificate.not_valid_after_utc + dt.timedelta(days=2)
    attrs = cms.signed_attributes_for(DOCUMENT, signer.certificate, signing_time=late)
    later = cms.assemble_cms(
        attrs, signer.key.sign(attrs, ec.ECDSA(hashes.SHA256())), signer.certificate
    )
    report = verify_cms(DOCUMENT, later, at=late)
    assert "expired" in report.codes and not report.valid
    early = signer.certificate.not_valid_before_utc - dt.timedelta(days=2)
    attrs = cms.signed_attributes_for(DOCUMENT, signer.certificate, signing_time=early)
    earlier = cms.assemble_cms(
        attrs, signer.key.sign(attrs, ec.ECDSA(hashes.SHA256())), signer.certificate
    )
    assert "not_yet_valid" in verify_cms(DOCUMENT, earlier).codes
    assert verify_cms(DOCUMENT, first).valid
