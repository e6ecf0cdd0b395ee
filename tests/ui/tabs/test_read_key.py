"""Read key tab against the simulator: guest and blank cards, SALTO errors, cancel and the holder link."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import Administration, AuthorizationName, Encoder, Holder, HolderKind
from salto_desk.keys.rules import EncodeMode
from salto_desk.paths import app_paths
from salto_desk.protocol.errors import ERROR_CODES
from salto_desk.protocol.messages import CardType
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from tests.operations.helpers import salto_operations
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from ui.context import DeskContext
from ui.tabs.read_key import ENCODER_SETTING, ReadKeyTab

WAIT_MS = 10_000


@dataclass
class Desk:
    simulator: Simulator
    database: Database
    administration: Administration
    encoder: Encoder
    context: DeskContext
    settings_file: Path

    def tab(self, qtbot: QtBot, loaded: int = 1) -> ReadKeyTab:
        tab = ReadKeyTab(self.context)
        qtbot.addWidget(tab)
        qtbot.waitUntil(lambda: tab.encoders.count() == loaded, timeout=WAIT_MS)
        return tab


@pytest.fixture
def desk(database: Database, tmp_path: Path) -> Iterator[Desk]:
    with Simulator(SimulatorConfig(card_delay=0.0, card_timeout=WAIT_MS / 1000)) as simulator:
        administration = add_administration(database, salto_endpoint=simulator.endpoint, reply_timeout=10,
                                            default_operator="Desk 1")  # fmt: skip
        with database.unit_of_work() as session:
            ConfigRepository(session).replace_authorization_names(
                administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool")]
            )
        encoder = add_encoder(database, administration, "Front desk", "1")
        settings_file = tmp_path / "desk.ini"
        context = DeskContext(
            database,
            QSettings(str(settings_file), QSettings.Format.IniFormat),
            clock=lambda: NOW,
            paths=app_paths(tmp_path),
        )
        yield Desk(simulator, database, administration, encoder, context, settings_file)
        context.shutdown()


def read(qtbot: QtBot, tab: ReadKeyTab) -> None:
    tab.start_button.click()
    qtbot.waitUntil(lambda: tab.start_button.isEnabled(), timeout=WAIT_MS)


def test_lists_every_encoder_of_every_administration_and_remembers_the_choice(desk: Desk, qtbot: QtBot) -> None:
    other = add_administration(desk.database, pms_id="adm-2", name="Hotel Duin", salto_endpoint="127.0.0.1:9")
    add_encoder(desk.database, other, "Back office", "2")
    tab = desk.tab(qtbot, loaded=2)
    labels = [tab.encoders.itemText(index) for index in range(tab.encoders.count())]
    assert sorted(labels) == ["Back office (Hotel Duin)", "Front desk (Park Zeezicht)"]
    other_index = 1 - tab.encoders.currentIndex()
    tab.encoders.setCurrentIndex(other_index)
    chosen = tab.chosen()
    assert chosen is not None
    desk.context.settings.sync()
    reopened = QSettings(str(desk.settings_file), QSettings.Format.IniFormat)
    assert int(str(reopened.value(ENCODER_SETTING))) == chosen.encoder.id
    again = desk.tab(qtbot, loaded=2)
    assert again.encoders.currentIndex() == other_index and again.chosen() == chosen


def test_without_encoders_start_is_off_and_the_tab_says_where_to_add_one(database: Database, qtbot: QtBot,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    context = DeskContext(database, QSettings(str(tmp_path / "d.ini"), QSettings.Format.IniFormat),
                          paths=app_paths(tmp_path))  # fmt: skip
    try:
        tab = ReadKeyTab(context)
        qtbot.addWidget(tab)
        qtbot.waitUntil(lambda: "Settings > Encoders" in tab.notice.text(), timeout=WAIT_MS)
        assert not tab.start_button.isEnabled()
        assert not tab.how_to.isVisibleTo(tab)  # nothing to place a card on yet
    finally:
        context.shutdown()


def test_reads_a_guest_card_with_names_validity_and_the_link_to_its_reservation(desk: Desk, qtbot: QtBot) -> None:
    key_type = add_key_type(desk.database, desk.administration)
    with desk.database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(desk.administration, key_type, rooms=("103",), granted=(2, 1, 7)),
                                         NOW)  # fmt: skip
    salto_operations(desk.database, clock=lambda: NOW).encode_cards(key, desk.encoder, 2, EncodeMode.NEW)
    tab = desk.tab(qtbot)
    assert tab.how_to.isVisibleTo(tab) and "press Start" in tab.how_to.text()  # says what to do before Start
    read(qtbot, tab)
    assert not tab.how_to.isVisibleTo(tab)
    report = tab.report()
    assert report is not None and report.readout.card_type is CardType.GUEST
    assert tab.card_box.isVisibleTo(tab)
    assert tab.card_type.text() == "Guest card"
    assert tab.rooms.text() == "103"
    assert tab.status.text() == "Valid (checked in)."
    assert tab.copy.text() == "copy 1"
    assert tab.authorizations.text() == "2 Pool, 1 Main gate, 7"
    assert tab.valid_from.text() == "01-07-2030 17:00 (Europe/Amsterdam)"  # NOW + 5 h, in the site's zone
    assert tab.valid_until.text() == "04-07-2030 12:00 (Europe/Amsterdam)"
    assert tab.operator.text() == "Desk 1"
    assert tab.belongs_to.text() == "Reservation: 25-00123 Jansen"
    assert tab.holder_button.isVisibleTo(tab) and tab.holder_button.text() == "Open reservation"
    with qtbot.waitSignal(tab.open_holder, timeout=WAIT_MS) as opened:
        tab.holder_button.click()
    assert opened.args == [Holder(HolderKind.RESERVATION, "res-1", "25-00123 Jansen")]
    assert not tab.prompt.error_label.isVisibleTo(tab)


def test_a_checked_out_card_says_so_and_has_no_holder_when_its_key_data_is_gone(desk: Desk, qtbot: QtBot) -> None:
    key_type = add_key_type(desk.database, desk.administration)
    with desk.database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(desk.administration, key_type), NOW)
    service = salto_operations(desk.database, clock=lambda: NOW)
    service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    service.delete_key(key)
    tab = desk.tab(qtbot)
    read(qtbot, tab)
    assert tab.status.text().startswith("Checked out")
    assert tab.copy.text() == "original"
    assert "No key data" in tab.belongs_to.text()
    assert not tab.holder_button.isVisibleTo(tab)


def test_reads_a_blank_card(desk: Desk, qtbot: QtBot) -> None:
    tab = desk.tab(qtbot)
    read(qtbot, tab)
    assert tab.card_type.text() == "Blank or unknown card"
    assert tab.rooms.text() == "—" and tab.belongs_to.text() == "—"
    assert not tab.holder_button.isVisibleTo(tab)


def test_dutch_wording(desk: Desk, qtbot: QtBot) -> None:
    desk.context.language = "nl"
    tab = desk.tab(qtbot)
    assert tab.start_button.text() == "&Start"
    assert tab.how_to.text().startswith("Leg de kaart op de encoder")
    read(qtbot, tab)
    assert tab.card_type.text() == "Lege of onbekende kaart" and tab.prompt.step_label.text() == "Klaar."


def test_an_unknown_encoder_shows_salto_nc_with_its_action(desk: Desk, qtbot: QtBot) -> None:
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).delete_encoder(desk.encoder.id)
    add_encoder(desk.database, desk.administration, "Lost encoder", "9")
    tab = desk.tab(qtbot)
    read(qtbot, tab)
    assert tab.prompt.error_label.text() == ERROR_CODES["NC"].message.en
    assert tab.prompt.action_label.text() == ERROR_CODES["NC"].action.en
    assert not tab.card_box.isVisibleTo(tab) and tab.report() is None


def test_no_card_on_the_encoder_shows_salto_ed(desk: Desk, qtbot: QtBot) -> None:
    desk.simulator.state.no_card = True
    desk.simulator.state.card_timeout = 0.2
    tab = desk.tab(qtbot)
    read(qtbot, tab)
    assert tab.prompt.error_label.text().startswith(ERROR_CODES["ED"].message.en)
    assert tab.prompt.action_label.text() == ERROR_CODES["ED"].action.en
    assert tab.prompt.step_label.text() == "Failed."


def test_cancel_during_the_card_wait(desk: Desk, qtbot: QtBot) -> None:
    desk.simulator.state.no_card = True
    tab = desk.tab(qtbot)
    assert not tab.prompt.isVisibleTo(tab)
    tab.start_button.click()
    assert tab.prompt.cancel_button.isVisibleTo(tab) and not tab.start_button.isEnabled()
    qtbot.waitUntil(lambda: tab.prompt.step_label.text() == "Place the card on encoder Front desk.", timeout=WAIT_MS)
    assert tab.prompt.remaining_seconds() in range(1, 11)  # counts down from the administration's reply timeout
    tab.prompt.cancel_button.click()
    qtbot.waitUntil(lambda: tab.start_button.isEnabled(), timeout=WAIT_MS)
    assert tab.prompt.step_label.text() == "Cancelled."
    assert tab.prompt.error_label.text() == "The operation was cancelled." and tab.report() is None
    assert not tab.prompt.cancel_button.isVisibleTo(tab) and not tab.card_box.isVisibleTo(tab)
    read(qtbot, tab)  # SALTO still holds the cancelled job on the encoder until its own card wait ends
    assert tab.prompt.steps()[0] == "Sending to SALTO..." and tab.prompt.step_label.text() == "Failed."
    assert tab.prompt.error_label.text() == ERROR_CODES["OV"].message.en
