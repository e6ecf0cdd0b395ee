from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from pytestqt.qtbot import QtBot

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.secrets import PMS_API_KEY
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository
from tests.conftest import MemoryKeyring
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from tests.ui.settings.helpers import shown, wait_loaded
from ui.settings.pms import PmsPage

KEY = "bex-live-4f1a9c2e7d"


@pytest.fixture
def demo_pms() -> Iterator[DemoPmsServer]:
    with DemoPmsServer(seed=3, reservations=5) as server:
        yield server


def base_url(desk: Desk) -> str | None:
    with desk.database.unit_of_work() as session:
        return SettingsRepository(session).get(PMS_BASE_URL)


def page_for(qtbot: QtBot, desk: Desk) -> PmsPage:
    return shown(qtbot, PmsPage(desk.context))


def save(qtbot: QtBot, page: PmsPage) -> None:
    """Press Save and wait for the core's answer (and the state read again after a save)."""
    page.save()
    assert page.saving and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: not page.saving, timeout=WAIT_MS)
    wait_loaded(qtbot, page)


def run_test(qtbot: QtBot, page: PmsPage) -> str:
    page.test()
    assert page.checking and not page.test_button.isEnabled()
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    return page.test_result.text()


def test_save_the_address_and_the_key_without_showing_it_back(
    qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring
) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert "No API key is stored yet." in page.key_status.text() and not page.remove_key_button.isEnabled()
    page.base_url.setText("https://api.example-bex.test/v3")
    page.api_key.setText(KEY)
    save(qtbot, page)
    assert base_url(desk) == "https://api.example-bex.test/v3"
    assert memory_keyring.secrets[("salto-desk", PMS_API_KEY)] == KEY
    assert page.api_key.text() == ""
    assert KEY not in page.key_status.text() and "...7d" not in page.key_status.text()
    assert "ending in ...2e7d" in page.key_status.text() and page.remove_key_button.isEnabled()
    assert page.base_url.text() == "https://api.example-bex.test/v3"
    page.base_url.setText("")
    save(qtbot, page)  # empty: back to the default address, the stored key stays
    assert base_url(desk) is None
    assert memory_keyring.secrets[("salto-desk", PMS_API_KEY)] == KEY


def test_a_short_key_is_not_shown_at_all(qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[("salto-desk", PMS_API_KEY)] = "short-key"
    page = page_for(qtbot, make_desk())
    assert page.key_status.text() == "An API key is stored in the keyring."


def test_an_unencrypted_address_is_refused_and_nothing_is_stored(
    qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring
) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.base_url.setText("http://bex.example.com/v3")
    page.api_key.setText(KEY)
    save(qtbot, page)
    assert page.errors.marked() == ["base_url"]
    assert "not encrypted (http)" in page.message.text()
    assert base_url(desk) is None and memory_keyring.secrets == {}
    assert page.base_url.text() == "http://bex.example.com/v3"  # left to correct


def test_a_key_with_spaces_is_refused(qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring) -> None:
    page = page_for(qtbot, make_desk())
    page.api_key.setText("two words")
    save(qtbot, page)
    assert page.errors.marked() == ["api_key"]
    assert memory_keyring.secrets == {}


def test_remove_the_stored_key(qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[("salto-desk", PMS_API_KEY)] = KEY
    page = page_for(qtbot, make_desk())
    assert page.remove_key_button.isEnabled()
    page.ask_remove_key()
    assert page.question is not None
    page.question.answer(True)
    assert page.saving
    qtbot.waitUntil(lambda: not page.saving, timeout=WAIT_MS)
    wait_loaded(qtbot, page)
    assert memory_keyring.secrets == {}
    assert "No API key is stored yet." in page.key_status.text() and "removed" in page.message.text()


def test_no_secure_keyring_is_said_plainly(qtbot: QtBot, make_desk: DeskFactory) -> None:
    keyring.set_keyring(FailKeyring())
    page = page_for(qtbot, make_desk())
    assert "no secure place to store the PMS API key" in page.key_status.text()
    assert not page.api_key.isEnabled() and not page.remove_key_button.isEnabled()


def test_the_connection_test_lists_the_administrations(
    qtbot: QtBot, make_desk: DeskFactory, demo_pms: DemoPmsServer
) -> None:
    page = page_for(qtbot, make_desk())
    page.base_url.setText(demo_pms.base_url)
    page.api_key.setText(DEMO_API_KEY)
    text = run_test(qtbot, page)
    count = len(demo_pms.store.all("administration"))
    assert count > 0
    assert f"BEX answered: the key gives access to {count} administrations (" in text


def test_the_connection_test_uses_the_stored_key(
    qtbot: QtBot, make_desk: DeskFactory, demo_pms: DemoPmsServer, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.secrets[("salto-desk", PMS_API_KEY)] = "not-the-demo-key"
    page = page_for(qtbot, make_desk())
    page.base_url.setText(demo_pms.base_url)
    text = run_test(qtbot, page)
    assert text.startswith("The test failed:")
    assert "BEX rejected the API key" in text


def test_the_connection_test_without_any_key(qtbot: QtBot, make_desk: DeskFactory, demo_pms: DemoPmsServer) -> None:
    page = page_for(qtbot, make_desk())
    page.base_url.setText(demo_pms.base_url)
    assert "No BEX API key is stored or entered." in run_test(qtbot, page)


def test_the_connection_test_of_a_bad_address_points_at_the_field(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    page.base_url.setText("bex.example.com")
    run_test(qtbot, page)
    assert page.errors.marked() == ["base_url"] and "is not a web address" in page.message.text()
    assert page.test_result.text() == ""
