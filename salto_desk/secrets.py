"""Secrets (the PMS API key) live in the operating system's keyring, never in the database.

When the only keyring available would store secrets in plain text, or not at all, the user is told
so plainly; there is deliberately no fallback that quietly writes the key to a file.
"""

from __future__ import annotations

import getpass
import sys
import threading

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from salto_desk.errors import SaltoDeskError, Text

SERVICE_NAME = "salto-desk"
PMS_API_KEY = "pms-api-key"

# keyring's own scale: the OS stores (Windows Credential Manager, macOS Keychain, Secret Service,
# KWallet) rank 1 and up; plaintext files, "fail" and "null" rank below 1.
SECURE_PRIORITY = 1.0

# Every secret value this process has read or stored, so that the log filter can mask it.
_known_values: set[str] = set()
_known_guard = threading.Lock()


def remember_secret(value: str | None) -> str | None:
    """Have the log filter mask ``value`` from now on (a store that bypasses the keyring calls this too)."""
    if value:
        with _known_guard:
            _known_values.add(value)
    return value


def known_secret_values() -> frozenset[str]:
    """The secret values read from or stored in the keyring by this process (for masking logs)."""
    with _known_guard:
        return frozenset(_known_values)


class InsecureKeyringError(SaltoDeskError):
    """No keyring backend that keeps secrets safe is available on this computer."""

    def __init__(self, backend: KeyringBackend) -> None:
        super().__init__(
            Text(
                f"This computer has no secure place to store the PMS API key (keyring backend: "
                f"{type(backend).__module__}.{type(backend).__name__}).",
                f"Deze computer heeft geen veilige plek om de PMS-API-sleutel te bewaren (keyring-backend: "
                f"{type(backend).__module__}.{type(backend).__name__}).",
            ),
            Text(
                "Salto Desk does not store it in plain text. On Linux, install and unlock a Secret Service "
                "keyring (GNOME Keyring or KWallet); Windows and macOS have one built in.",
                "Salto Desk bewaart de sleutel niet als leesbare tekst. Installeer en ontgrendel op Linux een "
                "Secret Service-sleutelbos (GNOME Keyring of KWallet); Windows en macOS hebben er een ingebouwd.",
            ),
        )


class KeyringFailure(SaltoDeskError):
    """The keyring exists but refused the operation (locked, access denied...)."""


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend that is not viable here says so by raising from its priority
        return 0.0


def keyring_is_secure(backend: KeyringBackend) -> bool:
    """True when every store the backend may write to is an OS-protected one."""
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(keyring_is_secure(each) for each in chained)
    return _priority(backend) >= SECURE_PRIORITY


class SecretStore:
    """Named secrets of this installation in the OS keyring."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    def get(self, name: str) -> str | None:
        backend = self._secure_backend()
        try:
            return remember_secret(backend.get_password(self.service, name))
        except keyring.errors.KeyringError as error:
            raise self._failure("read", error) from error

    def set(self, name: str, value: str) -> None:
        if not value.strip():
            raise SaltoDeskError(
                Text("An empty secret cannot be stored.", "Een leeg geheim kan niet worden opgeslagen."),
                Text(
                    "Paste the whole key, or delete the stored one.",
                    "Plak de hele sleutel, of verwijder de opgeslagen.",
                ),
            )
        backend = self._secure_backend()
        try:
            backend.set_password(self.service, name, value.strip())
            remember_secret(value.strip())
        except keyring.errors.KeyringError as error:
            raise self._failure("store", error) from error

    def delete(self, name: str) -> None:
        """Forget a secret; forgetting one that is not there is fine."""
        backend = self._secure_backend()
        try:
            backend.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as error:
            raise self._failure("delete", error) from error

    @staticmethod
    def _secure_backend() -> KeyringBackend:
        backend = keyring.get_keyring()
        if not keyring_is_secure(backend):
            raise InsecureKeyringError(backend)
        return backend

    @staticmethod
    def _failure(verb: str, error: Exception) -> KeyringFailure:
        dutch = {"read": "lezen", "store": "opslaan", "delete": "verwijderen"}[verb]
        return KeyringFailure(
            Text(
                f"The keyring refused to {verb} the secret: {error}.",
                f"De sleutelbos weigerde het geheim te {dutch}: {error}.",
            ),
            Text(
                "Unlock the keyring of your user account and try again.",
                "Ontgrendel de sleutelbos van uw gebruikersaccount en probeer het opnieuw.",
            ),
        )


def ask_secret(prompt: str) -> str:
    """A secret typed at the terminal without echo, or one line read from a pipe (scripts); never an
    argument, which anyone on the computer could read in the process list."""
    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
