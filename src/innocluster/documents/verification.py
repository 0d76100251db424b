"""Public verification: anyone uploads a document with its detached signature, a signed PDF, or
an evidence package, and learns whether each signature is valid, why not, who signed, when (and
how that time is proven), whether the signer's certificate was revoked, and (for a package) that
the transparency log's signed tree head and every inclusion proof hold and name exactly these
bytes. Nothing uploaded is stored.

Used by the API (``POST /api/v1/verify``) and the page (``/verify/``); both show the dict these
functions return. Bad input (empty, not CMS, not a zip, too large) raises ``ValidationFailed``
naming the field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

from . import storage
from .choices import DocumentStatus, SignatureKind

# An evidence package holds a few dozen files; a zip of thousands is not one.
MAX_PACKAGE_ENTRIES = 2000
PEM_LABELS = (b"PKCS7", b"CMS", b"SIGNED DATA", b"PKCS #7 SIGNED DATA")


def _invalid(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message, code)])


def _problem(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


# --------------------------------------------------------------------------- input parsing


def check_size(data: bytes | None, field: str, *, required: bool = True) -> bytes | None:
    """The bytes of an uploaded field, refusing empty or oversized input."""
    if data is None or len(data) == 0:
        if required:
            raise _invalid(field, _("The file is empty or missing."), "required")
        return None
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise _invalid(
            field,
            _("The file is larger than the limit of %(limit)d bytes.")
            % {"limit": settings.DOCUMENT_MAX_BYTES},
            "too_large",
        )
    return bytes(data)


def parse_cms(data: bytes, field: str = "signature") -> bytes:
    """A CMS SignedData as DER, from DER or PEM (PKCS7 / CMS armour); ``ValidationFailed``
    naming ``field`` when it is neither."""
    from asn1crypto import cms, pem

    der = data
    if pem.detect(data):
        try:
            label, _headers, der = pem.unarmor(data)
        except (ValueError, TypeError):
            raise _invalid(field, _("The PEM file cannot be read."), "not_cms") from None
        if label.encode() not in PEM_LABELS:
            raise _invalid(
                field,
                _("The PEM file holds a %(label)s, not a CMS signature.") % {"label": label},
                "not_cms",
            )
    else:
        stripped = data.strip()
        if stripped and not stripped.startswith(b"0"):
            try:  # bare base64 of the DER, as some tools save it
                der = base64.b64decode(stripped, validate=False)
            except (ValueError, binascii.Error):
                der = data
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        info["content"]["signer_infos"][0]  # noqa: B018 - parse at least one signer
    except Exception:
        raise _invalid(
            field, _("The file is not a CMS (PKCS #7) signature in DER or PEM."), "not_cms"
        ) from None
    return der


# --------------------------------------------------------------------------- shared pieces


def registration(sha256: str) -> dict:
    """Whether a document with these exact bytes is registered on this platform, and its
    registration number and status (whoever holds the bytes may learn that much)."""
    from .models import DocumentVersion

    version = (
        DocumentVersion.objects.filter(sha256=sha256)
        .select_related("document")
        .order_by("-number")
        .first()
    )
    if version is None:
        return {"registered": False}
    document = version.document
    return {
        "registered": True,
        "registration_number": document.registration_number,
        "status": document.status,
        "status_label": str(DocumentStatus(document.status).label),
        "version": version.number,
        "current": document.current_version_id == version.pk,
    }


def _media_type(data: bytes) -> str:
    if storage.looks_like_pdf(data):
        return "application/pdf"
    try:
        json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "application/octet-stream"
    return "application/json"


def _document_info(data: bytes, file: str = "") -> dict:
    sha = hashlib.sha256(data).hexdigest()
    info = {"sha256": sha, "size": len(data), "media_type": _media_type(data), **registration(sha)}
    if file:
        info["file"] = file
    return info


def _signature_result(number: int, kind: str, report, **extra) -> dict:
    data = report.to_dict() if hasattr(report, "to_dict") else dict(report)
    summary = report.summary() if hasattr(report, "summary") else ""
    reasons = [_problem(r.get("code", ""), r.get("message", "")) for r in data.get("reasons", [])]
    return {
        "number": number,
        "kind": kind,
        "valid": bool(data.get("valid")),
        "summary": summary,
        "reasons": reasons,
        "report": data,
        **extra,
    }


def _pdf_reports(pdf: bytes, field: str = "document") -> list:
    from innocluster.pki.pades import verify_pdf

    try:
        return list(verify_pdf(pdf))
    except ValidationFailed as exc:  # pki names its own argument; the caller's field it is
        raise ValidationFailed(
            [FieldError(field, e.message, e.code) for e in exc.errors], message=exc.message
        ) from None
    except Exception:  # a file that only looks like a PDF: a finding, not a server error
        from innocluster.pki.verify import VerificationReport

        report = VerificationReport(kind="pades")
        report.fail("malformed", _("The PDF cannot be read."))
        return [report]


def _finish(result: dict) -> dict:
    parts = [s["valid"] for s in result.get("signatures", [])]
    parts += [t["valid"] for t in result.get("timestamps", [])]
    if result.get("log") is not None:
        parts.append(result["log"]["valid"])
    result["valid"] = bool(parts) and all(parts) and not result.get("problems")
    return result


# --------------------------------------------------------------------------- uploads


def verify_upload(document: bytes | None, signature: bytes | None = None) -> dict:
    """Verify ``document`` against a detached CMS ``signature`` (DER or PEM), or, without one,
    the PAdES signatures inside a signed PDF.

    Returns the report dict: ``valid``, ``mode`` ("detached" or "pdf"), ``document`` (hash,
    size, whether it is registered here), ``signatures`` (one report each) and ``problems``.
    Raises ``ValidationFailed`` for empty, oversized or unreadable input.
    """
    from innocluster.pki.verify import verify_cms

    content = check_size(document, "document")
    signature = check_size(signature, "signature", required=False)
    result: dict = {
        "mode": "detached",
        "document": _document_info(content),
        "signatures": [],
        "problems": [],
    }
    if signature is not None:
        cms_der = parse_cms(signature)
        report = verify_cms(content, cms_der)
        result["signatures"].append(_signature_result(1, SignatureKind.ENHANCED, report))
        return _finish(result)
    if not storage.looks_like_pdf(content):
        raise _invalid(
            "signature",
            _("Attach the detached signature (.p7s / .sig) of this file, or upload a signed PDF."),
            "required",
        )
    result["mode"] = "pdf"
    for number, report in enumerate(_pdf_reports(content), start=1):
        result["signatures"].append(_signature_result(number, SignatureKind.PADES, report))
    if not result["signatures"]:
        result["problems"].append(
            _problem("no_signature", _("The PDF carries no electronic signature."))
        )
    return _finish(result)


# --------------------------------------------------------------------------- packages


class _Archive:
    """The files of an uploaded zip, read lazily with a size limit (no zip bombs)."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise _invalid("evidence", _("The file is not a zip archive."), "not_zip") from None
        if len(infos) > MAX_PACKAGE_ENTRIES:
            raise _invalid("evidence", _("The archive has too many files."), "too_many_files")
        self.names = {i.filename for i in infos if not i.is_dir()}
        self.budget = 8 * settings.DOCUMENT_MAX_BYTES
        self._cache: dict[str, bytes] = {}

    def read(self, name) -> bytes | None:
        if not isinstance(name, str) or name not in self.names:
            return None
        if name in self._cache:
            return self._cache[name]
        limit = min(settings.DOCUMENT_MAX_BYTES, self.budget)
        try:
            with self.zip.open(name) as handle:
                data = handle.read(limit + 1)
        # zipfile raises NotImplementedError for a compression method it lacks: a package
        # built with one is unreadable here, not a defect of this code.
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
            raise _invalid(
                "evidence",
                _("The archive is damaged: %(name)s cannot be read.") % {"name": name},
                "damaged_zip",
            ) from None
        if len(data) > limit:
            raise _invalid(
                "evidence",
                _("%(name)s in the archive is too large.") % {"name": name},
                "too_large",
            )
        self.budget -= len(data)
        self._cache[name] = data
        return data

    def json(self, name: str):
        data = self.read(name)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


def _default_manifest(archive: _Archive) -> dict:
    """What a package without report.json holds, from its file names: the root document and
    every .p7s as a signature over it."""
    root = next((n for n in ("document.pdf", "document.json") if n in archive.names), None)
    signatures = [
        {"number": i, "kind": SignatureKind.ENHANCED, "file": name, "covers": root}
        for i, name in enumerate(sorted(n for n in archive.names if n.endswith(".p7s")), start=1)
    ]
    if root == "document.pdf":
        signatures.append(
            {"number": len(signatures) + 1, "kind": SignatureKind.PADES, "covers": root}
        )
    return {"document": {"file": root}, "signatures": signatures, "log": {}}


def _log_entries_by_index(archive: _Archive) -> dict[int, dict]:
    entries = {}
    for name in sorted(archive.names):
        if name.startswith("log/inclusion-") and name.endswith(".json"):
            proof = archive.json(name)
            if isinstance(proof, dict) and isinstance(proof.get("leaf_index"), int):
                entries[proof["leaf_index"]] = {"file": name, "proof": proof}
    return entries


def _check_tree_head(archive: _Archive) -> tuple[dict, dict | None]:
    from innocluster.ledger.models import LogKey
    from innocluster.ledger.services import current_tree, log_size, verify_tree_head_document

    document = archive.json("log/tree-head.json")
    if not isinstance(document, dict):
        return {
            "file": "log/tree-head.json",
            "valid": False,
            "reasons": [_problem("missing", _("The package has no signed tree head."))],
        }, None
    reasons = []
    valid_signature = verify_tree_head_document(document)
    if not valid_signature:
        reasons.append(_problem("bad_signature", _("The tree head's signature does not verify.")))
    try:
        signed = base64.b64decode(document.get("signed_data", ""), validate=True)
        signature = base64.b64decode(document.get("signature", ""), validate=True)
    except (ValueError, TypeError, binascii.Error):
        signed = signature = b""
    for name, expected in (("log/tree-head.bin", signed), ("log/tree-head.sig", signature)):
        data = archive.read(name)
        if data is not None and data != expected:
            reasons.append(
                _problem(
                    "file_mismatch",
                    _("%(file)s differs from log/tree-head.json.") % {"file": name},
                )
            )
    key_id = str(document.get("key_id", ""))
    known_key = LogKey.objects.filter(key_id=key_id).exists()
    if not known_key:
        reasons.append(
            _problem("unknown_key", _("The tree head is not signed with this platform's log key."))
        )
    consistent = None
    size = document.get("tree_size")
    if valid_signature and known_key and isinstance(size, int) and 0 < size <= log_size():
        consistent = current_tree(size).root().hex() == document.get("root_hash")
        if not consistent:
            reasons.append(
                _problem(
                    "log_disagrees",
                    _("This platform's log no longer gives the tree head's root."),
                )
            )
    info = {
        "file": "log/tree-head.json",
        "valid": not reasons,
        "signature_valid": valid_signature,
        "known_key": known_key,
        "consistent_with_log": consistent,
        "tree_size": size,
        "root_hash": document.get("root_hash"),
        "timestamp": document.get("timestamp_iso"),
        "key_id": key_id,
        "reasons": reasons,
    }
    return info, document if valid_signature else None


def _check_entry(file: str, proof: dict, head: dict | None, document_id: str | None) -> dict:
    from innocluster.ledger.merkle import leaf_hash, verify_inclusion

    reasons = []
    result = {"file": file, "index": proof.get("leaf_index"), "kind": proof.get("kind", "")}
    try:
        leaf_input = base64.b64decode(proof["leaf_input"], validate=True)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        root = bytes.fromhex(proof["root_hash"])
        index, size = int(proof["leaf_index"]), int(proof["tree_size"])
        stated_leaf = bytes.fromhex(proof["leaf_hash"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        result.update(valid=False, reasons=[_problem("malformed", _("The proof is malformed."))])
        return result
    computed = leaf_hash(leaf_input)
    if computed != stated_leaf:
        reasons.append(
            _problem("leaf_hash", _("The entry's bytes do not give its stated leaf hash."))
        )
    if head is None:
        reasons.append(_problem("no_tree_head", _("There is no valid tree head to check against.")))
    elif size != head.get("tree_size") or root.hex() != head.get("root_hash"):
        reasons.append(
            _problem("other_tree", _("The proof is for another tree than the signed tree head."))
        )
    if not verify_inclusion(computed, index, size, path, root):
        reasons.append(
            _problem("not_included", _("The inclusion proof does not lead to the root hash."))
        )
    try:
        decoded = json.loads(leaf_input)
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict):
        reasons.append(_problem("not_json", _("The entry is not a JSON object.")))
        decoded = {}
    elif document_id and decoded.get("document") != document_id:
        reasons.append(_problem("other_document", _("The entry is about another document.")))
    result.update(valid=not reasons, reasons=reasons, decoded=decoded, kind=decoded.get("kind", ""))
    return result


def _check_timestamp(archive: _Archive, stamp: dict, cms_der: bytes | None, number: int) -> dict:
    from asn1crypto import tsp

    from innocluster.pki.cms import signature_value
    from innocluster.pki.verify import TrustStore, VerificationReport, check_timestamp

    file = stamp.get("file")
    result = {
        "file": file,
        "signature": number,
        "digest": stamp.get("digest"),
        "valid": False,
        "time": None,
        "reasons": [],
    }
    data = archive.read(file)
    if data is None:
        result["reasons"].append(_problem("missing", _("The timestamp file is missing.")))
        return result
    if cms_der is None:
        result["reasons"].append(_problem("no_signature", _("Its signature is missing.")))
        return result
    try:
        response = tsp.TimeStampResp.load(data, strict=True)
        status = response["status"]["status"].native
        token = response["time_stamp_token"]
        token.dump()
    except Exception:
        result["reasons"].append(_problem("malformed", _("The file is not a TimeStampResp.")))
        return result
    if status not in ("granted", "granted_with_mods") or not token:
        result["reasons"].append(_problem("not_granted", _("The response grants no timestamp.")))
        return result
    try:
        value = signature_value(cms_der)
    except Exception:
        result["reasons"].append(_problem("no_signature", _("Its signature is missing.")))
        return result
    digest = hashlib.sha256(value).hexdigest()
    if stamp.get("digest") and stamp["digest"] != digest:
        result["reasons"].append(
            _problem("digest_mismatch", _("The noted digest is not that of the signature value."))
        )
    report = VerificationReport()
    info = check_timestamp(token, value, TrustStore.current(), report)
    result["time"] = info.time.isoformat() if info.time else None
    result["tsa"] = info.tsa
    result["reasons"] += [_problem(r.code, r.message) for r in report.reasons]
    result["valid"] = not result["reasons"]
    return result


def _signature_log_checks(
    entry: dict | None, signature: dict, covered: bytes | None, cms_der: bytes | None
) -> list[dict]:
    """The log entry of a signature must name the covered bytes and (enhanced) the CMS."""
    if signature.get("log_index") is None:
        return []
    if entry is None:
        return [
            _problem("log_missing", _("The signature's log entry has no proof in the package."))
        ]
    decoded = entry.get("decoded") or {}
    problems = []
    if decoded.get("kind") != "document.signature":
        problems.append(_problem("log_kind", _("The log entry does not record a signature.")))
    if covered is not None and decoded.get("version_sha256") != hashlib.sha256(covered).hexdigest():
        problems.append(
            _problem("log_content", _("The log entry names other bytes than the signed file."))
        )
    if cms_der is not None and decoded.get("cms_sha256") != hashlib.sha256(cms_der).hexdigest():
        problems.append(
            _problem("log_signature", _("The log entry names another signature than this file."))
        )
    if not entry.get("valid"):
        problems.append(_problem("log_unproven", _("The log entry's inclusion is not proven.")))
    return problems


def verify_package(zip_bytes: bytes) -> dict:
    """Check an evidence package as an outsider would: every signature against the file it
    covers, every timestamp, the signed tree head, every inclusion proof, and that the log
    entries name exactly the package's document and signature bytes.

    Returns the report dict (as :func:`verify_upload`'s, with ``mode`` "package", ``timestamps``
    and ``log``). Raises ``ValidationFailed`` (field ``evidence``) when the upload is not a zip
    or holds no document.
    """
    from innocluster.pki.verify import verify_cms

    data = check_size(zip_bytes, "evidence")
    archive = _Archive(data)
    manifest = archive.json("report.json")
    problems: list[dict] = []
    if not isinstance(manifest, dict) or not isinstance(manifest.get("signatures"), list):
        if "report.json" in archive.names:
            problems.append(_problem("manifest", _("report.json cannot be read.")))
        manifest = _default_manifest(archive)
    doc_meta = manifest.get("document") if isinstance(manifest.get("document"), dict) else {}
    doc_file = doc_meta.get("file")
    content = archive.read(doc_file) if isinstance(doc_file, str) else None
    if content is None:
        content = next(
            (archive.read(n) for n in ("document.pdf", "document.json") if n in archive.names),
            None,
        )
        doc_file = next((n for n in ("document.pdf", "document.json") if n in archive.names), None)
    if content is None:
        raise _invalid(
            "evidence", _("The archive holds no document.pdf or document.json."), "no_document"
        )
    document_id = doc_meta.get("id") if isinstance(doc_meta.get("id"), str) else None
    claimed = doc_meta.get("registration_number")
    result: dict = {
        "mode": "package",
        "document": _document_info(content, doc_file),
        # What the package says; the platform's own record is document.registration_number.
        "claimed_registration_number": claimed if isinstance(claimed, str) else None,
        "signatures": [],
        "timestamps": [],
        "problems": problems,
    }
    head_info, head = _check_tree_head(archive)
    entries = {
        index: {**_check_entry(item["file"], item["proof"], head, document_id)}
        for index, item in _log_entries_by_index(archive).items()
    }
    result["log"] = {
        "tree_head": head_info,
        "entries": [entries[i] for i in sorted(entries)],
    }
    pdf_reports: dict[str, list] = {}
    for raw in manifest["signatures"]:
        if not isinstance(raw, dict):
            continue
        number = raw.get("number") if isinstance(raw.get("number"), int) else 0
        kind = raw.get("kind", "")
        log_index = raw.get("log_index")
        if not isinstance(log_index, int) or isinstance(log_index, bool):
            log_index = None
        raw = {**raw, "log_index": log_index}
        covers = raw.get("covers") if isinstance(raw.get("covers"), str) else None
        covered = archive.read(covers)
        extra = {
            "file": raw.get("file"),
            "covers": covers,
            "signer": raw.get("signer", ""),
            "signed_at": raw.get("signed_at"),
        }
        cms_der = None
        if covered is not None and raw.get("covers_sha256") not in (
            None,
            hashlib.sha256(covered).hexdigest(),
        ):
            problems.append(
                _problem(
                    "covers_mismatch",
                    _("Signature %(n)s: %(file)s is not the file it was made over.")
                    % {"n": number, "file": covers},
                )
            )
        if kind == SignatureKind.ENHANCED:
            cms_file = archive.read(raw.get("file"))
            if cms_file is None or covered is None:
                sig = {
                    "number": number,
                    "kind": kind,
                    "valid": False,
                    "summary": "",
                    "report": {},
                    "reasons": [
                        _problem("missing", _("The signature or its document is missing."))
                    ],
                    **extra,
                }
            else:
                try:
                    cms_der = parse_cms(cms_file, "evidence")
                except ValidationFailed:
                    cms_der = None
                report = verify_cms(covered, cms_der if cms_der is not None else cms_file)
                sig = _signature_result(number, kind, report, **extra)
        elif kind == SignatureKind.PADES:
            if covered is None or not storage.looks_like_pdf(covered):
                sig = {
                    "number": number,
                    "kind": kind,
                    "valid": False,
                    "summary": "",
                    "report": {},
                    "reasons": [_problem("missing", _("The signed PDF is missing."))],
                    **extra,
                }
            else:
                if covers not in pdf_reports:
                    try:
                        pdf_reports[covers] = _pdf_reports(covered, "evidence")
                    except ValidationFailed:  # damaged beyond reading: no valid signature in it
                        pdf_reports[covers] = []
                reports = pdf_reports[covers]
                if reports:
                    sig = _signature_result(number, kind, reports[-1], **extra)
                else:
                    sig = {
                        "number": number,
                        "kind": kind,
                        "valid": False,
                        "summary": "",
                        "report": {},
                        "reasons": [_problem("no_signature", _("The PDF carries no signature."))],
                        **extra,
                    }
        elif kind == SignatureKind.SIMPLE:
            sig = {
                "number": number,
                "kind": kind,
                "summary": "",
                "report": {},
                "reasons": [],
                **extra,
            }
            if covered is None or raw.get("covers_sha256") != hashlib.sha256(covered).hexdigest():
                sig["reasons"].append(
                    _problem("content_mismatch", _("The signed file is missing or altered."))
                )
            if raw.get("log_index") is None:
                sig["reasons"].append(
                    _problem(
                        "log_missing",
                        _("A simple signature is proven by its log entry, and it has none."),
                    )
                )
            sig["valid"] = not sig["reasons"]
        else:
            continue
        log_problems = _signature_log_checks(
            entries.get(log_index),
            raw,
            covered,
            cms_der if kind == SignatureKind.ENHANCED else None,
        )
        if log_problems:
            sig.setdefault("reasons", [])
            sig["reasons"] = list(sig.get("reasons", [])) + log_problems
            sig["valid"] = False
        if kind == SignatureKind.PADES and covered is not None:
            from .evidence import pades_cms

            cms_der = pades_cms(covered)
        sig["log_index"] = log_index
        result["signatures"].append(sig)
        stamps = raw.get("timestamps")
        for stamp in stamps if isinstance(stamps, list) else []:
            if isinstance(stamp, dict):
                result["timestamps"].append(_check_timestamp(archive, stamp, cms_der, number))
    if not result["signatures"]:
        problems.append(_problem("no_signature", _("The package holds no signature.")))
    # The document's final bytes must be recorded in the log as a version of this document.
    content_sha = result["document"]["sha256"]
    if not any(
        e.get("valid")
        and (e.get("decoded") or {}).get("kind") == "document.version"
        and (e.get("decoded") or {}).get("sha256") == content_sha
        for e in entries.values()
    ):
        problems.append(
            _problem(
                "not_in_log",
                _("No proven log entry records %(file)s as a version of the document.")
                % {"file": doc_file},
            )
        )
    log_valid = head_info["valid"] and bool(entries) and all(e["valid"] for e in entries.values())
    result["log"]["valid"] = log_valid
    return _finish(result)


# --------------------------------------------------------------------------- requests

FIELDS = ("document", "signature", "evidence")


def read_upload(upload, field: str) -> bytes | None:
    """An uploaded file's bytes, reading at most one byte past the limit (a larger file is
    refused without being read); ``ValidationFailed`` naming ``field`` when it is too large."""
    if upload is None:
        return None
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    _("The file is larger than the limit of %(limit)d bytes.") % {"limit": limit},
                    "too_large",
                )
            ]
        )
    data = upload.read(limit + 1)
    return check_size(data, field, required=False) or b""


def verify_files(files: dict) -> dict:
    """Pick the verification from which of ``document``, ``signature`` and ``evidence`` were
    sent (each a file-like object or None) and run it. Shared by the API and the page."""
    data = {name: read_upload(files.get(name), name) for name in FIELDS}
    for name in FIELDS:
        if data[name] == b"":
            raise ValidationFailed([FieldError(name, _("The file is empty."), "empty")])
    if files.get("evidence") is not None:
        if files.get("document") is not None or files.get("signature") is not None:
            raise ValidationFailed(
                [
                    FieldError(
                        "evidence",
                        _("Send either an evidence package or a document, not both."),
                        "one_of",
                    )
                ]
            )
        return verify_package(data["evidence"])
    if files.get("document") is None:
        raise ValidationFailed(
            [
                FieldError(
                    "document",
                    _(
                        "Upload a document (with its signature, or a signed PDF) or an evidence package."
                    ),
                    "required",
                )
            ]
        )
    return verify_upload(data["document"], data["signature"])
