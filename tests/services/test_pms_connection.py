"""The BEX connection: the address in the database, the key in the keyring, and the key never handed back."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.errors import ValidationError
from salto_desk.pms.errors import PmsError
from salto_desk.secrets import PMS_API_KEY, InsecureKeyringError, SecretStore
from salto_desk.services.pms_connection import MissingApiKey, PmsConnection, PmsConnectionState
from salto_desk.storage import Database, SettingsRepository
from salto_desk.storage.settings_repository import PMS_BASE_URL
from tests.conftest import MemoryKeyring
from tests.storage.helpers import database as database

KEY = "bex-live-4f1a9c2e7d"
STORED = ("salto-desk", PMS_API_KEY)


@pytest.fixture
def demo_pms() -> Iterator[DemoPmsServer]:
    with DemoPmsServer(seed=3, reservations=2) as server:
        yield server


def stored_base_url(database: Database) -> str | None:
    with database.unit_of_work() as session:
        return SettingsRepository(session).get(PMS_BASE_URL)


def test_save_the_address_and_key_and_see_only_the_keys_end(database: Database, memory_keyring: MemoryKeyring) -> None:
    connection = PmsConnection(database, SecretStore())
    assert connection.state() == PmsConnectionState("")
    connection.save(" https://api.example-bex.test/v3 ", f" {KEY} ")
    assert stored_base_url(database) == "https://api.example-bex.test/v3"
    assert memory_keyring.secrets[STORED] == KEY
    state = connection.state()
    assert state == PmsConnectionState("https://api.example-bex.test/v3", key_stored=True, key_ending="2e7d")
    assert KEY not in repr(state)
    connection.save("")  # the default address; the stored key stays
    assert stored_base_url(database) is None and memory_keyring.secrets[STORED] == KEY


def test_a_short_key_is_not_shown_at_all(database: Database, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[STORED] = "short-key"
    assert PmsConnection(database, SecretStore()).state() == PmsConnectionState("", key_stored=True)


@pytest.mark.parametrize(("address", "key", "field"), [
    ("http://bex.example.com/v3", KEY, "base_url"), ("bex.example.com", "", "base_url"), ("", "two words", "api_key"),
])  # fmt: skip
def test_a_bad_address_or_key_stores_nothing(
    database: Database, memory_keyring: MemoryKeyring, address: str, key: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        PmsConnection(database, SecretStore()).save(address, key)
    assert caught.value.field == field
    assert stored_base_url(database) is None and memory_keyring.secrets == {}


def test_remove_the_key(database: Database, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[STORED] = KEY
    connection = PmsConnection(database, SecretStore())
    connection.remove_key()
    assert memory_keyring.secrets == {} and not connection.state().key_stored
    connection.remove_key()  # nothing stored: nothing to do


def test_without_a_secure_keyring_the_state_says_why(database: Database) -> None:
    keyring.set_keyring(FailKeyring())
    state = PmsConnection(database, SecretStore()).state()
    assert isinstance(state.keyring_problem, InsecureKeyringError) and not state.keyring_usable
    assert not state.key_stored


def test_check_lists_the_administrations_the_key_sees(database: Database, demo_pms: DemoPmsServer) -> None:
    connection = PmsConnection(database, SecretStore())
    names = connection.check(demo_pms.base_url, DEMO_API_KEY)
    assert len(names) == len(demo_pms.store.all("administration")) > 0
    assert stored_base_url(database) is None  # a check stores nothing


def test_check_uses_the_stored_key_and_says_when_there_is_none(
    database: Database, demo_pms: DemoPmsServer, memory_keyring: MemoryKeyring
) -> None:
    connection = PmsConnection(database, SecretStore())
    with pytest.raises(MissingApiKey):
        connection.check(demo_pms.base_url)
    memory_keyring.secrets[STORED] = "not-the-demo-key"
    with pytest.raises(PmsError) as caught:
        connection.check(demo_pms.base_url)
    assert "BEX rejected the API key" in caught.value.user_message()


def connected(database: Database, memory_keyring: MemoryKeyring, base_url: str) -> PmsConnection:
    memory_keyring.secrets[STORED] = DEMO_API_KEY
    with database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, base_url)
    return PmsConnection(database, SecretStore())


def test_an_administration_id_is_checked_against_what_bex_lists_for_the_key(
    database: Database, memory_keyring: MemoryKeyring, demo_pms: DemoPmsServer
) -> None:
    connection = connected(database, memory_keyring, demo_pms.base_url)
    listed = demo_pms.store.all("administration")
    first = listed[0]
    known = connection.check_administration(f" {first.id} ")
    assert known.known is True and known.pms_id == first.id and "BEX knows this administration" in known.said.en
    unknown = connection.check_administration("abc")
    assert unknown.known is False
    assert unknown.said.en.startswith("BEX does not know the administration id 'abc' for this API key. It lists: ")
    assert first.id in unknown.said.en and "kent het administratie-id 'abc' niet" in unknown.said.nl


def test_an_id_that_cannot_be_checked_is_not_refused(database: Database, memory_keyring: MemoryKeyring) -> None:
    connection = connected(database, memory_keyring, "http://127.0.0.1:9/v3")  # nothing listens on port 9
    unreachable = connection.check_administration("123")
    assert unreachable.known is None and unreachable.said.en.startswith("Could not check this id with BEX: ")
    memory_keyring.secrets.clear()
    no_key = connection.check_administration("123")
    assert no_key.known is None and "No BEX API key" in no_key.said.en
