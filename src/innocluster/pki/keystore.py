"""The platform's private keys, encrypted at rest with a passphrase from the environment.

Services (the CA, the TSA, the log's tree-head signer, the Fund's PAdES signer) ask for their key
by name; the first call makes it. Decrypted keys stay in this process's memory only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.conf import settings
from django.db import IntegrityError, transaction

from .models import StoredKey

_cache: dict[tuple[str, str], PrivateKeyTypes] = {}
_lock = threading.Lock()


def _passphrase() -> bytes:
    passphrase = settings.KEYSTORE_PASSPHRASE
    if not passphrase:
        raise RuntimeError("KEYSTORE_PASSPHRASE is empty: the platform's keys cannot be opened")
    return passphrase.encode()


def algorithm_of(key: PrivateKeyTypes) -> str:
    """A short name of the key's algorithm, e.g. ``ec-secp256r1`` or ``rsa-3072``."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"ec-{key.curve.name}"
    size = getattr(key, "key_size", None)
    return f"{type(key).__name__.removesuffix('PrivateKey').lower()}" + (f"-{size}" if size else "")


def new_ec_key() -> PrivateKeyTypes:
    """The default key for platform services: ECDSA on P-256, what WebCrypto also offers."""
    return ec.generate_private_key(ec.SECP256R1())


def store_key(name: str, key: PrivateKeyTypes, *, replace: bool = False) -> StoredKey:
    """Encrypt and store ``key`` under ``name``. Refuses to overwrite unless ``replace``."""
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    fields = {
        "algorithm": algorithm_of(key),
        "encrypted_private_key": encrypted,
        "public_key_pem": public,
    }
    if replace:
        stored, _created = StoredKey.objects.update_or_create(name=name, defaults=fields)
    else:
        stored = StoredKey.objects.create(name=name, **fields)
    with _lock:
        _cache.pop((name, _db_alias()), None)
    return stored


def _db_alias() -> str:
    # Keys differ per database (tests run against several): cache per database name.
    return str(settings.DATABASES["default"]["NAME"])


def load_key(name: str) -> PrivateKeyTypes | None:
    """The decrypted key stored under ``name``, or None if there is none."""
    cache_key = (name, _db_alias())
    with _lock:
        if cache_key in _cache:
            return _cache[cache_key]
    stored = StoredKey.objects.filter(name=name).first()
    if stored is None:
        return None
    key = serialization.load_pem_private_key(stored.encrypted_private_key.encode(), _passphrase())
    with _lock:
        _cache[cache_key] = key
    return key


def get_or_create_key(
    name: str, factory: Callable[[], PrivateKeyTypes] = new_ec_key
) -> PrivateKeyTypes:
    """The key stored under ``name``, made with ``factory`` on first use. Two processes racing
    to make it end up with the same key: the loser of the insert reads the winner's."""
    key = load_key(name)
    if key is not None:
        return key
    try:
        with transaction.atomic():
            store_key(name, factory())
    except IntegrityError:
        pass
    loaded = load_key(name)
    assert loaded is not None
    return loaded


_forget_hooks: list[Callable[[], None]] = []


def on_forget(hook: Callable[[], None]) -> None:
    """Call ``hook`` whenever cached keys are dropped (caches derived from keys or rows)."""
    _forget_hooks.append(hook)


def forget_cached_keys() -> None:
    """Drop decrypted keys from memory (tests that rebuild the database call this)."""
    with _lock:
        _cache.clear()
    for hook in _forget_hooks:
        hook()
