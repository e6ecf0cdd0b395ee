"""Guards the PySide6 pin: 6.12.0 dropped a reference to None on every void call and to True on every
emit, which aborts a Python 3.11 desk after a few thousand calls ("Fatal Python error: none_dealloc")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 1000


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_keep_the_reference_count_of_none(qtbot: object) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
    assert before - sys.getrefcount(None) < CALLS // 2


def test_emits_keep_the_reference_count_of_true() -> None:
    emitter = _Emitter()
    emitter.fired.connect(lambda: None)
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        emitter.fired.emit()
    assert before - sys.getrefcount(True) < CALLS // 2
