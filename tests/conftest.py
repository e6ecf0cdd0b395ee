"""Test-wide set-up: offscreen Qt, private platform folders and a keyring that never touches the developer's
real one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import keyring
import keyring.backend
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any test module imports Qt
# Commands run in tests write logs and data to the platform folders: never the developer's own ones.
_PLATFORM_FOLDERS = tempfile.mkdtemp(prefix="salto-desk-tests-")
for _variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_variable] = os.path.join(_PLATFORM_FOLDERS, _variable.lower())


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A secure-enough backend for tests: secrets live in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_PLATFORM_FOLDERS, ignore_errors=True)
