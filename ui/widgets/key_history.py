"""The history of one booking's or owner's keys: every print, copy, phone key, read and change, newest first.

It comes from the permanent audit trail by holder, so it stays when the key data is deleted. Times are
the site's; the SALTO command of each row (CN, CC, CNM...) is in its tooltip, not in the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QWidget

from salto_desk.errors import Text
from salto_desk.keys.model import AuditAction, AuditEntry, AuditState
from salto_desk.moments import moment_text
from ui.models.rows import Cell, fill_cells
from ui.style import list_rows

HISTORY_ROWS_SHOWN = 5
"""The table never gets shorter than this many rows, whatever else the pane shows."""

AUDIT_ACTIONS = {
    AuditAction.ENCODE_NEW: Text("New card", "Nieuwe kaart"),
    AuditAction.ENCODE_COPY: Text("Copy card", "Kopiekaart"),
    AuditAction.SEND_TO_PHONE: Text("Sent to phone", "Naar telefoon gestuurd"),
    AuditAction.READ_CARD: Text("Card read", "Kaart gelezen"),
    AuditAction.CHECK_OUT: Text("Checked out in SALTO", "Uitgecheckt in SALTO"),
    AuditAction.CREATE_KEY: Text("Key data made", "Sleutelgegevens gemaakt"),
    AuditAction.DELETE_KEY: Text("Key data deleted", "Sleutelgegevens verwijderd"),
    AuditAction.EDIT_KEY: Text("Key data changed", "Sleutelgegevens gewijzigd"),
}
AUDIT_STATES = {
    AuditState.PENDING: Text("in progress", "bezig"),
    AuditState.OK: Text("done", "gelukt"),
    AuditState.SALTO_ERROR: Text("refused by SALTO", "geweigerd door SALTO"),
    AuditState.LINK_ERROR: Text("SALTO not reached", "SALTO niet bereikt"),
    AuditState.CANCELLED: Text("cancelled", "geannuleerd"),
    AuditState.UNKNOWN: Text("outcome unknown", "afloop onbekend"),
}
COLUMNS = (
    Text("When", "Wanneer"),
    Text("What", "Wat"),
    Text("Rooms", "Kamers"),
    Text("Encoder / phone", "Encoder / telefoon"),
    Text("Card", "Kaart"),
    Text("Result", "Resultaat"),
    Text("Message", "Melding"),
    Text("By", "Door"),
)
FITTED_COLUMNS = (0, 4, 5)
"""When, Card and Result keep their text's width; the other columns share the rest (no sideways scrolling)."""
BY = Text("{operator} at {desk}", "{operator} aan {desk}")
COMMAND = Text("SALTO command {command}", "SALTO-opdracht {command}")
CARD_OF = Text("{number} of {count}", "{number} van {count}")
ERROR_CODE = Text("SALTO code {code}", "SALTO-code {code}")


class KeyHistory(QTableWidget):
    """Read-only, newest first; at least ``HISTORY_ROWS_SHOWN`` rows tall."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.language = language
        self.setObjectName("keyHistory")
        self.setHorizontalHeaderLabels([column(language) for column in COLUMNS])
        for index, title in enumerate(COLUMNS):  # a narrow column's title ends in "…" (list_rows): whole here
            header_item = self.horizontalHeaderItem(index)
            if header_item is not None:
                header_item.setToolTip(title(language))
        self.setAccessibleName(Text("History of the keys", "Geschiedenis van de sleutels")(language))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        list_rows(self)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # long texts end in "…", whole in the tooltip
        for column in FITTED_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        row_height = self.verticalHeader().defaultSectionSize()
        frame = 2 * self.frameWidth()
        self.setMinimumHeight(header.sizeHint().height() + HISTORY_ROWS_SHOWN * row_height + frame)

    def show_entries(self, entries: Sequence[AuditEntry], zone: ZoneInfo | None) -> None:
        language = self.language
        rows = []
        for entry in reversed(entries):
            tip: dict[int, object] = {}
            if entry.command:
                tip[Qt.ItemDataRole.ToolTipRole] = COMMAND(language).format(command=entry.command)
            result_tip: dict[int, object] = {}
            if entry.error_code:
                result_tip[Qt.ItemDataRole.ToolTipRole] = ERROR_CODE(language).format(code=entry.error_code)
            card = (
                CARD_OF(language).format(number=entry.card_number, count=entry.card_count) if entry.card_number else ""
            )
            by = BY(language).format(operator=entry.operator, desk=entry.desk) if entry.operator else entry.desk
            rows.append((
                Cell(moment_text(entry.started_at, zone)),
                Cell(AUDIT_ACTIONS[entry.action](language), tip),
                _whole(", ".join(entry.rooms)),
                _whole(entry.encoder or entry.phone),
                Cell(card),
                Cell(AUDIT_STATES[entry.state](language), result_tip),
                _whole(entry.message),
                _whole(by),
            ))  # fmt: skip
        fill_cells(self, rows)


def _whole(text: str) -> Cell:
    """A cell that may be shortened to "…" in its column: its whole text is its tooltip."""
    return Cell(text, {Qt.ItemDataRole.ToolTipRole: text} if text else {})
