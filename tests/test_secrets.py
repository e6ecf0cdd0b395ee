from __future__ import annotations

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from salto_desk.errors import SaltoDeskError
from salto_desk.secrets import (
    PMS_API_KEY,
    SERVICE_NAME,
    InsecureKeyringError,
    KeyringFailure,
    SecretStore,
    keyring_is_secure,
)
from tests.conftest import MemoryKeyring


class PlaintextLikeKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend (priority 0.5)."""

    priority = 0.5  # type: ignore[assignment]


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("access denied")


def test_secrets_round_trip_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set(PMS_API_KEY, "  key-123  ")
    assert memory_keyring.secrets[(SERVICE_NAME, PMS_API_KEY)] == "key-123"
    assert store.get(PMS_API_KEY) == "key-123"
    store.delete(PMS_API_KEY)
    assert store.get(PMS_API_KEY) is None
    store.delete(PMS_API_KEY)  # deleting twice is fine


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), PlaintextLikeKeyring()])
def test_no_secure_backend_is_said_plainly_and_nothing_is_stored(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(InsecureKeyringError) as caught:
        SecretStore().set(PMS_API_KEY, "key-123")
    assert "no secure place" in caught.value.message.en
    assert "geen veilige plek" in caught.value.message.nl
    assert caught.value.action is not None and "plain text" in caught.value.action.en
    assert getattr(backend, "secrets", {}) == {}
    with pytest.raises(InsecureKeyringError):
        SecretStore().get(PMS_API_KEY)


def test_a_chain_is_secure_only_when_every_member_is(monkeypatch: pytest.MonkeyPatch) -> None:
    chain = ChainerBackend()
    monkeypatch.setattr(ChainerBackend, "backends", [MemoryKeyring(), PlaintextLikeKeyring()])
    assert not keyring_is_secure(chain)
    monkeypatch.setattr(ChainerBackend, "backends", [MemoryKeyring()])
    assert keyring_is_secure(chain)
    monkeypatch.setattr(ChainerBackend, "backends", [])
    assert not keyring_is_secure(chain)


def test_a_refusing_keyring_gives_a_bilingual_error() -> None:
    keyring.set_keyring(LockedKeyring())
    with pytest.raises(KeyringFailure) as caught:
        SecretStore().set(PMS_API_KEY, "key-123")
    assert "refused to store" in caught.value.message.en and "access denied" in caught.value.message.en
    with pytest.raises(KeyringFailure) as read:
        SecretStore().get(PMS_API_KEY)
    assert "lezen" in read.value.message.nl


def test_an_empty_secret_is_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SaltoDeskError):
        SecretStore().set(PMS_API_KEY, "   ")
    assert memory_keyring.secrets == {}
