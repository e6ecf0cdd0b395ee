from __future__ import annotations

import platform
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QSettings, qVersion
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from salto_desk import __version__
from salto_desk.keys.model import Administration, AdministrationSettings
from salto_desk.paths import app_paths
from salto_desk.protocol.messages import CheckOut, EncodeCommand, MobileKey, ReadCard
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import open_database
from tests.ui.items import python_made
from ui.context import DeskContext
from ui.dialogs.about import COMMANDS, AboutDialog, administration_features, component_versions


def administration(**changes: object) -> Administration:
    values: dict[str, typing.Any] = {"id": 1, "pms_id": "12", "name": "Park Zeezicht"}
    values["salto_endpoint"] = "127.0.0.1:8090"
    values.update(changes)
    return Administration(**values)


def labels(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_component_versions_name_the_app_qt_pyside_and_python() -> None:
    versions = dict(component_versions())
    assert versions["Salto Desk"] == __version__
    assert versions["Qt"] == qVersion()
    assert versions["PySide6"] == PySide6.__version__
    assert versions["Python"].startswith(platform.python_version())


def test_every_listed_command_is_one_the_protocol_sends() -> None:
    known = {"ENQ", *typing.get_args(EncodeCommand), *typing.get_args(typing.get_type_hints(MobileKey)["command"])}
    known |= {CheckOut.command, ReadCard.command}
    assert {code for code, _use in COMMANDS} <= known
    assert {"CN", "CC", "CNM", "CCM", "CO", "LT"} <= {code for code, _use in COMMANDS}


@pytest.fixture
def make_context(tmp_path: Path) -> Iterator[Callable[[str], DeskContext]]:
    database = open_database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    contexts: list[DeskContext] = []

    def make(language: str = "en") -> DeskContext:
        settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
        context = DeskContext(database, settings, language=language, paths=app_paths(tmp_path))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.shutdown()
    database.dispose()


def test_the_dialog_shows_versions_commands_sites_and_the_log_file(
    qtbot: QtBot, tmp_path: Path, make_context: Callable[[str], DeskContext]
) -> None:
    context = make_context("en")
    with context.database.unit_of_work() as session:
        ConfigRepository(session).add_administration(
            AdministrationSettings(pms_id="12", name="Park Zeezicht", salto_endpoint="127.0.0.1:8090")
        )
    dialog = AboutDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "Park Zeezicht" in dialog.sites.text(), timeout=5000)
    assert dialog.sites.text().startswith("Park Zeezicht: TCP 127.0.0.1:8090, SALTO 1.20, ASCII")
    text = labels(dialog)
    assert f"Salto Desk {__version__}" in text
    assert qVersion() in text and PySide6.__version__ in text and platform.python_version() in text
    assert str(tmp_path / "logs" / "salto-desk.log") in text
    codes = [dialog.commands.item(row, 0).text() for row in range(dialog.commands.rowCount())]
    assert codes == [code for code, _use in COMMANDS]
    assert python_made(dialog.commands) == []


def test_the_dialog_speaks_dutch(qtbot: QtBot, make_context: Callable[[str], DeskContext]) -> None:
    dialog = AboutDialog(make_context("nl"))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Over Salto Desk"
    assert dialog.commands.item(0, 1).text().startswith("gereedheidscontrole")
    qtbot.waitUntil(lambda: dialog.sites.text() == "Er is nog geen administratie ingesteld.", timeout=5000)


def test_a_database_failure_is_shown_in_place_of_the_sites(
    qtbot: QtBot, make_context: Callable[[str], DeskContext]
) -> None:
    context = make_context("en")
    with context.database.unit_of_work() as session:
        session.execute(text("DROP TABLE administrations"))  # the schema is gone: reading fails
    dialog = AboutDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sites.text().startswith("The administrations could not be read"), timeout=5000)


def test_administration_features_describe_the_wire_settings() -> None:
    serial = administration(
        salto_endpoint="COM3",
        serial_baudrate=19200,
        text_encoding="latin-1",
        trailing_fields="trim",
        send_lrc=False,
        acknowledge_replies=True,
        include_license_plate=True,
        license_plate_line=2,
    )
    line = administration_features(serial)
    assert line.startswith("Park Zeezicht: serial COM3 19200 8N1")
    for part in ("LATIN-1", "Leave out empty fields at the end", "0x0D (no LRC)", "replies acknowledged"):
        assert part in line
    assert "license plate on text line 2" in line
    tcp = administration_features(administration(), "nl")
    assert "Alle velden versturen" in tcp and "LRC" in tcp and "antwoorden niet bevestigd" in tcp
    assert "kenteken" not in tcp
