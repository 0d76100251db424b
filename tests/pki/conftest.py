"""Keys, certificates and the real openssl binary for the PKI tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

OPENSSL = shutil.which("openssl")


def need(binary: str) -> str:
    found = shutil.which(binary)
    if found is None:
        pytest.skip(f"SKIPPED LOUDLY: the '{binary}' binary is not installed on this machine")
    return found


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, check=False, **kwargs)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def csr_for(key, cn: str = "Anyone") -> x509.CertificateSigningRequest:
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .sign(key, hashes.SHA256())
    )


class Signer:
    """A person with a P-256 key and a certificate from the platform CA."""

    def __init__(self, key, certificate, row=None):
        self.key = key
        self.certificate = certificate
        self.row = row


@pytest.fixture
def signer(db, user):
    from innocluster.pki import ca

    key = ec.generate_private_key(ec.SECP256R1())
    row = ca.issue_certificate(csr_for(key), subject=ca.subject_for(user), user=user)
    return Signer(key, row.certificate, row)


@pytest.fixture
def ca_file(db, tmp_path) -> Path:
    from innocluster.pki import ca

    path = tmp_path / "ca.pem"
    path.write_bytes(ca.ca_pem())
    return path


@pytest.fixture(autouse=True)
def _cyrillic_names_are_fine():
    """The Fund's 38-character Russian name is over 64 UTF-8 bytes, which X.520 allows (it counts
    characters); cryptography's warning about it is noise here, as in production."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Attribute's length must be", category=UserWarning
        )
        yield
