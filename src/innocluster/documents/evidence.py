"""Evidence packages: one zip that lets anyone prove, offline and with standard tools, that a
document is authentic and unaltered.

The package holds the exact bytes every signature covers, the signatures themselves, the
certificates and the CRL to check them against, the timestamps that prove when each signature
existed (as ``openssl ts`` reads them), and the transparency log's signed tree head with an
inclusion proof for every log entry of the document. ``README.txt`` gives the exact commands,
in Russian and in English; ``report.json`` maps every signature to the file it covers and
carries the verification report made when the platform accepted it.

The same state gives the same bytes: files are written in a fixed order with a fixed time, and
the tree head is the smallest signed one that covers the document's entries (signed on demand
only when none does), so downloading a package twice gives one file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.template.loader import render_to_string

from . import storage
from .choices import MediaType, SignatureKind

# Zip entries' modification time when a document has no signature time to use (the zip epoch).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
EXTENSIONS = {MediaType.PDF: "pdf", MediaType.JSON: "json"}
PACKAGE_FORMAT = "innocluster-evidence/1"
README_TEMPLATE = "documents/verify/evidence_README.txt"
CHECKER_TEMPLATE = "documents/verify/evidence_check_inclusion.py.txt"

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)


class NothingSigned(Exception):
    """The document has no signature yet: there is nothing to prove."""


def slug(text: str, fallback: str = "signer") -> str:
    """ASCII file-name part for a person's name (Russian letters transliterated), so every
    command in the README types in any shell."""
    out = []
    for char in text.lower():
        if char in _TRANSLIT:
            mapped = _TRANSLIT[char]
            out.append("" if mapped == "-" else mapped)
        elif char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.append("-")
    value = re.sub(r"-+", "-", "".join(out)).strip("-")[:40].strip("-")
    return value or fallback


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


@dataclass
class TimestampFile:
    """One RFC 3161 token of a signature, as a TimeStampResp file."""

    path: str
    digest: str  # hex SHA-256 of the signature value: the message imprint the token carries
    gen_time: str | None


@dataclass
class SignatureEntry:
    """One signature of the document and the files that prove it."""

    number: int
    signature: object  # documents.Signature
    covers_path: str
    covers_sha256: str
    file: str | None = None  # signatures/<n>-<signer>.p7s for enhanced signatures
    certificate: str | None = None  # certs/<n>-<signer>.pem (the signer's certificate, then CA)
    timestamps: list[TimestampFile] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.signature.kind


@dataclass
class LogProof:
    """An inclusion proof of one log entry of the document."""

    path: str
    index: int
    kind: str
    leaf_sha256: str


@dataclass
class Package:
    """Everything that goes into the zip, before it is written."""

    files: dict[str, bytes] = field(default_factory=dict)
    content_path: str = ""
    signatures: list[SignatureEntry] = field(default_factory=list)
    version_paths: dict[int, str] = field(default_factory=dict)
    proofs: list[LogProof] = field(default_factory=list)
    tree_head: dict | None = None
    # The certificates the tokens were signed with (PEM by DER), in order of appearance.
    tsa_certificates: dict[bytes, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> str:
        self.files[path] = data
        return path


# --------------------------------------------------------------------------- gathering


def _signatures(document) -> list:
    return list(
        document.signatures.select_related("version", "signer", "organisation").order_by(
            "signed_at", "id"
        )
    )


def _version_file(package: Package, document, version) -> str:
    """The file that holds ``version``'s bytes: the final version at the root, earlier ones
    under versions/."""
    if version.number in package.version_paths:
        return package.version_paths[version.number]
    data = storage.get(version.sha256)
    ext = EXTENSIONS.get(version.media_type, "bin")
    if version.pk == document.current_version_id:
        path = f"document.{ext}"
    else:
        path = f"versions/{version.number}-{version.sha256}.{ext}"
    package.add(path, data)
    package.version_paths[version.number] = path
    return path


def _signer_name(signature) -> str:
    if signature.signer is not None:
        return str(signature.signer)
    return str(signature.organisation)


def _signer_slug(signature) -> str:
    if signature.kind == SignatureKind.PADES:
        return "fund"
    if signature.signer is not None:
        name = signature.signer.full_name or signature.signer.email.split("@")[0]
        return slug(name)
    return slug(signature.organisation.name_ru, fallback=f"inn-{signature.organisation.inn}")


def _timestamps(package: Package, entry: SignatureEntry, cms_der: bytes) -> None:
    from innocluster.pki import cms as pki_cms
    from innocluster.pki import tsa

    tokens = pki_cms.timestamp_tokens(cms_der)
    if not tokens:
        return
    digest = hashlib.sha256(pki_cms.signature_value(cms_der)).hexdigest()
    for k, token in enumerate(tokens, start=1):
        name = f"{entry.number}" if len(tokens) == 1 else f"{entry.number}-{k}"
        try:
            gen_time = tsa.tst_info_of(token)["gen_time"].native
        except Exception:  # a token the platform accepted but cannot parse: still shipped
            gen_time = None
        path = package.add(f"timestamps/{name}.tsr", tsa.as_response(token))
        _collect_tsa_certificates(package, token)
        entry.timestamps.append(TimestampFile(path, digest, _iso(gen_time)))


def _collect_tsa_certificates(package: Package, token: bytes) -> None:
    """certs/tsa.pem holds the certificates the tokens themselves carry (the TSA's certificate
    at the time of stamping), or the TSA's current one for tokens that carry none."""
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from innocluster.pki.cms import certificates_in

    found = []
    try:
        for certificate in certificates_in(token):
            try:
                usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
            except x509.ExtensionNotFound:
                continue
            if ExtendedKeyUsageOID.TIME_STAMPING in usage.value:
                found.append(certificate)
    except Exception:  # an odd token: fall back to the TSA's own certificate
        found = []
    if not found:
        from innocluster.pki.tsa import tsa_certificate

        found = [tsa_certificate()]
    for certificate in found:
        der = certificate.public_bytes(serialization.Encoding.DER)
        package.tsa_certificates.setdefault(der, _pem(der))


def _signature_files(package: Package, entry: SignatureEntry, ca_pem: bytes) -> None:
    signature = entry.signature
    base = f"{entry.number}-{_signer_slug(signature)}"
    cms_der = bytes(signature.cms_der) if signature.cms_der else b""
    if signature.kind == SignatureKind.ENHANCED and cms_der:
        entry.file = package.add(f"signatures/{base}.p7s", cms_der)
    if signature.kind == SignatureKind.PADES and not cms_der:
        cms_der = pades_cms(package.files[entry.covers_path]) or b""
    certificate_der = bytes(signature.certificate_der) if signature.certificate_der else b""
    if not certificate_der and cms_der:
        from innocluster.pki.cms import certificates_in

        found = certificates_in(cms_der)
        if found:
            certificate_der = found[0].public_bytes(serialization.Encoding.DER)
    if certificate_der:
        entry.certificate = package.add(f"certs/{base}.pem", _pem(certificate_der) + ca_pem)
    if cms_der:
        _timestamps(package, entry, cms_der)


def pades_cms(pdf: bytes) -> bytes | None:
    """The CMS of the last signature embedded in ``pdf`` (the one covering the whole file),
    or None; its signature timestamp ships as a .tsr like a CMS signature's."""
    from asn1crypto import cms
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        embedded = list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_regular_signatures)
        return cms.ContentInfo.load(embedded[-1].pkcs7_content).dump() if embedded else None
    except Exception:  # not a readable signed PDF: the package simply has no token from it
        return None


def _log_indexes(document, signatures) -> list[int]:
    """Every log entry about the document: its versions, signatures, receipts and its own
    events (registration, sending, status changes)."""
    from innocluster.ledger.models import LogEntry

    indexes: set[int] = set()
    object_ids = {str(document.pk)}
    for version in document.versions.all():
        object_ids.add(str(version.pk))
        if version.ledger_index is not None:
            indexes.add(version.ledger_index)
    for signature in signatures:
        object_ids.add(str(signature.pk))
        if signature.ledger_index is not None:
            indexes.add(signature.ledger_index)
    for receipt in document.receipts.all():
        object_ids.add(str(receipt.pk))
        if receipt.ledger_index is not None:
            indexes.add(receipt.ledger_index)
    indexes.update(
        LogEntry.objects.filter(object_id__in=object_ids).values_list("index", flat=True)
    )
    return sorted(indexes)


def covering_tree_head(min_size: int):
    """The smallest signed tree head of at least ``min_size`` entries; the log signs itself now
    when no signed head covers them yet."""
    from innocluster.ledger import services as ledger
    from innocluster.ledger.models import TreeHead

    head = (
        TreeHead.objects.filter(signature__isnull=False, tree_size__gte=min_size)
        .order_by("tree_size")
        .first()
    )
    if head is None:
        head = ledger.sign_tree_head()
    return head


def _log_files(package: Package, indexes: list[int]) -> None:
    from innocluster.ledger import services as ledger
    from innocluster.ledger.models import LogEntry

    if not indexes:
        return
    head = covering_tree_head(indexes[-1] + 1)
    document = ledger.tree_head_document(head)
    package.tree_head = document
    package.add("log/tree-head.json", _json(document))
    package.add("log/tree-head.bin", base64.b64decode(document["signed_data"]))
    package.add("log/tree-head.sig", base64.b64decode(document["signature"]))
    package.add("log/log-public-key.pem", document["public_key_pem"].encode())
    tree = ledger.current_tree(head.tree_size)
    entries = {e.index: e for e in LogEntry.objects.filter(index__in=indexes)}
    for index in indexes:
        entry = entries[index]
        root, path = tree.prove_inclusion(index, head.tree_size)
        if root != bytes(head.root_hash):  # never hand out proofs that contradict the head
            raise ledger.LogCorrupted(
                f"the stored tree no longer gives the root of signed tree head {head.tree_size}"
            )
        leaf_input = bytes(entry.leaf_input)
        proof = {
            "leaf_index": index,
            "tree_size": head.tree_size,
            "leaf_input": base64.b64encode(leaf_input).decode(),
            "leaf_hash": bytes(entry.leaf_hash).hex(),
            "audit_path": [h.hex() for h in path],
            "root_hash": root.hex(),
            "kind": entry.kind,
        }
        try:
            proof["decoded"] = json.loads(leaf_input)
        except ValueError:
            proof["decoded"] = None
        file = package.add(f"log/inclusion-{index}.json", _json(proof))
        package.proofs.append(
            LogProof(file, index, entry.kind, hashlib.sha256(leaf_input).hexdigest())
        )


def gather(document) -> Package:
    """Collect every file of ``document``'s evidence package.

    Raises:
        NothingSigned: the document has no signature.
        storage.ContentCorrupted: a version's stored bytes are gone or changed.
    """
    from innocluster.pki import ca

    signatures = _signatures(document)
    if not signatures:
        raise NothingSigned(str(document.pk))
    package = Package()
    ca_pem = ca.ca_pem()
    if document.current_version is not None:
        package.content_path = _version_file(package, document, document.current_version)
    for number, signature in enumerate(signatures, start=1):
        covers = _version_file(package, document, signature.version)
        entry = SignatureEntry(number, signature, covers, signature.version.sha256)
        _signature_files(package, entry, ca_pem)
        package.signatures.append(entry)
    package.add("ca.pem", ca_pem)
    package.add("crl.pem", ca.crl_pem())
    if package.tsa_certificates:
        package.add("certs/tsa.pem", b"".join(package.tsa_certificates.values()))
    _log_files(package, _log_indexes(document, signatures))
    simple = [e for e in package.signatures if e.kind == SignatureKind.SIMPLE]
    if simple:
        package.add("simple-signatures.json", _json([_simple_record(e) for e in simple]))
    package.add("report.json", _json(_report(document, package)))
    package.add("check_inclusion.py", render_to_string(CHECKER_TEMPLATE).encode())
    package.add("README.txt", readme(document, package).encode())
    return package


KIND_NAMES = {
    SignatureKind.SIMPLE: ("простая электронная подпись", "simple electronic signature"),
    SignatureKind.ENHANCED: ("усиленная подпись, CMS", "enhanced signature, CMS"),
    SignatureKind.PADES: ("усиленная подпись в PDF, PAdES", "enhanced signature in the PDF, PAdES"),
}


def readme(document, package: Package) -> str:
    """README.txt: what each file is, which file each signature covers, and the exact commands
    that check everything, in Russian and in English (both, whatever the reader's language)."""
    signatures = []
    for e in package.signatures:
        ru, en = KIND_NAMES.get(e.kind, (e.kind, e.kind))
        signatures.append(
            {
                "number": e.number,
                "kind_ru": ru,
                "kind_en": en,
                "signer": _signer_name(e.signature),
                "signed_at": _iso(e.signature.signed_at),
                "covers_path": e.covers_path,
                "covers_sha256": e.covers_sha256,
                "file": e.file,
                "certificate": e.certificate,
                "log_index": e.signature.ledger_index,
            }
        )
    earlier = [
        {"number": number, "path": path}
        for number, path in sorted(package.version_paths.items())
        if path != package.content_path
    ]
    timestamps = [
        {"number": e.number, "path": t.path, "digest": t.digest, "gen_time": t.gen_time}
        for e in package.signatures
        for t in e.timestamps
    ]
    text = render_to_string(
        README_TEMPLATE,
        {
            "document": document,
            "package": package,
            "signatures": signatures,
            "earlier": earlier,
            "enhanced": [s for s in signatures if s["file"]],
            "pades": [
                s
                for s, e in zip(signatures, package.signatures, strict=True)
                if e.kind == SignatureKind.PADES
            ],
            "simple": [
                s
                for s, e in zip(signatures, package.signatures, strict=True)
                if e.kind == SignatureKind.SIMPLE
            ],
            "timestamps": timestamps,
            "tree_head": package.tree_head,
            "proofs": package.proofs,
        },
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _simple_record(entry: SignatureEntry) -> dict:
    signature = entry.signature
    return {
        "number": entry.number,
        "signer": _signer_name(signature),
        "organisation": str(signature.organisation),
        "organisation_inn": signature.organisation.inn,
        "second_factor": signature.second_factor,
        "signed_at": _iso(signature.signed_at),
        "content_sha256": signature.content_sha256,
        "covers": entry.covers_path,
        "log_index": signature.ledger_index,
    }


def _report(document, package: Package) -> dict:
    return {
        "format": PACKAGE_FORMAT,
        "document": {
            "id": str(document.pk),
            "registration_number": document.registration_number,
            "title": document.title,
            "type": document.doc_type,
            "status": document.status,
            "file": package.content_path,
            "sha256": document.current_version.sha256 if document.current_version else None,
        },
        "signatures": [
            {
                "number": e.number,
                "kind": e.kind,
                "signer": _signer_name(e.signature),
                "organisation": str(e.signature.organisation),
                "signed_at": _iso(e.signature.signed_at),
                "covers": e.covers_path,
                "covers_sha256": e.covers_sha256,
                "version": e.signature.version.number,
                "file": e.file,
                "certificate": e.certificate,
                "timestamps": [
                    {"file": t.path, "digest": t.digest, "gen_time": t.gen_time}
                    for t in e.timestamps
                ],
                "log_index": e.signature.ledger_index,
                "report": e.signature.report or {},
            }
            for e in package.signatures
        ],
        "log": {
            "tree_head": "log/tree-head.json" if package.tree_head else None,
            "tree_size": package.tree_head["tree_size"] if package.tree_head else None,
            "root_hash": package.tree_head["root_hash"] if package.tree_head else None,
            "entries": [{"index": p.index, "kind": p.kind, "file": p.path} for p in package.proofs],
        },
    }


# --------------------------------------------------------------------------- writing


def _zip_time(package: Package) -> tuple[int, int, int, int, int, int]:
    times = [e.signature.signed_at for e in package.signatures if e.signature.signed_at]
    if not times:
        return ZIP_EPOCH
    moment = max(times).astimezone(UTC)
    return (
        max(moment.year, 1980),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


ORDER = ("README.txt", "report.json")


def write_zip(files: dict[str, bytes], date_time=ZIP_EPOCH) -> bytes:
    """A zip of ``files`` that depends on nothing but them: README first, then sorted paths,
    one fixed time, fixed permissions and compression."""
    buffer = io.BytesIO()
    paths = [p for p in ORDER if p in files] + sorted(p for p in files if p not in ORDER)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            info = zipfile.ZipInfo(path, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[path], compresslevel=9)
    return buffer.getvalue()


def build_evidence_package(document) -> bytes:
    """The evidence package of a signed (or partly signed) document, as zip bytes.

    Args:
        document: a ``Document`` with at least one signature.

    Returns:
        The zip; the same document state (and log head) gives the same bytes.

    Raises:
        NothingSigned: the document has no signature yet.
    """
    package = gather(document)
    return write_zip(package.files, _zip_time(package))
