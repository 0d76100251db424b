"""``innocluster ca``: the platform's certification authority from the command line.

    innocluster ca init [--replace] [--common-name CN]
    innocluster ca issue CSR.pem --email E [--organisation INN] [--days N] --out CERT.pem
    innocluster ca revoke SERIAL [--reason R]
    innocluster ca crl [--out F] [--der]
    innocluster ca show

The CA's private key never leaves the key store; ``show`` prints the certificate only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError

from innocluster.core.errors import DomainError
from innocluster.pki import ca


class Command(BaseCommand):
    help = "The platform's certification authority: init, issue, revoke, crl, show."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the root CA (once)")
        init.add_argument("--replace", action="store_true", help="make a new key and root")
        init.add_argument("--common-name", default="InnoCluster Certification Authority")
        issue = sub.add_parser("issue", help="issue a certificate for a CSR")
        issue.add_argument("csr", help="PEM certificate signing request")
        issue.add_argument("--email", required=True, help="the person's e-mail (a platform user)")
        issue.add_argument("--organisation", help="INN of the organisation they sign for")
        issue.add_argument("--days", type=int, default=365)
        issue.add_argument("--out", required=True, help="where to write the PEM certificate")
        revoke = sub.add_parser("revoke", help="revoke a certificate and publish a new CRL")
        revoke.add_argument("serial", help="serial number, hex")
        revoke.add_argument(
            "--reason", default="unspecified", choices=sorted(ca.REVOCATION_REASONS)
        )
        crl = sub.add_parser("crl", help="print or write the current CRL")
        crl.add_argument("--out", help="file to write (default: standard output)")
        crl.add_argument("--der", action="store_true", help="DER instead of PEM")
        sub.add_parser("show", help="print the CA certificate (never the key)")

    def handle(self, *args, **options):
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def do_init(self, options):
        cert = ca.init_ca(options["common_name"], replace=options["replace"])
        self.stdout.write(f"CA: {cert.subject.rfc4514_string()} serial {ca.serial_hex_of(cert)}")

    def do_issue(self, options):
        from django.contrib.auth import get_user_model

        from innocluster.registry.models import Organisation

        try:
            csr = x509.load_pem_x509_csr(Path(options["csr"]).read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the CSR {options['csr']}: {exc}") from None
        user = get_user_model().objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No user with e-mail {options['email']}.")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(inn=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with INN {options['organisation']}.")
        row = ca.issue_certificate(
            csr,
            subject=ca.subject_for(user, organisation),
            user=user,
            organisation=organisation,
            days=options["days"],
            actor=None,
        )
        Path(options["out"]).write_text(row.pem)
        self.stdout.write(f"Issued {row.subject} serial {row.serial_hex} -> {options['out']}")

    def do_revoke(self, options):
        row = ca.revoke_certificate(options["serial"], reason=options["reason"])
        self.stdout.write(
            f"Revoked {row.subject} serial {row.serial_hex} ({row.revocation_reason})"
        )

    def do_crl(self, options):
        data = ca.crl_der() if options["der"] else ca.crl_pem()
        if options["out"]:
            Path(options["out"]).write_bytes(data)
            self.stdout.write(f"CRL written to {options['out']}")
        elif options["der"]:
            raise CommandError("--der needs --out")
        else:
            self.stdout.write(data.decode(), ending="")

    def do_show(self, options):
        cert = ca.ca_certificate()
        der = cert.public_bytes(serialization.Encoding.DER)
        self.stdout.write(f"Subject:  {cert.subject.rfc4514_string()}")
        self.stdout.write(f"Serial:   {ca.serial_hex_of(cert)}")
        self.stdout.write(f"Valid:    {cert.not_valid_before_utc} .. {cert.not_valid_after_utc}")
        self.stdout.write(f"SHA-256:  {hashlib.sha256(der).hexdigest()}")
        self.stdout.write(f"CRL:      {ca.crl_url()}")
        self.stdout.write(ca.ca_pem().decode(), ending="")
