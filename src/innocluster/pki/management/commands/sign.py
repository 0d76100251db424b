"""``innocluster sign``: sign a document on this machine; the private key stays here.

    innocluster sign FILE (--key KEY.pem --cert CERT.pem [--chain CHAIN.pem] | --pkcs12 F.p12)
                     [--password-env VAR] --out SIG.p7s
    innocluster sign --document UUID --url BASE --token TOKEN (--key/--cert | --pkcs12)
    innocluster sign --keygen --out-key KEY.pem --out-csr CSR.pem [--password-env VAR]

The first form writes a detached CAdES-BES signature (DER) that ``openssl cms -verify`` reads;
the server adds the timestamp (CAdES-T) when the signature is uploaded. The second downloads a
document's exact bytes from the platform, checks them against ``X-Content-SHA256``, signs and
uploads, printing the server's verification report. The third makes an ECDSA P-256 key and a CSR
to send to ``POST /api/v1/certificates``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management.base import BaseCommand, CommandError

from innocluster.pki.cms import sign_detached

MAX_DOWNLOAD = 512 * 1024 * 1024


class Command(BaseCommand):
    help = "Sign a file (detached CMS), sign and upload a platform document, or make a key and CSR."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the file to sign")
        parser.add_argument("--key", help="PEM private key")
        parser.add_argument("--cert", help="PEM certificate")
        parser.add_argument("--chain", help="PEM file of intermediate certificates to embed")
        parser.add_argument("--pkcs12", help="PKCS#12 file with key and certificate")
        parser.add_argument(
            "--password-env", help="name of the environment variable holding the key's password"
        )
        parser.add_argument("--out", help="where to write the signature (DER .p7s)")
        parser.add_argument("--document", help="platform document id (upload mode)")
        parser.add_argument("--url", help="platform base URL, e.g. https://cluster.example")
        parser.add_argument("--token", help="API token (upload mode)")
        parser.add_argument("--keygen", action="store_true", help="make a P-256 key and a CSR")
        parser.add_argument("--out-key", help="--keygen: where to write the private key")
        parser.add_argument("--out-csr", help="--keygen: where to write the CSR")
        parser.add_argument("--common-name", default="", help="--keygen: CN (the CA replaces it)")

    def handle(self, *args, **options):
        if options["keygen"]:
            return self.keygen(options)
        if options["document"]:
            return self.upload(options)
        if not options["file"] or not options["out"]:
            raise CommandError("Give FILE and --out (or --document/--url/--token, or --keygen).")
        key, cert, chain = self.credentials(options)
        try:
            content = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from None
        signature = sign_detached(content, key, cert, chain, timestamp=False)
        Path(options["out"]).write_bytes(signature)
        self.stdout.write(
            f"Signed {options['file']} (SHA-256 {hashlib.sha256(content).hexdigest()}) "
            f"as {cert.subject.rfc4514_string()} -> {options['out']}"
        )

    def password(self, options) -> bytes | None:
        name = options.get("password_env")
        if not name:
            return None
        value = os.environ.get(name)
        if value is None:
            raise CommandError(f"The environment variable {name} is not set.")
        return value.encode()

    def credentials(self, options):
        password = self.password(options)
        try:
            if options["pkcs12"]:
                key, cert, extra = pkcs12.load_key_and_certificates(
                    Path(options["pkcs12"]).read_bytes(), password
                )
                if key is None or cert is None:
                    raise CommandError("The PKCS#12 file holds no key or no certificate.")
                return key, cert, list(extra or [])
            if not options["key"] or not options["cert"]:
                raise CommandError("Give --key and --cert, or --pkcs12.")
            key = serialization.load_pem_private_key(Path(options["key"]).read_bytes(), password)
            cert = x509.load_pem_x509_certificate(Path(options["cert"]).read_bytes())
            chain = []
            if options["chain"]:
                chain = x509.load_pem_x509_certificates(Path(options["chain"]).read_bytes())
        except (OSError, ValueError, TypeError) as exc:
            # The message names the file and the problem, never key material.
            raise CommandError(
                f"Cannot load the signing credentials: {type(exc).__name__}: {exc}"
            ) from None
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        cert_public = cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if public != cert_public:
            raise CommandError("The key does not belong to the certificate.")
        return key, cert, chain

    def keygen(self, options):
        if not options["out_key"] or not options["out_csr"]:
            raise CommandError("--keygen needs --out-key and --out-csr.")
        key = ec.generate_private_key(ec.SECP256R1())
        password = self.password(options)
        encryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        out_key = Path(options["out_key"])
        fd = os.open(out_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key_pem)
        cn = options["common_name"] or "InnoCluster signer"
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn[:64])]))
            .sign(key, hashes.SHA256())
        )
        Path(options["out_csr"]).write_bytes(csr.public_bytes(serialization.Encoding.PEM))
        self.stdout.write(
            f"Key (P-256) -> {out_key} (mode 600{', encrypted' if password else ''}); "
            f"CSR -> {options['out_csr']}. Send the CSR to POST /api/v1/certificates."
        )

    def upload(self, options):
        for name in ("url", "token"):
            if not options[name]:
                raise CommandError(f"Upload mode needs --{name}.")
        base = options["url"].rstrip("/")
        if not base.lower().startswith(("http://", "https://")):
            raise CommandError("--url must start with http:// or https://")
        key, cert, chain = self.credentials(options)
        document = options["document"]
        headers = {"Authorization": f"Bearer {options['token']}"}
        content, response_headers = self.http(
            "GET", f"{base}/api/v1/documents/{document}/content", headers
        )
        digest = hashlib.sha256(content).hexdigest()
        announced = (response_headers.get("X-Content-SHA256") or "").lower()
        if announced and announced != digest:
            raise CommandError(
                f"The downloaded content's SHA-256 {digest} differs from the server's {announced}; "
                "nothing was signed."
            )
        signature = sign_detached(content, key, cert, chain, timestamp=False)
        body = json.dumps(
            {"signature": base64.b64encode(signature).decode(), "version_sha256": digest}
        ).encode()
        answer, _headers = self.http(
            "POST",
            f"{base}/api/v1/documents/{document}/signatures",
            {**headers, "Content-Type": "application/json"},
            body,
        )
        try:
            report = json.loads(answer)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        except ValueError:
            self.stdout.write(answer.decode(errors="replace"))

    def http(self, method: str, url: str, headers: dict, body: bytes | None = None):
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                data = response.read(MAX_DOWNLOAD + 1)
                if len(data) > MAX_DOWNLOAD:
                    raise CommandError("The document is too large.")
                return data, response.headers
        except urllib.error.HTTPError as exc:
            detail = exc.read(65536).decode(errors="replace")
            try:
                problem = json.loads(detail)
                detail = json.dumps(problem, ensure_ascii=False, indent=2)
            except ValueError:
                pass
            raise CommandError(f"{method} {url} answered {exc.code}:\n{detail}") from None
        except OSError as exc:
            raise CommandError(f"{method} {url} failed: {exc}") from None
