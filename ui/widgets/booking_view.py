"""The booking data of one reservation as the Reservations tab shows it: two read-only columns."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from salto_desk.errors import Plural, Text
from salto_desk.moments import day_text
from salto_desk.services.front_desk import ReservationRow
from salto_desk.storage.pms_repository import CachedReservation
from ui.models.reservations import accommodation_text, state_text

NOTHING = "—"
NIGHTS = Plural(Text("{count} night", "{count} nacht"), Text("{count} nights", "{count} nachten"))


class BookingView(QGroupBox):
    """The booking data of one reservation, read-only."""

    FIELDS = (
        ("booking", Text("Booking nr", "Boekingsnr")),
        ("administration", Text("Administration", "Administratie")),
        ("guest", Text("Guest", "Gast")),
        ("phone", Text("Phone", "Telefoon")),
        ("email", Text("E-mail", "E-mail")),
        ("stay", Text("Stay", "Verblijf")),
        ("state", Text("State", "Status")),
        ("checked", Text("Checked in / out", "In- / uitgecheckt")),
        ("accommodation", Text("Accommodation", "Accommodatie")),
        ("type", Text("Type", "Type")),
        ("labels", Text("Labels", "Labels")),
        ("extras", Text("Extras", "Extra's")),
        ("costs", Text("Costs", "Kosten")),
        ("plate", Text("License plate", "Kenteken")),
    )

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(Text("Booking", "Boeking")(language), parent)
        self.language = language
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.values: dict[str, QLabel] = {}
        half = (len(self.FIELDS) + 1) // 2
        for number, (name, label) in enumerate(self.FIELDS):
            value = QLabel(NOTHING)
            value.setObjectName(f"booking_{name}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setMinimumWidth(60)
            self.values[name] = value
            title = QLabel(label(language))
            title.setObjectName("fieldLabel")
            title.setBuddy(value)
            row, column = number % half, 2 * (number // half)  # two columns: read down, then across
            grid.addWidget(title, row, column, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, column + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def show_row(self, row: ReservationRow | None, zone: ZoneInfo | None = None) -> None:
        """Show ``row``; check-in and check-out days are shown in the administration's ``zone``."""
        if row is None:
            for value in self.values.values():
                value.setText(NOTHING)
            return
        reservation = row.reservation
        texts = {
            "booking": reservation.booking_nr,
            "administration": row.administration,
            "guest": reservation.guest_name,
            "phone": reservation.phone or "",
            "email": reservation.email or "",
            "stay": _stay_text(reservation, self.language),
            "state": state_text(reservation, self.language),
            "checked": _checked_text(reservation, zone),
            "accommodation": accommodation_text(reservation),
            "type": reservation.object_type,
            "labels": ", ".join(reservation.labels),
            "extras": ", ".join(reservation.extras),
            "costs": ", ".join(reservation.costs),
            "plate": reservation.license_plate or "",
        }
        for name, text in texts.items():
            self.values[name].setText(text or NOTHING)


def _stay_text(reservation: CachedReservation, language: str) -> str:
    nights = NIGHTS((reservation.end_date - reservation.start_date).days, language)
    return f"{day_text(reservation.start_date, language)} → {day_text(reservation.end_date, language)} ({nights})"


def _checked_text(reservation: CachedReservation, zone: ZoneInfo | None) -> str:
    """BEX records the day of check-in and check-out only, so only the day is shown."""

    def day(moment: datetime | None) -> str:
        return NOTHING if moment is None else day_text(moment.astimezone(zone).date(), "")

    return f"{day(reservation.checked_in_at)} / {day(reservation.checked_out_at)}"
