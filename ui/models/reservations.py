"""The reservations list: cached PMS reservations next to the state of their key data.

``ReservationsModel`` holds rows in the order the repository returned them (arrivals of the day first);
``ReservationsProxy`` sorts by a clicked column on typed keys (dates as dates, not as text). A row
whose key needs re-encoding is highlighted, because the cards already made no longer match the stay.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from salto_desk.errors import Text
from salto_desk.keys.model import KeyData, KeyState
from salto_desk.moments import day_text
from salto_desk.services.front_desk import ReservationRow
from salto_desk.storage.pms_values import CachedReservation
from ui.models.rows import Cell, RowsModel
from ui.style import Chip, cell_colours
from ui.wording import CARDS

SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    """The list's columns, left to right: the key state comes right after the guest, because it is what the
    front desk acts on and it must be in view without scrolling sideways on a 1024-pixel screen."""

    BOOKING = 0
    GUEST = 1
    KEY = 2
    ARRIVAL = 3
    DEPARTURE = 4
    ACCOMMODATION = 5
    STATE = 6
    ADMINISTRATION = 7


HEADERS = {
    Column.BOOKING: Text("Booking", "Boeking"),
    Column.GUEST: Text("Guest", "Gast"),
    Column.KEY: Text("Key", "Sleutel"),
    Column.ARRIVAL: Text("Arrival", "Aankomst"),
    Column.DEPARTURE: Text("Departure", "Vertrek"),
    Column.ACCOMMODATION: Text("Accommodation", "Accommodatie"),
    Column.STATE: Text("State", "Status"),
    Column.ADMINISTRATION: Text("Administration", "Administratie"),
}

RESERVATION_STATES = {
    "confirmed": Text("Confirmed", "Bevestigd"),
    "option": Text("Option", "Optie"),
    "cancelled": Text("Cancelled", "Geannuleerd"),
}
"""BEX's reservation states; whether a guest is checked in or out is kept apart from the state."""
CHECKED_IN = Text("checked in", "ingecheckt")
CHECKED_OUT = Text("checked out", "uitgecheckt")

KEY_STATES = {
    KeyState.WAITING_FOR_CHECK_IN: Text("Waits for check-in", "Wacht op inchecken"),
    KeyState.READY: Text("Ready to print", "Klaar om te printen"),
    KeyState.ISSUED: Text("Issued", "Uitgegeven"),
    KeyState.NEEDS_REENCODE: Text("Needs re-encode", "Opnieuw coderen"),
    KeyState.REVOKING: Text("Being checked out", "Wordt uitgecheckt"),
}
NO_KEY = Text("No key data", "Geen sleutelgegevens")
KEY_CHIPS = {
    KeyState.NEEDS_REENCODE: Chip.NEEDS_REENCODE,
    KeyState.REVOKING: Chip.REVOKING,
    KeyState.READY: Chip.READY,
    KeyState.WAITING_FOR_CHECK_IN: Chip.WAITING,
    KeyState.ISSUED: Chip.ISSUED,
}
"""The chip of each key state, the one that most needs the desk's attention first."""
NEEDS_REENCODE_TIP = Text(
    "The booking changed after cards were made: the cards no longer match the stay. Print new cards.",
    "De boeking is gewijzigd nadat er kaarten zijn gemaakt: de kaarten passen niet meer bij het verblijf. "
    "Print nieuwe kaarten.",
)


def state_text(reservation: CachedReservation, language: str) -> str:
    """BEX's state, and whether the guest checked in or out (what the receptionist asks first)."""
    known = RESERVATION_STATES.get(reservation.state)
    text = known(language) if known else reservation.state.replace("_", " ")
    if reservation.checked_out:
        return f"{text} · {CHECKED_OUT(language)}"
    if reservation.checked_in:
        return f"{text} · {CHECKED_IN(language)}"
    return text


def accommodation_text(reservation: CachedReservation) -> str:
    """The object, with the SALTO door name when it differs (what the receptionist finds on the card)."""
    if reservation.door_name and reservation.door_name != reservation.object_name:
        return f"{reservation.object_name} ({reservation.door_name})"
    return reservation.object_name


def key_text(keys: tuple[KeyData, ...], language: str) -> str:
    if not keys:
        return NO_KEY(language)
    parts = []
    for key in keys:
        text = KEY_STATES[key.state](language)
        if key.cards.count:
            text += " · " + CARDS(key.cards.count, language)
        if key.deliveries:
            text += " · " + Text("mobile", "mobiel")(language)
        parts.append(text)
    return "; ".join(parts)


def key_chip(keys: tuple[KeyData, ...]) -> Chip:
    """The chip of a list's key column: the state among ``keys`` that most needs the desk's attention."""
    states = {key.state for key in keys}
    return next((chip for state, chip in KEY_CHIPS.items() if state in states), Chip.NONE)


class ReservationsModel(RowsModel[ReservationRow]):
    """Rows of ``ReservationRow``; replaced as a whole after each search."""

    headers = tuple(HEADERS[column] for column in Column)

    @classmethod
    def row_cells(cls, row: ReservationRow, language: str) -> list[Cell]:
        reservation = row.reservation
        texts = {
            Column.BOOKING: reservation.booking_nr,
            Column.GUEST: reservation.guest_name,
            Column.ARRIVAL: day_text(reservation.start_date, language, weekday=True),
            Column.DEPARTURE: day_text(reservation.end_date, language, weekday=True),
            Column.ACCOMMODATION: accommodation_text(reservation),
            Column.STATE: state_text(reservation, language),
            Column.KEY: key_text(row.keys, language),
            Column.ADMINISTRATION: row.administration,
        }
        sort_keys: dict[Column, object] = {
            Column.ARRIVAL: reservation.start_date.toordinal(),
            Column.DEPARTURE: reservation.end_date.toordinal(),
        }
        highlight = row.needs_reencode
        tip: dict[int, object] = {Qt.ItemDataRole.ToolTipRole: NEEDS_REENCODE_TIP(language)} if highlight else {}
        chips = {Column.KEY: key_chip(row.keys)}
        return [
            Cell(
                texts[column],
                {SORT_ROLE: sort_keys.get(column, texts[column].casefold()), **tip},
                highlight,
                chips.get(column),
            )
            for column in Column
        ]

    def highlight_roles(self, column: int) -> dict[int, object]:
        """A key that needs re-encoding: the whole row on a warm background, its key state in bold."""
        roles = cell_colours("row-needs-reencode-background", "row-needs-reencode-text")
        if column == Column.KEY:
            font = QFont()
            font.setBold(True)
            roles[Qt.ItemDataRole.FontRole] = font
        return roles


class ReservationsProxy(QSortFilterProxyModel):
    """Sorts on typed keys; until a header is clicked the repository's order (arrivals first) stays."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def row(self, proxy_row: int) -> ReservationRow:
        model = self.sourceModel()
        assert isinstance(model, ReservationsModel)
        return model.row_at(self.mapToSource(self.index(proxy_row, 0)).row())
