"""The platform's keys are stored encrypted with the passphrase from the environment."""

import pytest
from cryptography.hazmat.primitives import serialization

from innocluster.pki import keystore
from innocluster.pki.models import StoredKey

pytestmark = pytest.mark.django_db


def test_a_key_is_made_once_and_stored_encrypted():
    key = keystore.get_or_create_key("test-service")
    keystore.forget_cached_keys()
    again = keystore.get_or_create_key("test-service")
    assert again.private_numbers() == key.private_numbers()
    stored = StoredKey.objects.get(name="test-service")
    assert "ENCRYPTED PRIVATE KEY" in stored.encrypted_private_key
    assert "test-service" in repr(stored) and "ENCRYPTED" not in repr(stored)
    with pytest.raises(TypeError):  # unreadable without the passphrase
        serialization.load_pem_private_key(stored.encrypted_private_key.encode(), None)


def test_a_wrong_passphrase_cannot_open_the_key(settings):
    keystore.get_or_create_key("test-service")
    keystore.forget_cached_keys()
    settings.KEYSTORE_PASSPHRASE = "not the passphrase"
    with pytest.raises(ValueError):
        keystore.load_key("test-service")
