"""The Reservations tab's filter bar: search text, administration, dates and state, read as one query."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from salto_desk.errors import Text
from salto_desk.storage.pms_repository import Period, ReservationQuery
from ui.models.reservations import RESERVATION_STATES

PERIODS = (
    (Period.ALL, Text("All dates", "Alle datums")),
    (Period.ARRIVALS, Text("Arrivals today", "Aankomsten vandaag")),
    (Period.IN_HOUSE, Text("In house", "In huis")),
    (Period.DEPARTURES, Text("Departures today", "Vertrekken vandaag")),
)
DATE_RANGE = "range"

SEARCH_HINT = Text("Search booking nr, guest, accommodation or door…", "Zoek boekingsnr, gast, accommodatie of deur…")
SEARCH_TIP = Text(
    "Search as you type (Ctrl+F); Enter opens the selected or first match, Down goes into the list, Esc clears",
    "Zoeken tijdens het typen (Ctrl+F); Enter opent de gekozen of eerste treffer, Omlaag gaat naar de lijst, Esc wist",
)


class ReservationFilters(QWidget):
    """The filters; ``changed`` when a choice changes (the search text has its own debounced signal)."""

    changed = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("reservation_search")
        self.search_field.setPlaceholderText(SEARCH_HINT(language))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName(Text("Search reservations", "Reserveringen zoeken")(language))
        self.search_field.setToolTip(SEARCH_TIP(language))
        self.administration_filter = QComboBox()
        self.administration_filter.addItem(Text("All administrations", "Alle administraties")(language), None)
        self.period_filter = QComboBox()
        for period, label in PERIODS:
            self.period_filter.addItem(label(language), period)
        self.period_filter.addItem(Text("Date range", "Periode")(language), DATE_RANGE)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.date_to.setDate(QDate.currentDate().addDays(7))
        self.state_filter = QComboBox()
        self.state_filter.addItem(Text("Every state", "Elke status")(language), None)
        for state, label in RESERVATION_STATES.items():
            self.state_filter.addItem(label(language), state)
        for widget, name in (
            (self.administration_filter, Text("Administration", "Administratie")),
            (self.period_filter, Text("Dates", "Datums")),
            (self.date_from, Text("From date", "Vanaf datum")),
            (self.date_to, Text("To date", "Tot datum")),
            (self.state_filter, Text("Reservation state", "Reserveringsstatus")),
        ):
            widget.setAccessibleName(name(language))
        filters = QHBoxLayout(self)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search_field, 3)
        filters.addWidget(self.administration_filter, 1)
        filters.addWidget(self.period_filter)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("–"))
        filters.addWidget(self.date_to)
        filters.addWidget(self.state_filter)
        for combo in (self.administration_filter, self.period_filter, self.state_filter):
            combo.currentIndexChanged.connect(self._on_changed)
        self.date_from.dateChanged.connect(self._on_changed)
        self.date_to.dateChanged.connect(self._on_changed)

    def query(self) -> ReservationQuery:
        """The search the filters describe (``day`` is filled in by ``search`` on the worker)."""
        period = self.period_filter.currentData()
        states = self.state_filter.currentData()
        in_range = period == DATE_RANGE
        return ReservationQuery(
            administration_id=self.administration_filter.currentData(),
            text=self.search_field.text().strip(),
            period=Period.ALL if in_range else Period(period),
            date_from=_day(self.date_from.date()) if in_range else None,
            date_to=_day(self.date_to.date()) if in_range else None,
            states=frozenset() if states is None else frozenset({states}),
        )

    @Slot()
    def _on_changed(self) -> None:
        in_range = self.period_filter.currentData() == DATE_RANGE
        self.date_from.setEnabled(in_range)
        self.date_to.setEnabled(in_range)
        self.changed.emit()


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
