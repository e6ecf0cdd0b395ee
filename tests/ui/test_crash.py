from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.logs import MASK
from salto_desk.secrets import PMS_API_KEY, SecretStore
from ui.crash import CrashReporter, crash_report, install_excepthook

SECRET = "bex-live-c0ffee42"
PHONE = "+31612345678"

pytestmark = pytest.mark.qt_no_exception_capture  # the hooks under test must see the exceptions


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    SecretStore().set(PMS_API_KEY, SECRET)
    path = tmp_path / "salto-desk.log"
    path.write_text(f"first line\nrequest with key {SECRET}\nlast line before the crash\n", encoding="utf-8")
    return path


@dataclass
class Previous:
    """Stand-ins for the hooks that were there before; they record what reached them."""

    errors: list[type[BaseException]] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)

    def hook(self, kind: type[BaseException], _error: BaseException, _trace: TracebackType | None) -> None:
        self.errors.append(kind)

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        self.threads.append(args.thread.name if args.thread is not None else "")


@contextmanager
def installed(app: QApplication, log_file: Path, language: str = "en") -> Iterator[tuple[CrashReporter, Previous]]:
    """Installed inside the test itself: pytest swaps threading.excepthook around each test phase."""
    saved = sys.excepthook, threading.excepthook
    previous = Previous()
    sys.excepthook, threading.excepthook = previous.hook, previous.thread_hook
    reporter = install_excepthook(app, log_file, language)
    try:
        yield reporter, previous
    finally:
        if reporter.dialog is not None:
            reporter.dialog.close()
        reporter.uninstall()
        sys.excepthook, threading.excepthook = saved


def fail_in_slot() -> None:
    raise RuntimeError(f"boom with key {SECRET} for {PHONE}")


def dialog_shown(reporter: CrashReporter) -> bool:
    return reporter.dialog is not None and reporter.dialog.isVisible()


def test_an_exception_in_a_slot_opens_the_dialog_and_the_app_keeps_running(
    qapp: QApplication, qtbot: QtBot, log_file: Path
) -> None:
    with installed(qapp, log_file) as (reporter, previous):
        QTimer.singleShot(0, fail_in_slot)
        qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=5000)
        assert reporter.dialog is not None
        shown = reporter.dialog.error_label.text()
        assert "RuntimeError: boom" in shown
        assert SECRET not in shown and PHONE not in shown
        later: list[bool] = []
        QTimer.singleShot(0, lambda: later.append(True))
        qtbot.waitUntil(lambda: later == [True], timeout=5000)  # the event loop goes on
        assert previous.errors == [RuntimeError]  # the console's traceback still comes


def test_an_exception_on_a_worker_thread_reaches_the_gui_thread(
    qapp: QApplication, qtbot: QtBot, log_file: Path
) -> None:
    with installed(qapp, log_file) as (reporter, previous):
        worker = threading.Thread(target=fail_in_slot, name="encoder-worker")
        worker.start()
        worker.join(5)
        qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=5000)
        assert reporter.dialog is not None
        report = reporter.dialog.report()
        assert "Thread encoder-worker" in report and "RuntimeError: boom" in report
        assert previous.threads == ["encoder-worker"]


class FailingThread(QThread):
    def run(self) -> None:
        fail_in_slot()


def test_an_exception_in_a_qthread_is_reported(qapp: QApplication, qtbot: QtBot, log_file: Path) -> None:
    with installed(qapp, log_file) as (reporter, previous):
        thread = FailingThread()
        thread.start()
        assert thread.wait(5000)
        qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=5000)
        assert previous.errors == [RuntimeError]


def test_copy_report_puts_versions_traceback_and_masked_log_tail_on_the_clipboard(
    qapp: QApplication, qtbot: QtBot, log_file: Path
) -> None:
    with installed(qapp, log_file) as (reporter, _previous):
        QTimer.singleShot(0, fail_in_slot)
        qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=5000)
        assert reporter.dialog is not None
        reporter.dialog.copy_button.click()
        copied = QGuiApplication.clipboard().text()
        assert copied.startswith("Salto Desk error report")
        assert "PySide6" in copied and "Qt" in copied and "Python" in copied
        assert "fail_in_slot" in copied  # the traceback
        assert "last line before the crash" in copied  # the log tail
        assert SECRET not in copied and MASK in copied
        assert PHONE not in copied
        assert reporter.dialog.copy_button.text() == "Report copied"


def test_errors_while_the_dialog_is_open_are_added_to_it(qapp: QApplication, qtbot: QtBot, log_file: Path) -> None:
    with installed(qapp, log_file, language="nl") as (reporter, _previous):
        QTimer.singleShot(0, fail_in_slot)
        qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=5000)
        first = reporter.dialog
        QTimer.singleShot(0, fail_in_slot)
        qtbot.waitUntil(lambda: first is not None and first.count_label.isVisible(), timeout=5000)
        assert reporter.dialog is first
        assert first is not None and first.count_label.text() == "Dit gebeurde 2 keer."
        assert first.windowTitle() == "Onverwacht probleem"
        assert first.report().count("RuntimeError: boom") == 2
        first.close()
        qtbot.waitUntil(lambda: reporter.dialog is None, timeout=5000)


def test_keyboard_interrupt_goes_to_the_previous_hook_only(qapp: QApplication, log_file: Path) -> None:
    with installed(qapp, log_file) as (reporter, previous):
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        QApplication.processEvents()
        assert previous.errors == [KeyboardInterrupt] and reporter.dialog is None


def test_uninstall_restores_the_previous_hooks(qapp: QApplication, log_file: Path) -> None:
    hook, thread_hook = sys.excepthook, threading.excepthook
    reporter = install_excepthook(qapp, log_file)
    try:
        assert sys.excepthook is not hook and threading.excepthook is not thread_hook
    finally:
        reporter.uninstall()
    assert sys.excepthook is hook and threading.excepthook is thread_hook


def test_the_report_of_a_missing_log_says_so(tmp_path: Path) -> None:
    report = crash_report("Traceback: x", tmp_path / "none.log")
    assert "(empty)" in report and "Salto Desk:" in report
