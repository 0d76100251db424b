"""Real keys and certificates for signing tests: the platform CA issues, nothing is mocked."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Signer:
    """A person with a P-256 key and a certificate."""

    def __init__(self, user, key, certificate, row=None):
        self.user, self.key, self.certificate, self.row = user, key, certificate, row

    def sign(self, content: bytes) -> bytes:
        """A detached CAdES-BES over ``content``, as the `innocluster sign` CLI makes it."""
        from innocluster.pki.cms import sign_detached

        return sign_detached(content, self.key, self.certificate, timestamp=False)


def csr_for(key) -> x509.CertificateSigningRequest:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
    return x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())


def platform_signer(user, organisation=None) -> Signer:
    """A certificate the platform CA issues to ``user``."""
    from innocluster.pki import ca

    key = ec.generate_private_key(ec.SECP256R1())
    row = ca.issue_certificate(
        csr_for(key),
        subject=ca.subject_for(user, organisation),
        user=user,
        organisation=organisation,
    )
    return Signer(user, key, row.certificate, row)


def expired_signer(user) -> Signer:
    """A certificate from the platform CA's own key whose validity ended yesterday."""
    from innocluster.pki import ca

    ca_cert = ca.ca_certificate()
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(ca.subject_for(user))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now - dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca._ca_key(), hashes.SHA256())
    )
    return Signer(user, key, certificate)


def untrusted_signer(user) -> Signer:
    """A certificate naming ``user``'s e-mail from a CA the platform does not trust."""
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Unknown CA")])
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "Signer"),
                    x509.NameAttribute(NameOID.EMAIL_ADDRESS, user.email),
                ]
            )
        )
        .issuer_name(other_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(other_key, hashes.SHA256())
    )
    return Signer(user, key, certificate)
