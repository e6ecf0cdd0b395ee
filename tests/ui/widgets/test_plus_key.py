"""+Key's flow: the button waits while the choices are read, a dialog opens only when asked, failures are said."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from salto_desk.errors import SaltoDeskError, Text
from ui.widgets.plus_key import MadeDialog, PlusKey
from ui.workers.calls import CoreCalls

WAIT_MS = 5000


class StoringDialog(QDialog):
    saved = Signal(object)


@pytest.fixture
def context(qapp: QApplication) -> Iterator[Any]:
    calls = CoreCalls()
    yield SimpleNamespace(calls=calls, language="en")
    calls.shutdown()


def plus_key(qtbot: QtBot, context: Any) -> tuple[PlusKey, QPushButton, list[str]]:
    host = QWidget()
    qtbot.addWidget(host)
    button = QPushButton("+Key", host)
    said: list[str] = []
    flow = PlusKey(context, button, lambda: True, said.append, Text("+Key failed:", "+Sleutel mislukt:"), host)
    return flow, button, said


def test_the_dialog_opens_with_what_was_read_and_passes_on_what_it_stores(qtbot: QtBot, context: Any) -> None:
    flow, button, _said = plus_key(qtbot, context)
    stored: list[object] = []
    flow.stored.connect(stored.append)
    seen: list[str] = []

    def make(setup: str) -> MadeDialog:
        seen.append(setup)
        dialog = StoringDialog(button.window())
        return dialog, dialog.saved

    flow.start(lambda: "the choices", make)
    assert not button.isEnabled()  # waits while the choices are read
    qtbot.waitUntil(lambda: flow.dialog is not None, timeout=WAIT_MS)
    assert seen == ["the choices"] and button.isEnabled()
    dialog = flow.dialog
    assert isinstance(dialog, StoringDialog)
    dialog.saved.emit("key 7")
    assert stored == ["key 7"]
    dialog.reject()
    assert flow.dialog is None


def test_nothing_opens_when_the_selection_changed_and_a_failure_is_said(qtbot: QtBot, context: Any) -> None:
    flow, button, said = plus_key(qtbot, context)
    flow.start(lambda: "choices", lambda _setup: None)
    qtbot.waitUntil(lambda: not flow.reading, timeout=WAIT_MS)
    assert flow.dialog is None and button.isEnabled()

    def broken() -> str:
        raise SaltoDeskError(Text("The database is away.", "De database is weg."))

    flow.start(broken, lambda _setup: None)
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT_MS)
    assert said[0].startswith("+Key failed: The database is away.") and button.isEnabled()
