"""`innocluster sign` against the running platform: it downloads the document's exact bytes,
signs them with the signatory's own key and uploads the signature; the platform verifies,
timestamps and records it."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from innocluster.accounts.services import issue_api_token
from innocluster.documents.check import check_documents
from innocluster.documents.models import Document, Signature
from innocluster.pki.cms import timestamp_tokens

from .factories import make_pdf, org_with_signatory, person, sent
from .pki_helpers import platform_signer

pytestmark = pytest.mark.django_db(transaction=True)


def write_key_and_certificate(tmp_path, signer):
    key = tmp_path / "me.key"
    key.write_bytes(
        signer.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert = tmp_path / "me.pem"
    cert.write_bytes(signer.certificate.public_bytes(serialization.Encoding.PEM))
    return key, cert


def run_sign(capsys, *args) -> str:
    call_command("sign", *args)
    return capsys.readouterr().out


def test_the_cli_signs_and_uploads_to_the_live_platform(live_server, tmp_path, capsys):
    org, signatory = org_with_signatory()
    owner = person(org, "owner")
    _token, raw = issue_api_token(owner, org, "signing workstation", ["read", "documents"])
    document = sent([(org, 1)], content=make_pdf("Договор поставки"), media_type="application/pdf")
    key, cert = write_key_and_certificate(tmp_path, platform_signer(signatory, org))
    args = ["--document", str(document.pk), "--url", live_server.url, "--token", raw]
    args += ["--key", str(key), "--cert", str(cert)]

    out = run_sign(capsys, *args)

    document.refresh_from_db()
    assert document.status == "signed"
    signature = Signature.objects.get(document=document)
    assert signature.signer == signatory and signature.kind == "enhanced"
    assert signature.report["valid"] is True
    assert len(timestamp_tokens(bytes(signature.cms_der))) == 1  # the platform added CAdES-T
    assert signature.version.sha256 == document.current_version.sha256
    assert "valid" in out.lower()
    # Run again: a second, different signature of a document already in force is refused with
    # the reason, and nothing is added (retried uploads of the same bytes: test_reliability).
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not_signable"):
        run_sign(capsys, *args)
    assert Signature.objects.filter(document=document).count() == 1
    assert check_documents(document.pk)[1] == []


def test_a_read_only_token_cannot_upload_and_nothing_is_stored(live_server, tmp_path, capsys):
    from django.core.management.base import CommandError

    org, signatory = org_with_signatory()
    owner = person(org, "owner")
    _token, raw = issue_api_token(owner, org, "reader", ["read"])
    document = sent([(org, 1)], content=make_pdf(), media_type="application/pdf")
    key, cert = write_key_and_certificate(tmp_path, platform_signer(signatory, org))
    with pytest.raises(CommandError) as refused:
        run_sign(
            capsys,
            *["--document", str(document.pk), "--url", live_server.url, "--token", raw],
            *["--key", str(key), "--cert", str(cert)],
        )
    assert "scope" in str(refused.value)
    assert not Signature.objects.filter(document=document).exists()
    assert Document.objects.get(pk=document.pk).status == "sent"
