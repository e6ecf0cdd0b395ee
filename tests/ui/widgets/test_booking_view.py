"""The booking pane's data: two read-only columns, days in the desk's format, check-in days in the site's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from salto_desk.services.front_desk import ReservationRow
from tests.ui.models.test_reservations import cached
from ui.widgets.booking_view import BookingView


def test_shows_a_booking_and_clears_again(qtbot: QtBot) -> None:
    view = BookingView("en")
    qtbot.addWidget(view)
    reservation = cached(
        "7", date(2026, 12, 4), door_name="101", phone="+31612345678", labels=("VIP", "Late"),
        checked_in_at=datetime(2026, 12, 4, 23, 30, tzinfo=UTC),  # already the 5th in Amsterdam
    )  # fmt: skip
    view.show_row(ReservationRow(reservation, (), "Park"), ZoneInfo("Europe/Amsterdam"))
    assert view.values["stay"].text() == "04-12-2026 → 06-12-2026 (2 nights)"
    assert view.values["accommodation"].text() == "Chalet 10 (101)"
    assert view.values["checked"].text() == "05-12-2026 / —"
    assert view.values["labels"].text() == "VIP, Late"
    assert view.values["plate"].text() == "—"
    view.show_row(None)
    assert {label.text() for label in view.values.values()} == {"—"}


def test_one_night_in_dutch(qtbot: QtBot) -> None:
    view = BookingView("nl")
    qtbot.addWidget(view)
    view.show_row(ReservationRow(cached("8", date(2026, 12, 4), end_date=date(2026, 12, 5)), (), "Park"))
    assert view.values["stay"].text() == "04-12-2026 → 05-12-2026 (1 nacht)"
    assert view.title() == "Boeking"
