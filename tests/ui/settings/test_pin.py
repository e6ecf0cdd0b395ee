from __future__ import annotations

from pytestqt.qtbot import QtBot

from salto_desk.pin import verify_pin
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from ui.settings.pin import LockPage, PinPage


def stored_pin_hash(desk: Desk) -> str | None:
    with desk.database.unit_of_work() as session:
        return SettingsRepository(session).get(MANAGER_PIN)


def page_for(qtbot: QtBot, desk: Desk) -> PinPage:
    page = PinPage(desk.context)
    qtbot.addWidget(page)
    wait_idle(qtbot, page)
    return page


def enter(page: PinPage, new: str, repeat: str | None = None, current: str = "") -> None:
    page.current.setText(current)
    page.new.setText(new)
    page.repeat.setText(new if repeat is None else repeat)


def wait_idle(qtbot: QtBot, page: PinPage) -> None:
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)


def test_set_change_and_remove_the_pin(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert "No manager PIN is set" in page.status.text() and page.save_button.text() == "Set PIN"
    assert not page.current.isVisibleTo(page) and not page.remove_button.isVisibleTo(page)
    enter(page, "4821")
    page.save()
    wait_idle(qtbot, page)
    stored = stored_pin_hash(desk)
    assert stored is not None and stored.startswith("scrypt$") and "4821" not in stored
    assert verify_pin("4821", stored)
    assert page.save_button.text() == "Change PIN" and page.current.isVisibleTo(page)

    enter(page, "7777", current="1111")
    page.save()
    wait_idle(qtbot, page)
    assert "That is not the manager PIN." in page.message.text()
    assert stored_pin_hash(desk) == stored

    enter(page, "7777", current="4821")
    page.save()
    wait_idle(qtbot, page)
    changed = stored_pin_hash(desk)
    assert changed is not None and verify_pin("7777", changed)

    page.current.setText("4821")
    page.remove()
    wait_idle(qtbot, page)
    assert "That is not the manager PIN." in page.message.text()
    page.current.setText("7777")
    page.remove()
    wait_idle(qtbot, page)
    assert stored_pin_hash(desk) is None
    assert "removed" in page.message.text()


def test_a_bad_or_mistyped_new_pin_is_refused_before_hashing(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    enter(page, "12")
    page.save()
    wait_idle(qtbot, page)
    assert page.errors.marked() == ["pin"] and "4 to 12 digits" in page.message.text()
    enter(page, "123456", "123465")
    page.save()
    wait_idle(qtbot, page)
    assert page.errors.marked() == ["repeat"] and "The two new PINs differ." in page.message.text()
    assert stored_pin_hash(desk) is None


def test_the_lock_page_lets_only_the_right_pin_through(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    setter = page_for(qtbot, desk)
    enter(setter, "2468")
    setter.save()
    wait_idle(qtbot, setter)
    lock = LockPage(desk.context)
    qtbot.addWidget(lock)
    unlocked: list[bool] = []
    lock.unlocked.connect(lambda: unlocked.append(True))
    lock.pin.setText("2469")
    lock.unlock()
    qtbot.waitUntil(lambda: not lock.checking, timeout=WAIT_MS)
    assert unlocked == [] and "That is not the manager PIN." in lock.message.text()
    lock.pin.setText("2468")
    lock.unlock()
    qtbot.waitUntil(lambda: unlocked == [True], timeout=WAIT_MS)
    assert lock.pin.text() == ""
