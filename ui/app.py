"""The composition root: configuration, database, PMS and SALTO clients and workers, wired to the window.

``run_gui(args)`` is what ``salto-desk`` (or ``salto-desk gui``) runs. With ``--demo`` the desk runs
against the built-in simulators and demo PMS in a temporary data folder (``salto_desk.demo``); with
``--screenshots DIR`` as well, it saves the README's pictures and exits.

The window's language is ``--language`` when given, else the one chosen on this desk (Settings >
This desk, kept in the desk's QSettings), else the system's. ``DeskWindow`` rebuilds the window when
the desk switches language, keeping the running services (``DeskContext``) and the layout.

The database URL without a password takes it from this computer's keyring (``shared_database_url``).
The database opens behind ``ui.startup.DatabaseStart`` (a shared server may be far away or down);
``DeskLaunch`` then starts the services and the window. The desk's ``Coordinator`` shares encoders,
SALTO links and the sync leadership with the other desks on that database (docs/multi-desk.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from salto_desk.coordination import Coordinator, LeaseTimes, shared_database_url
from salto_desk.demo.desk import Demo
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.exit_codes import ExitCode
from salto_desk.logs import configure_logging
from salto_desk.paths import app_paths
from salto_desk.secrets import SecretStore
from salto_desk.services.audit_trail import start_database
from salto_desk.storage.database import Database
from ui.context import DeskContext
from ui.crash import CrashReporter, install_excepthook
from ui.garbage import GarbageCollector
from ui.i18n import DEFAULT_LANGUAGE, Translations, system_language
from ui.main_window import DEFAULT_SYNC_INTERVAL_S, MainWindow
from ui.screenshots import save_screenshots
from ui.settings.desk import desk_language
from ui.startup import DatabaseStart, database_place
from ui.style import Icon, apply_style, icon

APPLICATION_NAME = "Salto Desk"
SETTINGS_FILE = "desk.ini"
log = logging.getLogger(__name__)

SYNC_INTERVAL_SETTING = "sync/interval_seconds"
DEMO_TITLE = Text("Demo: nothing is kept", "Demo: er wordt niets bewaard")
LONGEST_SYNC_INTERVAL_S = int(LeaseTimes().sync.total_seconds()) - 30
"""The leading desk renews its sync lease at each run, so runs must come before the lease lapses."""


def sync_interval(stored: object) -> int:
    """Seconds between automatic syncs from the desk setting, kept between 10 s and the sync lease."""
    try:
        seconds = int(str(stored))
    except ValueError:
        log.warning("ignoring the sync interval %r: not a whole number of seconds", stored)
        seconds = DEFAULT_SYNC_INTERVAL_S
    return max(10, min(seconds, LONGEST_SYNC_INTERVAL_S))


DEMO_SYNC_INTERVAL_S = 60
"""The demo PMS changes bookings every half minute; a sync a minute shows them arriving."""


def desk_settings(folder: Path) -> QSettings:
    """This desk's own choices (last encoder, window layout...) in an INI file in the config folder."""
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat)


def build_context(
    database: Database,
    settings: QSettings,
    *,
    language: str,
    secrets: SecretStore,
    data_dir: Path | None = None,
) -> DeskContext:
    """The desk's services over its database; its PMS sync runs in a child process (ui/workers/sync_process.py)."""
    return DeskContext(
        database, settings, language=language, secrets=secrets, paths=app_paths(data_dir), syncs_pms=True
    )


class DeskWindow(QObject):
    """The desk's one main window, rebuilt in place when the desk switches language."""

    def __init__(
        self,
        context: DeskContext,
        translations: Translations,
        reporter: CrashReporter,
        *,
        sync_interval_s: int = DEFAULT_SYNC_INTERVAL_S,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.context = context
        self.translations = translations
        self.reporter = reporter
        self.sync_interval_s = sync_interval_s
        self.demo = demo
        self.window = self._build()

    def _build(self) -> MainWindow:
        window = MainWindow(self.context, sync_interval_s=self.sync_interval_s)
        if self.demo:  # Qt adds the application's name ("… — Salto Desk") itself
            window.setWindowTitle(DEMO_TITLE(self.context.language))
        window.language_changed.connect(self.switch_language)
        return window

    @Slot(str)
    def switch_language(self, language: str) -> None:
        """Show the window in another language: same services, size, splitters and tab; nothing restarts."""
        old = self.window
        old.save_layout()
        self.context.language = language
        self.translations.use(language)
        self.reporter.language = language
        self.window = self._build()
        self.window.show()  # before the old one closes, or the application would quit with its last window
        old.close()
        old.deleteLater()


class DeskLaunch:
    """What the desk starts once its database is open: the services, the coordinator, the window, a first sync."""

    def __init__(
        self,
        settings: QSettings,
        translations: Translations,
        reporter: CrashReporter,
        *,
        language: str,
        secrets: SecretStore,
        data_dir: Path | None,
        demo: bool = False,
    ) -> None:
        self.settings = settings
        self.translations = translations
        self.reporter = reporter
        self.language = language
        self.secrets = secrets
        self.data_dir = data_dir
        self.demo = demo
        self.context: DeskContext | None = None
        self.desk: DeskWindow | None = None

    def open(self, database: Database) -> DeskWindow:
        context = build_context(
            database, self.settings, language=self.language, secrets=self.secrets, data_dir=self.data_dir
        )
        self.context = context
        context.coordinator = Coordinator(database)
        default_interval = DEMO_SYNC_INTERVAL_S if self.demo else DEFAULT_SYNC_INTERVAL_S
        interval = sync_interval(self.settings.value(SYNC_INTERVAL_SETTING, default_interval))
        self.desk = DeskWindow(context, self.translations, self.reporter, sync_interval_s=interval, demo=self.demo)
        self.desk.window.show()
        if context.sync is not None:
            context.sync.run()
        return self.desk

    def close(self) -> None:
        """Stop the services; the database too, unless the demo owns it."""
        if self.context is not None:
            self.context.shutdown()
            if not self.demo:
                self.context.database.dispose()


def run_gui(args: argparse.Namespace) -> int:
    """Start the desk window (or, with ``--screenshots``, save the README's pictures); the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APPLICATION_NAME)
    app.setApplicationDisplayName(APPLICATION_NAME)
    collector = GarbageCollector(app)
    collector.start()
    explicit: str | None = args.language
    language = explicit or system_language()  # until this desk's own choice is read
    translations = Translations(app)
    translations.use(language)
    demo: Demo | None = None
    launch: DeskLaunch | None = None
    secrets: SecretStore
    try:
        paths = app_paths(args.data_dir).ensure()
        log_file = configure_logging(paths.logs)
        reporter = install_excepthook(app, log_file, language)
        # Once logging runs: a missing icon or stylesheet is logged, and the desk starts in Qt's plain look.
        app.setWindowIcon(icon(Icon.APP))
        apply_style(app)
        if args.demo:
            demo = Demo().start()  # local and quick: no start window
            settings_folder, secrets, data_dir = demo.data_dir, demo.secrets, demo.data_dir
        else:
            settings_folder, secrets, data_dir = paths.config, SecretStore(), args.data_dir
        settings = desk_settings(settings_folder)
        language = desk_language(settings, explicit)
        translations.use(language)
        reporter.language = language
        launch = DeskLaunch(
            settings, translations, reporter, language=language, secrets=secrets, data_dir=data_dir, demo=bool(demo)
        )
        if demo is not None:
            desk = launch.open(demo.database)
            if args.screenshots is not None:
                return save_screenshots(app, desk, demo, args.screenshots)
            return app.exec()
        return _start_then_run(app, launch, shared_database_url(args.database_url), args.data_dir)
    except SaltoDeskError as error:
        message = error.user_message(language)
        print(message, file=sys.stderr)
        if args.screenshots is None:
            QMessageBox.critical(None, APPLICATION_NAME, message)
        return ExitCode.FAILURE
    finally:
        if launch is not None:
            launch.close()
        if demo is not None:
            demo.close()
        collector.stop()
        translations.use(DEFAULT_LANGUAGE)  # Qt's own texts back to English: the application may outlive the desk


def _start_then_run(app: QApplication, launch: DeskLaunch, url: str | None, data_dir: Path | None) -> int:
    """Open the database behind ``DatabaseStart`` (the screen never freezes on a far server), then the desk."""
    language = launch.language
    start = DatabaseStart(lambda: start_database(url, data_dir), language, where=database_place(url, language))

    def opened(database: object) -> None:
        assert isinstance(database, Database)
        launch.open(database)
        start.dismiss()

    start.opened.connect(opened)
    start.failed.connect(lambda message: print(message, file=sys.stderr))  # for a desk started from a script
    start.quit_requested.connect(lambda: app.exit(ExitCode.FAILURE))
    start.start()
    try:
        return app.exec()
    finally:
        start.dismiss()
