"""The pieces every key data form shares: key type, access, print info, phone, and the core's verdict.

(The rooms have an editor of their own: ``ui.widgets.room_editor``.)

The +Key dialog of an owner and the create/edit dialog of any key data are built from these, so a
field looks, reads and reports a refusal the same way everywhere. Nothing here decides what is valid:
the core does (``salto_desk.keys.draft_validation``), and ``FieldFeedback`` shows its message and
outlines the field it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.field_validation import MAX_TEXT_LINES, as_printed
from salto_desk.keys.model import Administration, KeyType
from salto_desk.protocol.text import TEXT_LINE_LENGTH, TextEncoding
from ui.models.rows import Cell, check_box, fill_cells
from ui.style import Tone, is_marked_invalid, mark_invalid, set_tone
from ui.widgets.encoder_prompt import error_texts

DATE_FORMAT = "dd-MM-yyyy"

KEY_TYPE = Text("Key type", "Sleuteltype")
PHONE = Text("Phone", "Telefoon")
PHONE_HINT = Text(
    "International format (+31...) for JustIN Mobile; leave empty for cards only.",
    "Internationaal formaat (+31...) voor JustIN Mobile; laat leeg voor alleen kaarten.",
)
PRINT_LINE = Text("Print info line {number}", "Printinfo regel {number}")
PRINT_COUNT = Text("Characters on print info line {number}", "Tekens op printinforegel {number}")
PRINTED_AS = Text(
    "Line {number} is printed as \u201c{text}\u201d: the card cannot show every character as typed.",
    "Regel {number} wordt afgedrukt als \u201c{text}\u201d: de kaart kan niet elk teken tonen zoals getypt.",
)
ACCESS = Text("Authorizations", "Autorisaties")
ACCESS_COLUMNS = (Text("Authorization", "Autorisatie"), Text("Granted", "Toegestaan"), Text("Denied", "Geweigerd"))
UNNAMED = Text("authorization {number}", "autorisatie {number}")
CHECKABLE = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def key_type_combo(key_types: Iterable[KeyType], language: str) -> QComboBox:
    """The key types to choose from, each carrying its id."""
    combo = QComboBox()
    for key_type in key_types:
        combo.addItem(key_type.name, key_type.id)
    combo.setAccessibleName(KEY_TYPE(language))
    return combo


def phone_edit(phone: str | None, language: str) -> tuple[QLineEdit, QLabel]:
    """The phone field for JustIN Mobile and the hint on its format."""
    edit = QLineEdit(phone or "")
    edit.setAccessibleName(PHONE(language))
    edit.setPlaceholderText("+31612345678")
    hint = QLabel(PHONE_HINT(language))
    hint.setWordWrap(True)
    edit.setToolTip(PHONE_HINT(language))
    return edit, hint


LICENSE_PLATE = Text("License plate", "Kenteken")
PLATE_LINE = Text(
    "Sent to SALTO in print info line {line}, in place of that line.",
    "Wordt naar SALTO gestuurd in printinforegel {line}, in plaats van die regel.",
)
PLATE_OFF = Text(
    "{administration} does not send license plates to SALTO (a manager can switch it on for SALTO 1.20 or newer).",
    "{administration} stuurt geen kentekens naar SALTO (een manager kan dit aanzetten voor SALTO 1.20 of nieuwer).",
)


def license_plate_edit(administration: Administration, language: str) -> tuple[QLineEdit, QLabel]:
    """The license plate field, usable only where the administration sends plates to SALTO, and its hint."""
    edit = QLineEdit()
    edit.setAccessibleName(LICENSE_PLATE(language))
    carries = administration.carries_license_plate
    edit.setEnabled(carries)
    hint = QLabel(
        PLATE_LINE(language).format(line=administration.license_plate_line)
        if carries
        else PLATE_OFF(language).format(administration=administration.name)
    )
    hint.setWordWrap(True)
    edit.setToolTip(hint.text())
    return edit, hint


class PrintInfoLines:
    """The card's text lines (print info), one field each, with a live count of the characters SALTO
    receives and, where the card cannot show a character as typed, the line as it will be printed."""

    def __init__(self, language: str, encoding: TextEncoding = "ascii") -> None:
        self.language = language
        self.encoding = encoding
        self.edits = [QLineEdit() for _line in range(MAX_TEXT_LINES)]
        self.counters = [QLabel() for _line in range(MAX_TEXT_LINES)]
        self.printed = QLabel()
        self.printed.setWordWrap(True)
        self.printed.hide()
        for number, (edit, counter) in enumerate(zip(self.edits, self.counters, strict=True), 1):
            edit.setAccessibleName(PRINT_LINE(language).format(number=number))
            counter.setAccessibleName(PRINT_COUNT(language).format(number=number))
            counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            widest = counter.fontMetrics().horizontalAdvance(f"{TEXT_LINE_LENGTH * 10}/{TEXT_LINE_LENGTH}")
            counter.setFixedWidth(widest)  # "0/24" and "23/24" leave the lines equally long
            edit.textChanged.connect(self._show_counts)
        self._show_counts()

    def add_rows(self, form: QFormLayout) -> None:
        for number, (edit, counter) in enumerate(zip(self.edits, self.counters, strict=True), 1):
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(counter)
            form.addRow(PRINT_LINE(self.language).format(number=number), row)
        form.addRow("", self.printed)

    def lines(self) -> list[str]:
        return [edit.text() for edit in self.edits]

    def set_lines(self, lines: Sequence[str]) -> None:
        for number, edit in enumerate(self.edits):
            edit.setText(lines[number] if number < len(lines) else "")

    def set_encoding(self, encoding: TextEncoding) -> None:
        self.encoding = encoding
        self._show_counts()

    def fit(self) -> bool:
        """Whether every line fits the card as SALTO receives it (a form keeps OK off until they do)."""
        return all(len(as_printed(edit.text(), self.encoding)) <= TEXT_LINE_LENGTH for edit in self.edits)

    def _show_counts(self) -> None:
        changed = []
        for number, (edit, counter) in enumerate(zip(self.edits, self.counters, strict=True), 1):
            printed = as_printed(edit.text(), self.encoding)
            counter.setText(f"{len(printed)}/{TEXT_LINE_LENGTH}")
            set_tone(counter, Tone.ERROR if len(printed) > TEXT_LINE_LENGTH else Tone.PLAIN)
            if printed != edit.text().strip():
                changed.append(PRINTED_AS(self.language).format(number=number, text=printed))
        self.printed.setText("\n".join(changed))
        self.printed.setVisible(bool(changed))


class AccessTable(QTableWidget):
    """The authorizations by number and name, each granted, denied or neither (the core refuses both)."""

    def __init__(self, names: Mapping[int, str], language: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(ACCESS_COLUMNS), parent)
        self.language = language
        self.names = dict(names)
        self.setHorizontalHeaderLabels([column(language) for column in ACCESS_COLUMNS])
        self.setAccessibleName(ACCESS(language))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows and Space work inside it
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(120)
        self._numbers: list[int] = []
        self.set_access((), ())

    def set_access(self, granted: Sequence[int], denied: Sequence[int]) -> None:
        """Show every named authorization plus any number in use, ticked as given."""
        self._numbers = sorted(set(self.names) | set(granted) | set(denied))
        fill_cells(
            self,
            [
                (
                    Cell(f"{number} {self.names.get(number) or UNNAMED(self.language).format(number=number)}"),
                    check_box(number in granted),
                    check_box(number in denied),
                )
                for number in self._numbers
            ],
            (None, CHECKABLE, CHECKABLE),
        )

    def access(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The granted and the denied authorization numbers."""

        def ticked(column: int) -> tuple[int, ...]:
            return tuple(
                number
                for row, number in enumerate(self._numbers)
                if self._check(row, column).checkState() == Qt.CheckState.Checked
            )

        return ticked(1), ticked(2)

    def tick(self, number: int, *, granted: bool = False, denied: bool = False) -> None:
        """Set one authorization (what the receptionist does with the mouse or Space)."""
        row = self._numbers.index(number)
        for column, ticked in ((1, granted), (2, denied)):
            self._check(row, column).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _check(self, row: int, column: int) -> QTableWidgetItem:
        item = self.item(row, column)
        if item is None:
            raise LookupError(f"no check box at row {row}, column {column}")  # set_access fills every cell
        return item


class FieldFeedback:
    """The form's message line, and the outline of the field the core refused (with the cursor put in it)."""

    def __init__(self, language: str, fields: Mapping[str, QWidget], aliases: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.fields = dict(fields)
        self.aliases = dict(aliases or {})  # a field the core names -> the form field that shows it
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, text: str, *, error: bool = False) -> None:
        set_tone(self.message, Tone.ERROR if error else Tone.PLAIN)
        self.message.setText(text)

    def mark(self, field: str | None) -> None:
        """Outline the refused field (None: clear every mark) and put the cursor in it."""
        field = self.aliases.get(field, field) if field is not None else None
        for name, widget in self.fields.items():
            mark_invalid(widget, name == field)
        if field in self.fields:
            self.fields[field].setFocus()

    def invalid_fields(self) -> list[str]:
        """The fields marked as refused by the last attempt."""
        return [name for name, widget in self.fields.items() if is_marked_invalid(widget)]

    def refused(self, error: object) -> None:
        """Show the core's message and suggested action, and mark the field it names."""
        failure = error if isinstance(error, BaseException) else RuntimeError(str(error))
        message, action = error_texts(failure, self.language)
        self.say(f"{message} {action}".strip(), error=True)
        self.mark(failure.field if isinstance(failure, ValidationError) else None)
