"""Small pieces every settings page shares: wording in the desk's language, error display, loading and saving.

Pages and dialogs reach the core only through ``DeskContext.calls`` (off the GUI thread): ``Loader`` reads
what a page shows when it is first shown, ``EditDialog`` loads and stores its form the same way.
SALTO operations run on their endpoint's lane of the same ``calls``. ``Question`` is a non-blocking
confirmation (``open()``, never ``exec()``) so tests and the window stay responsive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from ui.models.rows import READ_ONLY, Cell, fill_cells
from ui.settings.forms import SCREEN_BUDGET
from ui.style import Tone, is_marked_invalid, list_rows, mark_invalid, set_tone
from ui.widgets.fitting_dialog import FittingDialog
from ui.workers.calls import CoreCalls

T = TypeVar("T")

LOADING_NOTICE_MS = 300
"""A load that takes longer than this says "Loading..."; a quicker one never flickers the notice."""
LOADING = Text("Loading...", "Laden...")
DIALOG_WIDTH_CHARACTERS = 64
"""A settings dialog is at least this many average characters wide: its fields, lists and messages fit."""
CHECK_BOX = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
"""The flags of a check-box cell a user ticks."""


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
        self._show(text, Tone.ERROR)

    def show_ok(self, text: str) -> None:
        self._show(text, Tone.OK)

    def show_info(self, text: str) -> None:
        self._show(text, Tone.PLAIN)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    def _show(self, text: str, tone: Tone) -> None:
        set_tone(self, tone)
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
            mark_invalid(widget, False)

    def show(self, error: BaseException) -> None:
        self.clear()
        self.message.show_error(self.say.error(error))
        if isinstance(error, ValidationError) and (widget := self.fields.get(error.field)) is not None:
            mark_invalid(widget, True)
            widget.setFocus()

    def marked(self) -> list[str]:
        return [name for name, widget in self.fields.items() if is_marked_invalid(widget)]


class LiveCheck(QObject):
    """Checks what is typed in ``field`` at each keystroke with ``check`` (a pure core function that raises
    ``ValidationError``) and says what is wrong in ``message``, right under the field; ``changed`` follows
    ``valid`` (a dialog turns OK on and off with it). An empty field is not valid but says nothing yet."""

    changed = Signal(bool)

    def __init__(self, field: QLineEdit, say: Say, check: Callable[[str], object] | None = None) -> None:
        super().__init__(field)
        self.field = field
        self.say = say
        self.check = check
        self.message = MessageLabel()
        self.valid = False
        field.textChanged.connect(self.run)

    def set_check(self, check: Callable[[str], object]) -> None:
        self.check = check
        self.run()

    @Slot()
    def run(self) -> None:
        text, error = self.field.text(), None
        if self.check is not None and text.strip():
            try:
                self.check(text)
            except ValidationError as refused:
                error = refused
        self.valid = self.check is not None and bool(text.strip()) and error is None
        mark_invalid(self.field, error is not None)
        if error is None:
            self.message.clear_message()
        else:
            self.message.show_error(self.say.error(error))
        self.changed.emit(self.valid)


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
    list_rows(widget)
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


class Loader(QObject, Generic[T]):
    """What one page or dialog shows, read through the core off the GUI thread: when it is first shown, and
    again after ``reload()`` (at once while it is shown, else when it is shown next).

    ``fetch`` runs on the GUI thread at each load and returns the core call for what the widget shows now
    (the administration chosen at that moment); ``show`` gets the answer. An answer that a newer load
    overtook is dropped, so a quick change of administration never ends on the older one. The widget calls
    ``shown()`` from its ``showEvent`` and puts ``notice`` in its layout. A widget that waits to be told
    what to show (which administration) starts with ``stale=False``: it loads after its first ``reload()``.
    ``changed`` is called when a load starts or ends (to turn off what must wait for the answer).
    """

    def __init__(
        self,
        owner: QWidget,
        calls: CoreCalls,
        say: Say,
        fetch: Callable[[], Callable[[], T]],
        show: Callable[[T], None],
        failed: Callable[[Exception], None],
        *,
        stale: bool = True,
        changed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._changed = changed
        self._calls = calls
        self._fetch = fetch
        self._show = show
        self._failed = failed
        self._latest = 0
        self.stale = stale
        self.loading = False
        self.notice = QLabel(LOADING(say.language))
        self.notice.hide()
        self._notice_delay = QTimer(self)
        self._notice_delay.setSingleShot(True)
        self._notice_delay.setInterval(LOADING_NOTICE_MS)
        self._notice_delay.timeout.connect(self.notice.show)

    def reload(self) -> None:
        """Load again: now when the widget is shown, else the next time it is."""
        self.stale = True
        if self._owner.isVisible():
            self._load()

    def shown(self) -> None:
        if self.stale:
            self._load()

    def cancel(self) -> None:
        """Drop the answers of the loads running now: the widget shows what it was given instead."""
        self._latest += 1
        self.stale = False
        self._settle(self._latest)

    def _load(self) -> None:
        self.stale = False
        self.loading = True
        self._latest += 1
        load = self._latest
        self._notice_delay.start()
        self._tell()
        self._calls.run(
            self, self._fetch(), lambda value: self._answered(load, value), lambda error: self._refused(load, error)
        )

    def _settle(self, load: int) -> bool:
        """Whether the answer of ``load`` is the newest; the widget then stops loading."""
        if load != self._latest:
            return False
        self.loading = False
        self._notice_delay.stop()
        self.notice.hide()
        self._tell()
        return True

    def _tell(self) -> None:
        if self._changed is not None:
            self._changed()

    def _answered(self, load: int, value: T) -> None:
        if self._settle(load):
            self._show(value)

    def _refused(self, load: int, error: Exception) -> None:
        if self._settle(load):
            self.stale = True  # shown again, the widget tries again
            self._failed(error)


class LoadedPage(QWidget):
    """A settings page that reads what it shows through its ``loader`` (which the page makes)."""

    loader: Loader[Any]

    @property
    def loading(self) -> bool:
        return self.loader.loading

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.loader.shown()

    def refresh(self) -> None:
        """Read again through the core (now when the page is shown, else when it is next)."""
        self.loader.reload()


def administration_list(administration_id: int | None, read: Callable[[int], list[T]]) -> Callable[[], list[T]]:
    """The core call that reads one administration's list; with none chosen, an empty list."""
    if administration_id is None:
        return list
    return lambda: read(administration_id)


class EditDialog(FittingDialog, Generic[T]):
    """A form dialog whose OK stores through the core, off the GUI thread.

    ``store`` reads the form (on the GUI thread) and returns the core call that stores it. While that call
    runs the buttons are off; a refused save keeps the dialog open with the core's message at its field,
    a stored one closes it with the stored value in ``result_value``. A dialog that loads its form first
    starts with ``set_ready(False)``. It grows for its messages (``FittingDialog``).
    """

    def __init__(
        self, calls: CoreCalls, say: Say, title: str, store: Callable[[], Callable[[], T]], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.calls = calls
        self.say = say
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.message = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.errors = FieldErrors(self.message, say, {})
        self.result_value: T | None = None
        self.saving = False
        self.loader: Loader[Any] | None = None
        """Set by a dialog that reads its form through the core when it opens."""
        self._store = store
        self._fitted = False
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * DIALOG_WIDTH_CHARACTERS)

    def showEvent(self, event: QShowEvent) -> None:
        """The first show keeps the dialog within a 1024x768 screen (its lists would ask for more)."""
        if not self._fitted:
            self._fitted = True
            self.resize(self.size().boundedTo(SCREEN_BUDGET))
        super().showEvent(event)
        if self.loader is not None:
            self.loader.shown()

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is None:
            raise LookupError("the dialog has no OK button")
        return button

    @property
    def ready(self) -> bool:
        """Whether OK stores now (the form is loaded and no save runs)."""
        return self.ok_button.isEnabled() and not self.saving

    def set_ready(self, ready: bool) -> None:
        self.ok_button.setEnabled(ready)

    def show_load_error(self, error: Exception) -> None:
        """The form could not be loaded: say why; OK stays off (Cancel closes)."""
        self.message.show_error(self.say.error(error))

    @Slot()
    def try_accept(self) -> None:
        if not self.ready:
            return
        self.errors.clear()
        call = self._store()
        self.saving = True
        self.buttons.setEnabled(False)
        self.calls.run(self, call, self._stored, self._refused)

    def _stored(self, value: T) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.result_value = value
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.errors.show(error)
