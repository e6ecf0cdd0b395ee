"""The start window: the database opens off the GUI thread; slow, failing and given-up starts."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from salto_desk.errors import Text
from salto_desk.storage.database import Database, DatabaseError, open_database
from ui.startup import DatabaseStart, database_place

WAIT_MS = 10_000


def unreachable() -> Database:
    raise DatabaseError(Text("The database db:5432 cannot be used: refused", "De database kan niet: geweigerd"))


def test_a_quick_database_opens_without_showing_the_start_window(qtbot: QtBot, tmp_path: Path) -> None:
    start = DatabaseStart(lambda: open_database(data_dir=tmp_path), "en", show_after_ms=5_000)
    qtbot.addWidget(start)
    with qtbot.waitSignal(start.opened, timeout=WAIT_MS) as opened:
        start.start()
    database = opened.args[0] if opened.args else None
    assert isinstance(database, Database)
    database.dispose()
    assert not start.isVisible()


def test_a_slow_database_shows_what_it_waits_for_and_quit_drops_the_late_answer(qtbot: QtBot) -> None:
    answer = threading.Event()
    opened: list[object] = []

    def slow() -> Database:
        answer.wait(WAIT_MS / 1000)
        raise DatabaseError(Text("too late", "te laat"))

    where = database_place("postgresql+psycopg://salto:secret@db.park.local:5433/salto_desk", "en")
    start = DatabaseStart(slow, "en", where=where, show_after_ms=10)
    qtbot.addWidget(start)
    start.opened.connect(opened.append)
    start.start()
    qtbot.waitUntil(start.isVisible, timeout=WAIT_MS)
    assert start.title.text() == "Opening the database salto_desk on db.park.local:5433…"
    assert "secret" not in start.title.text() and "salto@" not in start.title.text()
    assert not start.try_again.isVisible()
    qtbot.waitUntil(lambda: start.detail.text() == "Waiting for 1 s.", timeout=WAIT_MS)
    with qtbot.waitSignal(start.quit_requested, timeout=WAIT_MS):
        start.close()
    failures: list[str] = []
    start.failed.connect(failures.append)
    answer.set()
    qtbot.wait(200)
    assert failures == [] and opened == []


def test_a_failure_stays_with_its_message_and_try_again_opens(qtbot: QtBot, tmp_path: Path) -> None:
    attempts = [unreachable, lambda: open_database(data_dir=tmp_path)]
    start = DatabaseStart(lambda: attempts.pop(0)(), "nl", show_after_ms=5_000)
    qtbot.addWidget(start)
    with qtbot.waitSignal(start.failed, timeout=WAIT_MS) as failed:
        start.start()
    assert failed.args == ["De database kan niet: geweigerd"]
    assert start.isVisible() and start.try_again.isVisible()
    assert start.title.text() == "De database kon niet worden geopend."
    assert start.detail.text() == "De database kan niet: geweigerd"
    assert start.try_again.text() == "&Opnieuw proberen" and start.quit_button.text() == "&Afsluiten"
    with qtbot.waitSignal(start.opened, timeout=WAIT_MS) as opened:
        start.try_again.click()
    assert not start.try_again.isVisible()
    database = opened.args[0] if opened.args else None
    assert isinstance(database, Database)
    database.dispose()
    with qtbot.assertNotEmitted(start.quit_requested):
        start.dismiss()


def test_an_unexpected_failure_is_named_and_logged(qtbot: QtBot, caplog: object) -> None:
    def broken() -> Database:
        raise OSError("disk gone")

    start = DatabaseStart(broken, "en", show_after_ms=5_000)
    qtbot.addWidget(start)
    with qtbot.waitSignal(start.failed, timeout=WAIT_MS) as failed:
        start.start()
    assert failed.args == ["Unexpected error: OSError: disk gone. The details are in the log file."]


def test_the_place_names_the_server_never_its_user_or_password() -> None:
    assert database_place(None, "en") == ""
    assert database_place("sqlite:///x.sqlite3", "en") == ""
    assert database_place("not a url", "en") == ""
    assert database_place("postgresql+psycopg://u:p@db/salto", "nl") == " salto op db"
