"""Unexpected exceptions: logged, shown in a dialog with a "Copy report" button, and survived.

``install_excepthook`` replaces ``sys.excepthook`` (the GUI thread, exceptions in Qt slots and event
handlers, QThreads) and ``threading.excepthook`` (plain Python threads). The hooks log the error,
hand it to the GUI thread through a queued signal and then call the previous hook (the console's
traceback), so the dialog opens after the failing code has
returned and the event loop goes on. Further errors while the dialog is open are added to it instead
of stacking dialogs. The report (versions, traceback, log tail) has secrets and phone numbers masked.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.logs import log_tail, mask_known_secrets
from ui.dialogs.about import component_versions

log = logging.getLogger(__name__)

TAIL_LINES = 200

TITLE = Text("Unexpected problem", "Onverwacht probleem")
EXPLANATION = Text(
    "Salto Desk ran into an unexpected problem and stopped what it was doing; the rest of the program keeps "
    "running. If this happened while making a key card or sending a phone key, check the key's history before "
    "trying again. Click Copy report and send the report to your support contact.",
    "Salto Desk liep tegen een onverwacht probleem aan en is gestopt met wat het aan het doen was; de rest van "
    "het programma blijft werken. Gebeurde dit tijdens het maken van een sleutelkaart of het versturen van een "
    "telefoonsleutel, controleer dan de geschiedenis van de sleutel voordat u het opnieuw probeert. Klik op "
    "Rapport kopiëren en stuur het rapport naar uw ondersteuning.",
)
ERROR = Text("Error: {error}", "Fout: {error}")
REPEATED = Text("This happened {count} times.", "Dit gebeurde {count} keer.")
LOG_FILE = Text("Log file: {path}", "Logbestand: {path}")
COPY = Text("Copy report", "Rapport kopiëren")
COPIED = Text("Report copied", "Rapport gekopieerd")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe(error: BaseException) -> str:
    """``Type: message`` of an exception, secrets masked."""
    message = str(error)
    return mask_known_secrets(f"{type(error).__name__}: {message}" if message else type(error).__name__)


def crash_report(details: str, log_file: Path, when: datetime | None = None) -> str:
    """The text behind "Copy report": versions, the error(s) and the log's last lines, secrets masked."""
    moment = (when or datetime.now().astimezone()).isoformat(timespec="seconds")
    versions = "\n".join(f"  {name}: {version}" for name, version in component_versions())
    tail = log_tail(log_file, TAIL_LINES) or "(empty)"
    report = (
        f"Salto Desk error report, {moment}\n\nVersions:\n{versions}\n\n{details.rstrip()}\n\n"
        f"Log ({log_file}, last {TAIL_LINES} lines):\n{tail}\n"
    )
    return mask_known_secrets(report)


class CrashDialog(QDialog):
    """Short explanation, the error, the full report to read, and "Copy report"."""

    def __init__(self, summary: str, details: str, log_file: Path, language: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._language = language
        self._log_file = log_file
        self._details: list[str] = []
        self.setWindowTitle(TITLE(language))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        explanation = QLabel(EXPLANATION(language))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.error_label = QLabel(ERROR(language).format(error=summary))
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error_label)
        self.count_label = QLabel()
        self.count_label.setVisible(False)
        layout.addWidget(self.count_label)
        location = QLabel(LOG_FILE(language).format(path=log_file))
        location.setWordWrap(True)
        location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(location)
        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setAccessibleName(COPY(language))
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.report_view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(COPY(language))
        self.copy_button.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 520)
        self.add(summary, details)

    def add(self, summary: str, details: str) -> None:
        """Another error while this dialog is open: show the latest and keep every traceback."""
        self._details.append(details)
        self.error_label.setText(ERROR(self._language).format(error=summary))
        if len(self._details) > 1:
            self.count_label.setText(REPEATED(self._language).format(count=len(self._details)))
            self.count_label.setVisible(True)
        self.report_view.setPlainText(self.report())

    def report(self) -> str:
        return crash_report("\n\n".join(self._details), self._log_file)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText(COPIED(self._language))


class CrashReporter(QObject):
    """The installed hooks and the dialog they open; ``uninstall()`` puts the previous hooks back."""

    crashed = Signal(str, str)  # summary, traceback text (both masked)

    def __init__(self, app: QApplication, log_file: Path, language: str = "en") -> None:
        super().__init__(app)
        self.app = app
        self.log_file = log_file
        self.language = language
        self.dialog: CrashDialog | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> CrashReporter:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous_thread_hook

    def report_exception(self, exc_info: ExcInfo, thread_name: str | None = None) -> None:
        """Log an unexpected exception and show it; safe to call from any thread."""
        error = exc_info[1]
        where = thread_name or threading.current_thread().name
        log.critical("Unexpected error in thread %s", where, exc_info=exc_info)
        details = mask_known_secrets(f"Thread {where}:\n" + "".join(traceback.format_exception(*exc_info)))
        self.crashed.emit(describe(error), details)

    def _excepthook(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            self.report_exception((kind, error, trace))
        self._previous_hook(kind, error, trace)  # the console still gets its traceback

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else None
            self.report_exception((args.exc_type, args.exc_value, args.exc_traceback), name)
        self._previous_thread_hook(args)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        try:
            if self.dialog is not None:
                self.dialog.add(summary, details)
                return
            dialog = CrashDialog(summary, details, self.log_file, self.language, self._parent_window())
            dialog.finished.connect(self._closed)
            dialog.destroyed.connect(self._closed)
            self.dialog = dialog
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
        except Exception:  # a failing error dialog must not report itself, over and over
            log.exception("The error dialog could not be shown")

    @Slot()
    def _closed(self) -> None:
        self.dialog = None

    def _parent_window(self) -> QWidget | None:
        windows = [each for each in self.app.topLevelWidgets() if isinstance(each, QMainWindow) and each.isVisible()]
        return windows[0] if windows else self.app.activeWindow()


def install_excepthook(app: QApplication, log_file: Path, language: str = "en") -> CrashReporter:
    """Show unexpected exceptions of any thread in a dialog and keep the app running.

    Set ``reporter.language`` when the desk's language changes.
    """
    return CrashReporter(app, log_file, language).install()
