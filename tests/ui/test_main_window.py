"""The main window: four tabs, menus, and a status bar for the SALTO links, the PMS sync and the encoders."""

from __future__ import annotations

import threading
from dataclasses import replace

from pytestqt.qtbot import QtBot

from salto_desk.keys.model import Holder, HolderKind
from salto_desk.storage import ConfigRepository
from tests.storage.helpers import database
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.main_window import MainWindow

__all__ = ["database", "make_desk"]


def open_window(qtbot: QtBot, desk: Desk) -> MainWindow:
    window = MainWindow(desk.context)
    qtbot.addWidget(window)
    return window


def test_the_four_tabs_in_the_order_of_the_user_guide(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    titles = [window.tabs.tabText(index) for index in range(window.tabs.count())]
    assert titles == ["Reservations", "Owners", "Read key", "Settings"]
    assert window.tabs.widget(0) is window.reservations
    assert window.tabs.widget(3) is window.settings


def test_the_link_state_of_each_administration_is_checked_with_enq(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "SALTO ok" in window.link_label.text(), timeout=WAIT_MS)
    assert window.link_label.text().startswith("Park De Wielewaal: SALTO ok (")
    desk.simulator.stop()
    window.check_links()
    qtbot.waitUntil(lambda: "unreachable" in window.link_label.text(), timeout=WAIT_MS)
    assert window.link_label.toolTip().startswith("Park De Wielewaal: ")
    assert len(window.link_label.toolTip()) > len("Park De Wielewaal: ")  # the core's message and action


def test_without_a_sync_engine_the_status_says_the_pms_is_not_set_up(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    assert window.sync_label.text() == "PMS: no connection set up"
    assert not window.sync_action.isEnabled()


def test_the_encoder_queue_is_shown_while_a_job_runs(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "SALTO ok" in window.link_label.text(), timeout=WAIT_MS)
    assert window.queue_label.text() == "Encoders: idle"
    release = threading.Event()
    queue = desk.context.encoder_queue(desk.administration)
    queue.submit("Print 2 cards", lambda _report: release.wait(WAIT_MS / 1000))
    try:
        qtbot.waitUntil(lambda: window.queue_label.text() == "Encoders: Print 2 cards", timeout=WAIT_MS)
        queue.submit("Read card", lambda _report: None)
        assert window.queue_label.text() == "Encoders: Print 2 cards (1 waiting)"
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.queue_label.text() == "Encoders: idle", timeout=WAIT_MS)


def test_a_read_card_opens_its_reservation(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    window.tabs.setCurrentWidget(window.read_key)
    window.read_key.open_holder.emit(Holder(HolderKind.RESERVATION, "3", "30-00003"))
    assert window.tabs.currentWidget() is window.reservations
    qtbot.waitUntil(lambda: window.reservations.selected() is not None, timeout=WAIT_MS)
    selected = window.reservations.selected()
    assert selected is not None and selected.reservation.pms_id == "3"


def test_a_configuration_change_reloads_the_administrations(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "Park De Wielewaal" in window.link_label.text(), timeout=WAIT_MS)
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            desk.administration.id, replace(desk.administration, name="Park Zeezicht")
        )
    desk.context.events.config_changed.emit()
    qtbot.waitUntil(lambda: "Park Zeezicht" in window.link_label.text(), timeout=WAIT_MS)


def test_dutch_window(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk(language="nl"))
    titles = [window.tabs.tabText(index) for index in range(window.tabs.count())]
    assert titles == ["Reserveringen", "Eigenaren", "Sleutel lezen", "Instellingen"]
    assert window.sync_label.text() == "PMS: geen koppeling ingesteld"
