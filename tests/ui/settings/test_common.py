"""Loader and EditDialog: what the settings pages share to read and store through the core off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from salto_desk.errors import Text, ValidationError
from tests.ui.desk import WAIT_MS
from ui.settings.common import EditDialog, Loader, Say
from ui.workers.calls import CoreCalls

SAY = Say("en")


@pytest.fixture
def calls(qapp: QApplication) -> Iterator[CoreCalls]:
    running = CoreCalls()
    yield running
    running.shutdown()


class Page(QWidget):
    """A page that shows the answers of its loader, the way the settings pages do."""

    def __init__(self, calls: CoreCalls, fetch: Callable[[], Callable[[], str]]) -> None:
        super().__init__()
        self.answers: list[str] = []
        self.errors: list[Exception] = []
        self.loader = Loader(self, calls, SAY, fetch, self.answers.append, self.errors.append)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.loader.shown()


def test_a_page_loads_when_first_shown_and_reloads_only_while_shown(qtbot: QtBot, calls: CoreCalls) -> None:
    asked: list[int] = []

    def answer() -> str:
        asked.append(1)
        return f"answer {len(asked)}"

    page = Page(calls, lambda: answer)
    qtbot.addWidget(page)
    page.loader.reload()
    assert asked == [] and not page.loader.loading
    page.show()
    qtbot.waitUntil(lambda: page.answers == ["answer 1"], timeout=WAIT_MS)
    page.hide()
    page.loader.reload()
    page.loader.reload()
    assert calls.waiting() == 0 and page.loader.stale
    page.show()  # stale: read once again
    qtbot.waitUntil(lambda: page.answers == ["answer 1", "answer 2"], timeout=WAIT_MS)
    page.hide()
    page.show()  # nothing changed meanwhile: nothing read
    assert calls.waiting() == 0 and len(asked) == 2


def test_an_answer_overtaken_by_a_newer_load_is_dropped(qtbot: QtBot, calls: CoreCalls) -> None:
    release = threading.Event()
    wanted = ["older", "newer"]

    def slow() -> str:
        release.wait(WAIT_MS / 1000)
        return "older"

    page = Page(calls, lambda: slow if wanted.pop(0) == "older" else (lambda: "newer"))
    qtbot.addWidget(page)
    page.show()
    assert page.loader.loading
    page.loader.reload()  # e.g. another administration chosen while the first one loads
    qtbot.waitUntil(lambda: page.answers == ["newer"], timeout=WAIT_MS)
    assert not page.loader.loading
    release.set()
    qtbot.waitUntil(lambda: calls.waiting() == 0, timeout=WAIT_MS)
    assert page.answers == ["newer"]


def test_a_slow_load_says_loading_and_a_failed_one_is_tried_again_when_shown(qtbot: QtBot, calls: CoreCalls) -> None:
    release = threading.Event()
    refused = ValidationError("name", Text("No.", "Nee."))

    def slow_refusal() -> str:
        release.wait(WAIT_MS / 1000)
        raise refused

    page = Page(calls, lambda: slow_refusal)
    page.loader.notice.setParent(page)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loader.notice.isVisible(), timeout=WAIT_MS)
    assert page.loader.notice.text() == "Loading..."
    release.set()
    qtbot.waitUntil(lambda: page.errors == [refused], timeout=WAIT_MS)
    assert not page.loader.notice.isVisible() and page.loader.stale
    page.hide()
    page.show()
    qtbot.waitUntil(lambda: page.errors == [refused, refused], timeout=WAIT_MS)


def test_a_page_closed_while_it_loads_never_hears_back(qtbot: QtBot, calls: CoreCalls) -> None:
    release = threading.Event()

    def slow() -> str:
        release.wait(WAIT_MS / 1000)
        return "late"

    page = Page(calls, lambda: slow)
    heard = page.answers
    page.show()
    assert calls.waiting() == 1
    page.deleteLater()
    qtbot.waitUntil(lambda: calls.waiting() == 0, timeout=WAIT_MS)
    release.set()
    QApplication.processEvents()
    assert heard == []


class NameDialog(EditDialog[str]):
    def __init__(self, calls: CoreCalls, store: Callable[[str], str]) -> None:
        super().__init__(calls, SAY, "Name", self._store, None)
        self.typed = ""
        self.errors.fields = {"name": self.message}
        self.save_in_core = store

    def _store(self) -> Callable[[], str]:
        typed, store = self.typed, self.save_in_core
        return lambda: store(typed)


def test_ok_stores_off_the_gui_thread_and_a_refusal_keeps_the_dialog_open(qtbot: QtBot, calls: CoreCalls) -> None:
    release = threading.Event()
    stored: list[str] = []

    def store(name: str) -> str:
        release.wait(WAIT_MS / 1000)
        if not name:
            raise ValidationError("name", Text("A name is needed.", "Een naam is nodig."))
        stored.append(name)
        return name.upper()

    dialog = NameDialog(calls, store)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.buttons.accepted.emit()
    assert dialog.saving and not dialog.buttons.isEnabled() and not dialog.ready
    dialog.buttons.accepted.emit()  # a second OK while saving does nothing
    release.set()
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.message.text() == "A name is needed." and dialog.errors.marked() == ["name"]
    dialog.typed = "Reception"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.buttons.accepted.emit()
    assert stored == ["Reception"] and dialog.result_value == "RECEPTION" and not dialog.isVisible()


def test_ok_waits_for_the_form_to_load(qtbot: QtBot, calls: CoreCalls) -> None:
    dialog = NameDialog(calls, lambda name: name)
    qtbot.addWidget(dialog)
    dialog.set_ready(False)
    dialog.open()
    dialog.buttons.accepted.emit()
    assert not dialog.saving and dialog.isVisible()
    assert calls.waiting() == 0
