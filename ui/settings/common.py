"""Small pieces every settings page shares: wording in the desk's language, error display, jobs.

``JobRunner`` runs slow work (SALTO, BEX, hashing) on an ``OperationQueue`` and calls back on the
GUI thread for its own jobs only; ``Question`` is a non-blocking confirmation (``open()``, never
``exec()``) so tests and the window stay responsive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from ui.models.rows import READ_ONLY, Cell, fill_cells
from ui.workers.operations import OperationQueue, Work

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"
INVALID_PROPERTY = "invalid"
INVALID_STYLE = '*[invalid="true"] { border: 1px solid #b00020; }'


class Say:
    """Picks the English or Dutch wording of a label: ``say("Save", "Opslaan")``."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, en: str, nl: str) -> str:
        return Text(en, nl)(self.language)

    def error(self, error: BaseException) -> str:
        """The user message of an error: ours with its suggested action, anything else plainly."""
        if isinstance(error, SaltoDeskError):
            return error.user_message(self.language)
        return self(
            f"Unexpected error: {type(error).__name__}: {error}", f"Onverwachte fout: {type(error).__name__}: {error}"
        )


class MessageLabel(QLabel):
    """A word-wrapped status line that shows errors in red and successes in green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE)

    def show_ok(self, text: str) -> None:
        self._show(text, OK_STYLE)

    def show_info(self, text: str) -> None:
        self._show(text, "")

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    def _show(self, text: str, style: str) -> None:
        self.setStyleSheet(style)
        self.setText(text)
        self.show()


class FieldErrors:
    """Marks the widget of the field a ``ValidationError`` names and shows the message below the form."""

    def __init__(self, message: MessageLabel, say: Say, fields: dict[str, QWidget]) -> None:
        self.message = message
        self.say = say
        self.fields = fields

    def clear(self) -> None:
        self.message.clear_message()
        for widget in self.fields.values():
            _mark(widget, False)

    def show(self, error: BaseException) -> None:
        self.clear()
        self.message.show_error(self.say.error(error))
        if isinstance(error, ValidationError) and (widget := self.fields.get(error.field)) is not None:
            _mark(widget, True)
            widget.setFocus()

    def marked(self) -> list[str]:
        return [name for name, widget in self.fields.items() if widget.property(INVALID_PROPERTY)]


def _mark(widget: QWidget, invalid: bool) -> None:
    widget.setProperty(INVALID_PROPERTY, invalid)
    widget.setStyleSheet(INVALID_STYLE if invalid else "")


Success = Callable[[object], None]
Failure = Callable[[BaseException], None]


class JobRunner(QObject):
    """Submits work to a queue and routes its outcome (on the GUI thread) to the given callbacks."""

    def __init__(self, queue: OperationQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self._callbacks: dict[int, tuple[Success, Failure]] = {}
        self._progress: dict[int, Success] = {}
        queue.progress.connect(self._reported)
        queue.succeeded.connect(self._succeeded)
        queue.failed.connect(self._failed)

    def run(
        self,
        label: str,
        work: Work,
        on_success: Success,
        on_failure: Failure,
        *,
        on_progress: Success | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> int:
        """Queue ``work``; the callbacks run on the GUI thread (progress payloads as ``report`` sent them)."""
        job = self.queue.submit(label, work, cancel)
        self._callbacks[job] = (on_success, on_failure)
        if on_progress is not None:
            self._progress[job] = on_progress
        return job

    def cancel(self, job: int) -> None:
        self.queue.cancel(job)

    def pending(self) -> bool:
        return bool(self._callbacks)

    @Slot(int, object)
    def _reported(self, job: int, payload: object) -> None:
        if (callback := self._progress.get(job)) is not None:
            callback(payload)

    @Slot(int, object)
    def _succeeded(self, job: int, result: object) -> None:
        self._progress.pop(job, None)
        if (callbacks := self._callbacks.pop(job, None)) is not None:
            callbacks[0](result)

    @Slot(int, object)
    def _failed(self, job: int, error: object) -> None:
        self._progress.pop(job, None)
        if (callbacks := self._callbacks.pop(job, None)) is not None:
            callbacks[1](error if isinstance(error, BaseException) else RuntimeError(str(error)))


class Question(QMessageBox):
    """A yes/no confirmation shown with ``open()``; ``on_yes`` runs when the user confirms."""

    def __init__(self, parent: QWidget, title: str, text: str, on_yes: Callable[[], None]) -> None:
        super().__init__(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        self.setDefaultButton(QMessageBox.StandardButton.No)
        self._on_yes = on_yes
        self.finished.connect(self._done)

    def answer(self, yes: bool) -> None:
        """Click Yes or No (what the user does; tests call it too)."""
        button = self.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No)
        button.click()

    @Slot(int)
    def _done(self, _result: int) -> None:
        if self.clickedButton() is self.button(QMessageBox.StandardButton.Yes):
            self._on_yes()
        self.deleteLater()


def cell(text: str, data: object = None) -> Cell:
    """A cell of a settings list: its text and, where the list needs it, the row's id as user data."""
    return Cell(text, {} if data is None else {Qt.ItemDataRole.UserRole: data})


def fill_read_only(widget: QTableWidget, rows: Sequence[Sequence[Cell]]) -> None:
    """Show ``rows`` in a list made by ``table``: every cell read-only, the items made by Qt (``fill_cells``)."""
    fill_cells(widget, rows, [READ_ONLY] * widget.columnCount())


def table(headers: Sequence[str]) -> QTableWidget:
    """A read-only list with whole-row selection; column 0 carries each row's id as user data."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(list(headers))
    widget.verticalHeader().hide()
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return widget


def item_at(widget: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item of a cell the page filled itself (every cell of these tables has one)."""
    item = widget.item(row, column)
    if item is None:
        raise LookupError(f"no item in row {row}, column {column}")
    return item


def selected_data(widget: QTableWidget) -> object:
    """The user data of column 0 of the current row, or None."""
    row = widget.currentRow()
    item = widget.item(row, 0) if row >= 0 else None
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class EditDialog(QDialog):
    """A form dialog whose OK stores through ``save``; a refused save keeps it open with the message."""

    def __init__(self, say: Say, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.say = say
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.message = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.errors = FieldErrors(self.message, say, {})
        self.save: Callable[[], object] = lambda: None
        self.result_value: object = None

    @Slot()
    def try_accept(self) -> None:
        self.errors.clear()
        try:
            self.result_value = self.save()
        except SaltoDeskError as error:
            self.errors.show(error)
            return
        self.accept()
