"""The reservations list: cached PMS reservations next to the state of their key data.

``ReservationsModel`` holds rows in the order the repository returned them (arrivals of the day first);
``ReservationsProxy`` sorts by a clicked column on typed keys (dates as dates, not as text). A row
whose key needs re-encoding is highlighted, because the cards already made no longer match the stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from salto_desk.errors import Text
from salto_desk.keys.model import KeyData, KeyState
from salto_desk.storage.pms_repository import CachedReservation
from ui.models.rows import ROW_ROLE, AnyIndex, RowsModel

NEEDS_REENCODE_BACKGROUND = QColor(255, 221, 170)
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    BOOKING = 0
    GUEST = 1
    ARRIVAL = 2
    DEPARTURE = 3
    ACCOMMODATION = 4
    STATE = 5
    KEY = 6
    ADMINISTRATION = 7


HEADERS = {
    Column.BOOKING: Text("Booking", "Boeking"),
    Column.GUEST: Text("Guest", "Gast"),
    Column.ARRIVAL: Text("Arrival", "Aankomst"),
    Column.DEPARTURE: Text("Departure", "Vertrek"),
    Column.ACCOMMODATION: Text("Accommodation", "Accommodatie"),
    Column.STATE: Text("State", "Status"),
    Column.KEY: Text("Key", "Sleutel"),
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
NEEDS_REENCODE_TIP = Text(
    "The booking changed after cards were made: the cards no longer match the stay. Print new cards.",
    "De boeking is gewijzigd nadat er kaarten zijn gemaakt: de kaarten passen niet meer bij het verblijf. "
    "Print nieuwe kaarten.",
)


@dataclass(frozen=True)
class ReservationRow:
    """One line of the list: the reservation, its key data and its administration's name."""

    reservation: CachedReservation
    keys: tuple[KeyData, ...]
    administration: str

    @property
    def needs_reencode(self) -> bool:
        return any(key.state is KeyState.NEEDS_REENCODE for key in self.keys)

    @property
    def identity(self) -> tuple[int, str]:
        return self.reservation.administration_id, self.reservation.pms_id


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
            text += f" · {key.cards.count} " + Text("card(s)", "kaart(en)")(language)
        if key.deliveries:
            text += " · " + Text("mobile", "mobiel")(language)
        parts.append(text)
    return "; ".join(parts)


class ReservationsModel(RowsModel[ReservationRow]):
    """Rows of ``ReservationRow``; replaced as a whole after each search."""

    headers = tuple(HEADERS[column] for column in Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == ROW_ROLE:
            return row
        if row.needs_reencode:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(NEEDS_REENCODE_BACKGROUND)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(Qt.GlobalColor.black))
            if role == Qt.ItemDataRole.ToolTipRole:
                return NEEDS_REENCODE_TIP(self.language)
            if role == Qt.ItemDataRole.FontRole and column is Column.KEY:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def _display(self, row: ReservationRow, column: Column) -> str:
        reservation = row.reservation
        if column is Column.BOOKING:
            return reservation.booking_nr
        if column is Column.GUEST:
            return reservation.guest_name
        if column is Column.ARRIVAL:
            return _day(reservation.start_date)
        if column is Column.DEPARTURE:
            return _day(reservation.end_date)
        if column is Column.ACCOMMODATION:
            return accommodation_text(reservation)
        if column is Column.STATE:
            return state_text(reservation, self.language)
        if column is Column.KEY:
            return key_text(row.keys, self.language)
        return row.administration

    def _sort_key(self, row: ReservationRow, column: Column) -> object:
        reservation = row.reservation
        if column is Column.ARRIVAL:
            return reservation.start_date.toordinal()
        if column is Column.DEPARTURE:
            return reservation.end_date.toordinal()
        return self._display(row, column).casefold()


def _day(day: date) -> str:
    return day.strftime("%a %d-%m-%Y")


class ReservationsProxy(QSortFilterProxyModel):
    """Sorts on typed keys; until a header is clicked the repository's order (arrivals first) stays."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def row(self, proxy_row: int) -> ReservationRow:
        value = self.index(proxy_row, 0).data(ROW_ROLE)
        assert isinstance(value, ReservationRow)
        return value
