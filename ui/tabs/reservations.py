"""The Reservations tab: find a booking as you type, see its booking and key data, print or send its key.

Searches run in the application layer through ``context.calls`` (never on the GUI thread), debounced
while typing; only the answer to the newest search is shown. The key data of the selected reservation is shown and
operated on by the shared ``KeyActionsPanel``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Plural, SaltoDeskError, Text
from salto_desk.keys.model import Administration, Holder, HolderKind, KeyData
from salto_desk.keys.rules import reservation_label
from salto_desk.services.front_desk import KeyDataSetup, ReservationRow, ReservationSearch
from salto_desk.sync import SyncProgress
from ui.context import DeskContext
from ui.dialogs.key_data import KeyDataDialog
from ui.models.reservations import (
    KEY_STATES,
    NO_KEY,
    Column,
    ReservationsModel,
    ReservationsProxy,
)
from ui.models.rows import RowCells
from ui.style import Icon, icon, list_rows
from ui.widgets.booking_view import BookingView
from ui.widgets.filters import refill_administrations
from ui.widgets.key_actions import KeyActionsPanel
from ui.widgets.plus_key import MadeDialog, PlusKey
from ui.widgets.refresh import DataChangeRefresh
from ui.widgets.reservation_filters import ReservationFilters

SEARCH_DELAY_MS = 250
"""How long typing must pause before the search runs: every keystroke would only queue stale searches."""
NOTHING = "—"
SYNC_RUNNING = Text(
    "No reservations yet: the sync with BEX is reading them.",
    "Nog geen reserveringen: de synchronisatie met BEX leest ze.",
)
SYNC_READING = Text(
    "No reservations yet: the sync with BEX is reading them ({progress}).",
    "Nog geen reserveringen: de synchronisatie met BEX leest ze ({progress}).",
)
RESERVATIONS = Plural(
    Text("{count} reservation", "{count} reservering"), Text("{count} reservations", "{count} reserveringen")
)

ADD_KEY = Text("+Key", "+Sleutel")
ADD_KEY_TIP = Text(
    "Create key data for this reservation by hand (no product matched, or after a delete)",
    "Sleutelgegevens voor deze reservering met de hand maken (geen product van toepassing, of na verwijderen)",
)
ADD_KEY_FAILED = Text("Opening +Key failed:", "+Sleutel openen is mislukt:")
NO_RESERVATION = Text(
    "No reservation selected: search for one first (Ctrl+F).",
    "Geen reservering gekozen: zoek er eerst een (Ctrl+F).",
)
NOTHING_TO_OPEN = Text(
    "No reservation to open: the search found nothing.", "Geen reservering om te openen: de zoekopdracht vond niets."
)


@dataclass(frozen=True)
class SearchResult:
    """One reservation search and the list's cells, computed on the worker thread."""

    search: ReservationSearch
    cells: list[RowCells]


class ReservationsTab(QWidget):
    """Search, filter and select reservations; the selected one's booking data and key actions.

    ``status_message`` says why a shortcut did nothing (no reservation, nothing to copy...).
    """

    status_message = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._language = context.language
        self._administrations: tuple[Administration, ...] = ()
        self._searches = 0  # the newest search's number: only its answer is shown
        self._search_running = False
        self._keep: tuple[int, str] | None = None
        self._select_pms_id: str | None = None
        self._shown: ReservationRow | None = None
        self._keep_key: int | None = None
        self._open_when_found = False

        self.filters = ReservationFilters(self._language)
        self.search_field, self.administration_filter = self.filters.search_field, self.filters.administration_filter
        self.period_filter, self.state_filter = self.filters.period_filter, self.filters.state_filter
        self.date_from, self.date_to = self.filters.date_from, self.filters.date_to
        self.search_field.installEventFilter(self)
        self._build_table()
        details = self._build_details(context)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.count_label)
        list_layout.addWidget(self.key_panel.prompt)  # beside the key data: it never pushes it about
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("reservations_splitter")
        self.splitter.addWidget(list_side)
        self.splitter.addWidget(details)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        chain: list[QWidget] = [self.search_field, self.administration_filter, self.period_filter, self.date_from,
                                self.date_to, self.state_filter, self.table, self.key_choice, self.add_key_button,
                                self.key_panel]  # fmt: skip
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        self._connect(context)
        self.refresh()

    def _build_table(self) -> None:
        language = self._language
        self.count_label = QLabel()
        self.count_label.setObjectName("reservation_count")
        self.count_label.setWordWrap(True)  # a long count never widens the window past a small screen
        self.model = ReservationsModel(language, self)
        self.proxy = ReservationsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("reservations_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        list_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((Column.BOOKING, 80), (Column.GUEST, 150), (Column.KEY, 150), (Column.ARRIVAL, 110),
                              (Column.DEPARTURE, 110), (Column.ACCOMMODATION, 120), (Column.STATE, 150)):  # fmt: skip
            self.table.setColumnWidth(column, width)
        self.table.setAccessibleName(Text("Reservations", "Reserveringen")(language))

    def _build_details(self, context: DeskContext) -> QScrollArea:
        """The booking, its key data and history, scrolling up and down inside (never sideways)."""
        language = self._language
        self.booking = BookingView(language)
        self.key_choice = QComboBox()
        self.key_choice.setObjectName("key_choice")
        self.key_choice.hide()
        self.key_choice.setAccessibleName(
            Text("Key data of the reservation", "Sleutelgegevens van de reservering")(language)
        )
        self.add_key_button = QPushButton(ADD_KEY(language))
        self.add_key_button.setIcon(icon(Icon.KEY))
        self.add_key_button.setAccessibleName(ADD_KEY_TIP(language))
        self.add_key_button.setToolTip(ADD_KEY_TIP(language))
        self.add_key_button.setEnabled(False)
        self.key_panel = KeyActionsPanel(context, self)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_choice, 1)
        key_row.addWidget(self.add_key_button)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.booking)
        details_layout.addLayout(key_row)
        details_layout.addWidget(self.key_panel, 1)
        scroll = QScrollArea()
        scroll.setObjectName("reservation_details")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(details)
        scroll.setMinimumWidth(details.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
        return scroll

    def _connect(self, context: DeskContext) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.modelAboutToBeReset.connect(self._hold_selection)
        self.model.modelReset.connect(self._release_selection)
        self.key_choice.currentIndexChanged.connect(self._show_chosen_key)
        self.add_key_button.clicked.connect(self.add_key)
        self.plus_key = PlusKey(
            context,
            self.add_key_button,
            lambda: self._shown is not None,
            self.status_message.emit,
            ADD_KEY_FAILED,
            self,
        )
        self.plus_key.stored.connect(self._on_key_created)
        self.key_panel.key_changed.connect(self._on_key_changed)
        self.key_panel.status_message.connect(self.status_message)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_field.textChanged.connect(self._debounce.start)
        self.search_field.returnPressed.connect(self.open_selected)
        self.filters.changed.connect(self.refresh)
        self._changes = DataChangeRefresh(self, self.refresh, lambda: self.searching)
        context.events.keys_changed.connect(self._on_data_changed)
        context.events.pms_synced.connect(self._on_data_changed)
        context.events.config_changed.connect(self._on_data_changed)
        if context.sync is not None:
            context.sync.progress.connect(self._on_sync_progress)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search field Down moves into the list and Esc clears the search."""
        if watched is self.search_field and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.proxy.rowCount() > 0:
                if self.selected() is None:
                    self.table.selectRow(0)
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            if event.key() == Qt.Key.Key_Escape and self.search_field.text():
                self.search_field.clear()
                return True
        return super().eventFilter(watched, event)

    # --- searching --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the search again (filters changed, or data changed elsewhere); the selection is kept."""
        self._debounce.stop()
        self._changes.searching_now()
        query, front_desk, language = self.filters.query(), self._context.services.front_desk, self._language
        if self._shown is not None and self._keep is None:
            self._keep = self._shown.identity
        self._searches += 1
        number = self._searches
        self._search_running = True

        def search() -> SearchResult:
            found = front_desk.search_reservations(query)
            return SearchResult(found, ReservationsModel.cells(found.rows, language))

        self._context.calls.run(
            self,
            search,
            lambda result: self._on_found(number, result),
            lambda error: self._on_search_failed(number, error),
        )

    def show_reservation(self, pms_id: str, search_text: str) -> None:
        """Find one reservation (for a card that was read): clear the filters, search, select it."""
        self._keep = None
        for combo in (self.administration_filter, self.period_filter, self.state_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._select_pms_id = pms_id
        self.search_field.blockSignals(True)
        self.search_field.setText(search_text)
        self.search_field.blockSignals(False)
        self.refresh()

    def _on_data_changed(self, *_changed: object) -> None:
        self._changes.changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._changes.shown()

    def _on_found(self, number: int, result: SearchResult) -> None:
        if number != self._searches:
            return  # a newer search runs
        self._search_running = False
        found = result.search
        self._set_administrations(found.administrations)
        keep = self._keep
        self._keep = None
        wanted = self._select_pms_id
        self._select_pms_id = None
        self.model.show_rows(found.rows, result.cells, lambda: self._show_found(found, keep, wanted))

    def _on_sync_progress(self, progress: object) -> None:
        """While the list is empty (a first sync), say what the sync is reading instead of "0 reservations"."""
        if (
            isinstance(progress, SyncProgress)
            and self.model.rowCount() == 0
            and not self.searching
            and not self.search_field.text().strip()
        ):
            self.count_label.setText(SYNC_READING(self._language).format(progress=progress.text(self._language)))

    def _show_found(self, result: ReservationSearch, keep: tuple[int, str] | None, wanted: str | None) -> None:
        count = len(result.rows)
        text = RESERVATIONS(count, self._language)
        sync = self._context.sync
        if count == 0 and sync is not None and sync.running and not self.search_field.text().strip():
            text = SYNC_RUNNING(self._language)
        if count >= result.limit:
            text += Text(
                f" (the first {result.limit}: type more to narrow the search)",
                f" (de eerste {result.limit}: typ meer om de zoekopdracht te verfijnen)",
            )(self._language)
        self.count_label.setText(text)
        row = None
        if wanted is not None:
            row = next((number for number, each in enumerate(result.rows) if each.reservation.pms_id == wanted), None)
        elif keep is not None:
            row = self.model.find(keep)
        if row is None or not self.select(self.model.row_at(row).identity):
            self.table.clearSelection()
            self._show(None)
        if self._open_when_found:
            self._open_when_found = False
            self.open_selected()
        self._changes.search_ended()

    def _on_search_failed(self, number: int, error: Exception) -> None:
        if number != self._searches:
            return
        self._search_running = False
        self._changes.search_ended()
        message = (
            error.user_message(self._language)
            if isinstance(error, SaltoDeskError)
            else Text(f"The search failed: {error}", f"Het zoeken is mislukt: {error}")(self._language)
        )
        self.count_label.setText(message)

    def _set_administrations(self, administrations: tuple[Administration, ...]) -> None:
        if administrations == self._administrations:
            return
        self._administrations = administrations
        refill_administrations(self.administration_filter, administrations)
        self.table.setColumnHidden(Column.ADMINISTRATION, len(administrations) < 2)

    # --- the selected reservation -----------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return self._search_running or self.model.filling

    def _hold_selection(self) -> None:
        """New rows replace the old ones: no selection change is announced until the kept row is selected."""
        self.table.selectionModel().blockSignals(True)

    def _release_selection(self) -> None:
        self.table.selectionModel().blockSignals(False)

    @property
    def administrations(self) -> tuple[Administration, ...]:
        return self._administrations

    def select(self, identity: tuple[int, str]) -> bool:
        """Select the listed reservation (administration id, PMS id); False when it is not listed."""
        row = self.model.find(identity)
        if row is None:
            return False
        proxy_row = self.proxy.mapFromSource(self.model.index(row, 0)).row()
        self.table.selectRow(proxy_row)
        self.table.scrollTo(self.proxy.index(proxy_row, 0))
        return True

    def selected(self) -> ReservationRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row(rows[0].row()) if rows else None

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search field, its text selected so typing replaces it."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def open_selected(self) -> None:
        """Enter: open the selected reservation (the first match when none is selected) at its key actions.

        The cursor goes to Print when it has key data, else to +Key. A search still running is waited
        for; when nothing is listed a status message says so.
        """
        if self.searching or self._debounce.isActive():
            self._open_when_found = True
            if self._debounce.isActive():
                self.refresh()
            return
        if self.selected() is None:
            if self.proxy.rowCount() == 0:
                self.status_message.emit(NOTHING_TO_OPEN(self._language))
                return
            self.table.selectRow(0)
        if not self.key_panel.focus_actions():
            self.add_key_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def add_key(self) -> None:
        """+Key: load the key types and their defaults for the selected reservation, then open the dialog."""
        row = self._shown
        administration = self._administration_of(row)
        if row is None or administration is None:
            self.status_message.emit(NO_RESERVATION(self._language))
            return
        context, reservation = self._context, row.reservation
        holder = reservation_label(reservation.booking_nr, reservation.guest_name, reservation.pms_id)

        def make(setup: KeyDataSetup) -> MadeDialog | None:
            if self._shown is None or self._shown.identity != row.identity:
                return None  # another booking was chosen meanwhile
            dialog = KeyDataDialog(context, setup, holder, reservation_pms_id=reservation.pms_id, parent=self)
            return dialog, dialog.saved

        front_desk, administration_id = context.services.front_desk, administration.id
        self.plus_key.start(lambda: front_desk.reservation_key_setup(administration_id, reservation.pms_id), make)

    @property
    def dialog(self) -> QDialog | None:
        """The +Key dialog open now (tests drive it)."""
        return self.plus_key.dialog

    def _on_key_created(self, key: object) -> None:
        if isinstance(key, KeyData):
            self._keep_key = key.id
            self._context.events.keys_changed.emit(key)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.selected())

    def _show(self, row: ReservationRow | None) -> None:
        self._shown = row
        administration = self._administration_of(row)
        self.booking.show_row(row, administration.zone if administration else None)
        self.plus_key.refresh_button()
        choice = self.key_choice
        chosen = self._keep_key if self._keep_key is not None else choice.currentData()
        self._keep_key = None
        choice.blockSignals(True)
        choice.clear()
        for key in row.keys if row else ():
            choice.addItem(f"{key.rooms and ', '.join(key.rooms)} · {KEY_STATES[key.state](self._language)}", key.id)
        index = choice.findData(chosen)
        choice.setCurrentIndex(index if index >= 0 else 0)
        choice.blockSignals(False)
        choice.setVisible(row is not None and len(row.keys) > 1)
        self._show_chosen_key()

    def _administration_of(self, row: ReservationRow | None) -> Administration | None:
        if row is None:
            return None
        return next((each for each in self._administrations if each.id == row.reservation.administration_id), None)

    def _show_chosen_key(self, _index: int | None = None) -> None:
        row = self._shown
        administration = self._administration_of(row)
        if row is None or administration is None:
            self.key_panel.show_nothing()
            self.key_panel.setEnabled(False)
            self.key_panel.setToolTip(NO_KEY(self._language))
            return
        reservation = row.reservation
        key = next((each for each in row.keys if each.id == self.key_choice.currentData()), None)
        holder = Holder(
            HolderKind.RESERVATION,
            reservation.pms_id,
            reservation_label(reservation.booking_nr, reservation.guest_name, reservation.pms_id),
        )
        self.key_panel.setEnabled(True)
        self.key_panel.setToolTip("")
        self.key_panel.show_key(key, administration, reservation.phone, holder=holder)

    def _on_key_changed(self, key: object) -> None:
        self._context.events.keys_changed.emit(key)
