"""The content store: documents' bytes in files named by their SHA-256.

``DOCUMENT_STORE_DIR/ab/cd/<sha256>``: the same bytes always have the same address, a file is
written once (temporary file, fsync, rename) and never overwritten, and every read checks that
the bytes still hash to their name, so a file changed on disk is detected, never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

from .choices import MediaType


class ContentCorrupted(Exception):
    """Stored bytes no longer match their address (changed or truncated on disk), or are gone."""

    def __init__(self, sha256: str, message: str):
        super().__init__(message)
        self.sha256 = sha256


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value) -> bytes:
    """JSON content as stored: sorted keys, no insignificant spaces, UTF-8, so one value has one
    hash however the client ordered or spaced it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def looks_like_pdf(data: bytes) -> bool:
    """A PDF as the pki layer judges it, or before it exists a structural check: the header at
    the start and an end-of-file marker near the end."""
    try:
        from innocluster.pki.pades import looks_like_pdf as pki_looks_like_pdf
    except ImportError:
        pki_looks_like_pdf = None
    if pki_looks_like_pdf is not None:
        return bool(pki_looks_like_pdf(data))
    return data[:1024].lstrip().startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def prepare_content(content: bytes | dict | list, media_type: str, field: str = "content") -> bytes:
    """The bytes to store for ``content`` of ``media_type``; raise ``ValidationFailed`` naming
    ``field`` for content that is not what it claims, empty, or over DOCUMENT_MAX_BYTES."""
    if media_type not in MediaType.values:
        raise ValidationFailed(
            [
                FieldError(
                    "media_type",
                    _("Must be one of: %s.") % ", ".join(MediaType.values),
                    "invalid_choice",
                )
            ]
        )
    if media_type == MediaType.JSON:
        if isinstance(content, bytes | bytearray):
            try:
                content = json.loads(bytes(content).decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise ValidationFailed(
                    [FieldError(field, _("The content is not valid UTF-8 JSON."), "invalid_json")]
                ) from None
        try:
            data = canonical_json(content)
        except (TypeError, ValueError, RecursionError):
            raise ValidationFailed(
                [FieldError(field, _("The content cannot be written as JSON."), "invalid_json")]
            ) from None
    else:
        if not isinstance(content, bytes | bytearray):
            raise ValidationFailed(
                [FieldError(field, _("A PDF is sent as its bytes."), "invalid_pdf")]
            )
        data = bytes(content)
    if not data:
        raise ValidationFailed([FieldError(field, _("The content is empty."), "empty")])
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    _("The content is larger than the limit of %(limit)d bytes.")
                    % {"limit": settings.DOCUMENT_MAX_BYTES},
                    "too_large",
                )
            ]
        )
    if media_type == MediaType.PDF and not looks_like_pdf(data):
        raise ValidationFailed(
            [FieldError(field, _("The content is not a PDF file."), "not_a_pdf")]
        )
    return data


# What an uploaded file's name may not hold: path separators and control characters.
FILENAME_BAD = re.compile(r"[/\\\x00-\x1f\x7f]")


def check_upload(errors: list, filename, content) -> str:
    """An uploaded file's name (stripped), its problems appended to ``errors`` as
    ``FieldError``s: ``filename`` (empty, over 255 characters, a slash or control character,
    ``.`` or ``..``) and ``content`` (empty, or over DOCUMENT_MAX_BYTES)."""
    name = filename.strip() if isinstance(filename, str) else ""
    if not name or len(name) > 255 or FILENAME_BAD.search(name) or name in (".", ".."):
        errors.append(
            FieldError(
                "filename",
                _("Give a file name of at most 255 characters, without slashes."),
                "invalid",
            )
        )
    if not isinstance(content, bytes | bytearray) or not content:
        errors.append(FieldError("content", _("The file is empty."), "required"))
    elif len(content) > settings.DOCUMENT_MAX_BYTES:
        errors.append(
            FieldError(
                "content",
                _("The file is larger than %(limit)d bytes.")
                % {"limit": settings.DOCUMENT_MAX_BYTES},
                "too_large",
            )
        )
    return name


def store_upload(name: str, content: bytes, actor) -> dict:
    """Store a checked upload (see ``check_upload``) and return the fields its row keeps:
    ``filename``, ``media_type`` (guessed from the name), ``sha256``, ``size``, ``uploaded_by``
    (None for an API token)."""
    return {
        "filename": name,
        "media_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "sha256": put(bytes(content)),
        "size": len(content),
        "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }


def _root() -> Path:
    return Path(settings.DOCUMENT_STORE_DIR)


def path_for(sha256: str) -> Path:
    """Where the bytes with this hash live."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _root() / sha256[:2] / sha256[2:4] / sha256


def put(data: bytes) -> str:
    """Store ``data`` and return its SHA-256 (hex). Writing the same bytes again is a no-op; an
    existing file is never overwritten (a damaged one is found by ``get`` and ``documents
    check``, not silently repaired)."""
    digest = sha256_hex(data)
    target = path_for(digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o444)
        # A hard link fails if the name exists: never overwrite, even when two writers race.
        try:
            os.link(temp_name, target)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not target.exists():
                os.rename(temp_name, target)
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
    return digest


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def exists(sha256: str) -> bool:
    return path_for(sha256).exists()


def get(sha256: str) -> bytes:
    """The bytes stored under ``sha256``; raise ``ContentCorrupted`` if they are gone or no
    longer hash to their name."""
    try:
        data = path_for(sha256).read_bytes()
    except FileNotFoundError:
        raise ContentCorrupted(sha256, f"content {sha256} is missing from the store") from None
    if sha256_hex(data) != sha256:
        raise ContentCorrupted(sha256, f"content {sha256} has changed on disk")
    return data
