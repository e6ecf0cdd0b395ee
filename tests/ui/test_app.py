"""The composition root against the built-in demo: sync, status bar, and the README's screenshots run."""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.cli import build_parser, main
from salto_desk.coordination import DATABASE_PASSWORD, Coordinator, SyncLeadership, this_process
from salto_desk.demo.desk import Demo
from salto_desk.demo.server import DemoPmsServer
from salto_desk.moments import recent_text
from salto_desk.paths import app_paths
from salto_desk.secrets import PMS_API_KEY, SERVICE_NAME, SecretStore
from salto_desk.services.audit_trail import start_database
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.leases import DeskProcess
from ui import app as app_module
from ui.app import LONGEST_SYNC_INTERVAL_S, build_context, desk_settings, run_gui, sync_interval
from ui.context import DeskContext
from ui.crash import CrashReporter
from ui.i18n import Translations
from ui.main_window import MainWindow
from ui.settings.desk import LANGUAGE_SETTING
from ui.startup import DatabaseStart

WAIT_MS = 30_000
SMALL_DEMO = functools.partial(Demo, reservations=150, card_delay=0.2, activity_interval=None)


@pytest.fixture
def demo() -> Iterator[Demo]:
    with SMALL_DEMO() as running:
        yield running


@pytest.fixture
def window(qtbot: QtBot, demo: Demo) -> Iterator[MainWindow]:
    context = build_context(
        demo.database, desk_settings(demo.data_dir), language="en", secrets=demo.secrets, data_dir=demo.data_dir
    )
    context.coordinator = Coordinator(demo.database)
    window = MainWindow(context)
    qtbot.addWidget(window)
    yield window
    window.close()
    context.shutdown()


def uninstalled_reporter(app: QApplication, log_file: Path, language: str) -> CrashReporter:
    """The crash reporter without its hooks: tests keep pytest's own exception handling."""
    return CrashReporter(app, log_file, language)


def shown_desk(qtbot: QtBot) -> MainWindow:
    """The desk's window once it shows: ``run_gui`` opens the database off the GUI thread first."""
    windows: list[MainWindow] = []

    def shown() -> None:
        windows[:] = [
            each for each in QApplication.topLevelWidgets() if isinstance(each, MainWindow) and each.isVisible()
        ]
        assert len(windows) == 1, [(type(each).__name__, each.isVisible()) for each in QApplication.topLevelWidgets()]

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    return windows[0]


def synced(window: MainWindow) -> bool:
    return window.sync_label.text().startswith("PMS: synced at")


def test_the_first_sync_fills_the_reservations_and_the_status_bar(qtbot: QtBot, window: MainWindow) -> None:
    context: DeskContext = window.context
    assert context.sync is not None and context.syncs_pms
    assert window.sync_label.text() == "PMS: not synced yet"
    assert context.sync.run()
    assert not context.sync.run()  # one sync at a time
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.reservations.model.rowCount() > 0 and not window.reservations.searching,
                    timeout=WAIT_MS)  # fmt: skip
    rows = window.reservations.model.rows()
    assert any(row.keys for row in rows)  # the demo's products made key data


def test_an_unreachable_pms_shows_offline_since(qtbot: QtBot, window: MainWindow, demo: Demo) -> None:
    sync = window.context.sync
    assert sync is not None
    sync.run()
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)
    demo.pms.close()
    sync.run()
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("PMS: offline since"), timeout=WAIT_MS)
    assert "working from the cache" in window.sync_label.text()
    assert window.sync_label.toolTip()


def test_the_demo_uses_the_session_key_not_the_keyring(window: MainWindow, demo: Demo) -> None:
    connection = window.context.services.pms_connection
    assert connection.check(connection.state().base_url)  # BEX answers with the demo key
    assert keyring.get_password(SERVICE_NAME, PMS_API_KEY) is None


def test_a_database_that_cannot_be_opened_stays_in_the_start_window_until_quit_exit_code_1(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", uninstalled_reporter)
    seen: list[str] = []

    def exec_(app: QApplication) -> int:
        starts: list[DatabaseStart] = []

        def failure_shown() -> None:
            starts[:] = [each for each in QApplication.topLevelWidgets() if isinstance(each, DatabaseStart)]
            assert starts and starts[0].isVisible() and starts[0].try_again.isVisible()

        qtbot.waitUntil(failure_shown, timeout=WAIT_MS)
        seen.append(starts[0].detail.text())
        assert not any(isinstance(each, MainWindow) for each in QApplication.topLevelWidgets())
        codes: list[int] = []
        monkeypatch.setattr(app, "exit", codes.append)
        starts[0].quit_button.click()
        return codes[0]

    monkeypatch.setattr(QApplication, "exec", exec_)
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--database-url", "nosuchdriver://x/y"])
    assert run_gui(args) == 1
    assert "nosuchdriver" in seen[0]
    assert "nosuchdriver" in capsys.readouterr().err


@pytest.mark.slow
def test_screenshots_of_the_demo(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``salto-desk --demo --screenshots DIR``, with a smaller demo so that it runs in seconds."""
    monkeypatch.setattr(app_module, "Demo", SMALL_DEMO)
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", uninstalled_reporter)
    shots = tmp_path / "shots"
    args: argparse.Namespace = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "data"), "--demo", "--screenshots", str(shots)]
    )
    assert args.func(args) == 0  # 0 also says that every window and dialog fitted its screen
    folders = sorted(path.name for path in shots.iterdir())
    assert folders == ["en-1024x768", "en-1366x768", "nl-1024x768", "nl-1366x768"]
    for folder in folders:
        names = sorted(path.stem for path in (shots / folder).glob("*.png"))
        assert names == sorted([
            "reservations", "encode-prompt", "reservations-after-print", "read-key-card", "print-dialog",
            "phone-dialog", "key-data-dialog", "delete-dialog", "read-key", "owners", "owner", "owner-key-dialog",
            "about-dialog", "user-guide", "settings-administration", "settings-key-types", "settings-encoders",
            "settings-door-names", "settings-pms", "settings-pin", "settings-diagnostics", "settings-key-type-dialog",
            "settings-product-dialog", "settings-encoder-dialog",
        ]), folder  # fmt: skip
    assert all(path.stat().st_size > 2_000 for path in shots.glob("*/*.png"))


def test_screenshots_need_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["--screenshots", "x"])
    assert exit_code.value.code == 2
    assert "--screenshots needs --demo" in capsys.readouterr().err


def test_no_command_and_gui_both_start_the_window() -> None:
    parser = build_parser()
    assert parser.parse_args([]).func is parser.parse_args(["gui"]).func


def test_f5_syncs_now(qtbot: QtBot, window: MainWindow) -> None:
    sync = window.context.sync
    assert sync is not None and not sync.running
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    qtbot.keyClick(window.reservations.search_field, Qt.Key.Key_F5)
    assert sync.running
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)


def test_the_offline_banner_while_bex_is_unreachable(qtbot: QtBot, window: MainWindow, demo: Demo) -> None:
    """The banner says since when and that the data is the last sync's; the arrivals stay usable; it goes."""
    sync = window.context.sync
    assert sync is not None
    sync.run()
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)
    assert window.offline_banner.isHidden()
    port = demo.pms.port
    demo.pms.close()
    sync.run()
    qtbot.waitUntil(lambda: not window.offline_banner.isHidden(), timeout=WAIT_MS)
    text = window.offline_banner.text()
    assert text.startswith("BEX cannot be reached since ") and "data of the last sync (" in text
    assert window.offline_banner.toolTip()  # the reason, from the core

    tab = window.reservations
    tab.period_filter.setCurrentIndex(tab.period_filter.findData("arrivals"))
    qtbot.waitUntil(lambda: not tab.searching and tab.model.rowCount() > 0, timeout=WAIT_MS)
    tab.period_filter.setCurrentIndex(tab.period_filter.findData("in_house"))
    qtbot.waitUntil(lambda: not tab.searching and tab.model.rowCount() > 0, timeout=WAIT_MS)

    with DemoPmsServer(reservations=150, port=port) as back:  # BEX is back, at the same address
        assert back.base_url == demo.pms.base_url
        sync.run()
        qtbot.waitUntil(lambda: window.offline_banner.isHidden(), timeout=WAIT_MS)
        assert synced(window)


def test_an_administration_id_bex_does_not_know_is_said_so_instead_of_bex_being_unreachable(
    qtbot: QtBot, window: MainWindow, demo: Demo
) -> None:
    """BEX answers but does not list the id: the banner says the id is unknown, not that BEX cannot be reached."""
    with demo.database.unit_of_work() as session:
        config = ConfigRepository(session)
        hotel = config.administrations()[0]
        config.update_administration(hotel.id, replace(hotel, pms_id="abc"))
    sync = window.context.sync
    assert sync is not None
    sync.run()
    banner = window.offline_banner
    qtbot.waitUntil(lambda: "does not know the administration id 'abc'" in banner.text(), timeout=WAIT_MS)
    assert not banner.isHidden() and "cannot be reached" not in banner.text()
    assert "Settings > Administration" in banner.text()


def test_the_window_speaks_the_language_stored_on_this_desk(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", uninstalled_reporter)
    shown: list[str] = []

    def exec_(_app: QApplication) -> int:
        shown.append(shown_desk(qtbot).tabs.tabText(0))
        QApplication.closeAllWindows()
        return 0

    used: list[Translations] = []

    class Recorded(Translations):
        def __init__(self, app: QApplication) -> None:
            super().__init__(app)
            used.append(self)

    monkeypatch.setattr(QApplication, "exec", exec_)
    monkeypatch.setattr(app_module, "Translations", Recorded)
    settings = desk_settings(app_paths(tmp_path).config)
    settings.setValue(LANGUAGE_SETTING, "nl")
    settings.sync()
    try:
        assert run_gui(build_parser().parse_args(["--data-dir", str(tmp_path)])) == 0
        assert run_gui(build_parser().parse_args(["--data-dir", str(tmp_path), "--language", "en"])) == 0
    finally:
        for translations in used:
            translations.use("en")  # Qt's Dutch texts must not leak into the next tests
    assert shown == ["Reserveringen", "Reservations"]  # the flag beats the desk's choice


def test_commands_keep_the_language_of_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ping = ["salto", "ping", "--salto", "127.0.0.1:1", "--timeout", "1"]
    assert build_parser().parse_args([]).language is None  # the window decides for itself
    monkeypatch.setenv("SALTO_DESK_LANGUAGE", "nl")
    assert main(ping) == 4
    from_environment = capsys.readouterr().err
    assert main(["--language", "nl", *ping]) == 4
    assert capsys.readouterr().err == from_environment
    assert main(["--language", "en", *ping]) == 4
    assert capsys.readouterr().err != from_environment


def test_while_another_desk_leads_the_sync_the_status_bar_names_it(
    qtbot: QtBot, window: MainWindow, demo: Demo
) -> None:
    sync, coordinator = window.context.sync, window.context.coordinator
    assert sync is not None and coordinator is not None
    other = SyncLeadership(Coordinator(demo.database, DeskProcess("DESK-2", os.getpid() + 1)))
    taken = other.claim()
    with qtbot.waitSignal(sync.skipped, timeout=WAIT_MS):
        assert sync.run()

    def named_with_the_sites_time() -> bool:
        assert window.status_line.zone() == ZoneInfo("Europe/Amsterdam")  # the demo's sites: their clock, not UTC
        since = recent_text(taken.acquired_at, ZoneInfo("Europe/Amsterdam"), datetime.now(UTC))
        return window.sync_label.text().endswith(f" · sync runs at DESK-2 since {since}")

    qtbot.waitUntil(named_with_the_sites_time, timeout=WAIT_MS)
    assert window.sync_label.text().startswith("PMS: not synced yet")  # DESK-2 has not synced either

    other.resign()  # DESK-2 closes: this desk leads from its next run on
    assert sync.run()
    qtbot.waitUntil(lambda: synced(window) and "DESK-2" not in window.sync_label.text(), timeout=WAIT_MS)
    leader = SyncLeadership(coordinator).leader()
    assert leader is not None and leader.holder == this_process()
    window.close()
    window.context.shutdown()
    assert SyncLeadership(coordinator).leader() is None


def test_the_desk_opens_the_shared_database_with_the_keyring_password_and_coordinates(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", uninstalled_reporter)
    SecretStore().set(DATABASE_PASSWORD, "s3cret")
    opened: list[str | None] = []

    def start(url: str | None, data_dir: Path | None) -> Database:
        opened.append(url)
        return start_database(None, data_dir)  # the desk's SQLite file stands in for the server

    coordinators: list[Coordinator | None] = []

    def exec_(_app: QApplication) -> int:
        window = shown_desk(qtbot)
        coordinator = window.context.coordinator
        coordinators.append(coordinator)
        assert coordinator is not None and window.desk_status is not None
        SyncLeadership(coordinator).claim()
        QApplication.closeAllWindows()
        return 0

    monkeypatch.setattr(app_module, "start_database", start)
    monkeypatch.setattr(QApplication, "exec", exec_)
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda _parent, _title, text: pytest.fail(text))
    url = "postgresql+psycopg://salto@db.park.local/salto_desk"
    assert run_gui(build_parser().parse_args(["--data-dir", str(tmp_path), "--database-url", url])) == 0
    assert opened == ["postgresql+psycopg://salto:s3cret@db.park.local/salto_desk"]
    coordinator = coordinators[0]
    assert coordinator is not None and coordinator.me == this_process()
    database = start_database(None, tmp_path)
    try:
        assert SyncLeadership(Coordinator(database)).leader() is None  # handed on when the desk closed
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("stored", "seconds"), [(120, 120), ("90", 90), (3600, LONGEST_SYNC_INTERVAL_S), (0, 10), ("often", 120)]
)
def test_the_sync_interval_stays_within_the_sync_lease(stored: object, seconds: int) -> None:
    """A longer interval would let the sync leadership lapse between two runs of the leading desk."""
    assert sync_interval(stored) == seconds
