"""The Owners tab: owners from the PMS with their accommodations, their key data, and +Key.

Searching reads the PMS cache through the application layer, off the GUI thread (name, e-mail,
accommodation or door name; case and accents ignored). The selected owner's key data shows in the
shared key panel, which prints, copies, sends to a phone and deletes; +Key creates key data without
a booking.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.keys.model import Administration, Holder, HolderKind, KeyData
from salto_desk.services.front_desk import OwnerKeySetup, OwnerRow, OwnerSearch
from ui.context import DeskContext
from ui.dialogs.owner_key import OwnerKeyDialog
from ui.models.owners import Column, OwnersModel, OwnersProxy, accommodations_text
from ui.models.reservations import KEY_STATES
from ui.models.rows import RowCells
from ui.style import Icon, icon, list_rows
from ui.widgets.encoder_prompt import error_texts
from ui.widgets.filters import refill_administrations
from ui.widgets.key_actions import KeyActionsPanel
from ui.widgets.plus_key import MadeDialog, PlusKey
from ui.widgets.refresh import DataChangeRefresh

SEARCH_DELAY_MS = 250
ALL_ADMINISTRATIONS = Text("All administrations", "Alle administraties")
SEARCHING = Text("Searching owners", "Eigenaren zoeken")
NO_OWNERS = Text(
    "No owners found. Owners come from the PMS: check the search, or run a PMS sync.",
    "Geen eigenaren gevonden. Eigenaren komen uit het PMS: controleer de zoekopdracht, of synchroniseer met het PMS.",
)
SEARCH_FAILED = Text("The search failed:", "Het zoeken is mislukt:")
ADD_KEY_FAILED = Text("The new key could not be prepared:", "De nieuwe sleutel kon niet worden voorbereid:")
NOTHING = "—"


@dataclass(frozen=True)
class OwnersResult:
    """One owner search and the list's cells, computed on the worker thread."""

    search: OwnerSearch
    cells: list[RowCells]


class OwnersTab(QWidget):
    """Search owners, see their accommodations and key data, create (+Key) and issue owner keys.

    ``status_message`` says why a shortcut did nothing (no key data, nothing to copy...).
    """

    status_message = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._language = language = context.language
        say = self._t
        self._searches = 0  # the newest search's number: only its answer is shown
        self._search_running = False
        self._administrations: tuple[Administration, ...] = ()
        self._shown: OwnerRow | None = None
        self._keep: tuple[int, str] | None = None
        self._keep_key: int | None = None
        self._wanted: tuple[str, int | None] | None = None

        self.administration_filter = QComboBox()
        self.administration_filter.addItem(ALL_ADMINISTRATIONS(language), None)
        self.administration_filter.currentIndexChanged.connect(self.refresh)
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(
            say("Search by name, e-mail, accommodation or door", "Zoek op naam, e-mail, accommodatie of deur")
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName(say("Search owners", "Eigenaren zoeken"))
        self.search_field.setToolTip(say("Search as you type (Ctrl+F)", "Zoeken tijdens het typen (Ctrl+F)"))
        self.administration_filter.setAccessibleName(say("Administration", "Administratie"))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_field.textChanged.connect(self._debounce.start)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(self.search_field, 2)
        filters.addWidget(self.administration_filter, 1)

        self.model = OwnersModel(language, self)
        self.proxy = OwnersProxy(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.OWNER, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        list_rows(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.modelAboutToBeReset.connect(self._hold_selection)
        self.model.modelReset.connect(self._release_selection)
        self.table.setAccessibleName(say("Owners", "Eigenaren"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)

        self.name_label = QLabel(NOTHING)
        self.phone_label = QLabel(NOTHING)
        self.email_label = QLabel(NOTHING)
        self.units_label = QLabel(NOTHING)
        self.units_label.setWordWrap(True)
        for label in (self.name_label, self.phone_label, self.email_label, self.units_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.owner_box = QGroupBox(say("Owner", "Eigenaar"))
        owner_form = QFormLayout(self.owner_box)
        owner_form.addRow(say("Name", "Naam"), self.name_label)
        owner_form.addRow(say("Phone", "Telefoon"), self.phone_label)
        owner_form.addRow(say("E-mail", "E-mail"), self.email_label)
        owner_form.addRow(say("Accommodations", "Accommodaties"), self.units_label)

        self.add_key_button = QPushButton(say("+Key", "+Sleutel"))
        self.add_key_button.setIcon(icon(Icon.KEY))
        self.add_key_button.setToolTip(
            say(
                "Create key data for this owner, without a booking",
                "Sleutelgegevens maken voor deze eigenaar zonder boeking",
            )
        )
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
        self.add_key_button.setAccessibleName(say("New key for this owner", "Nieuwe sleutel voor deze eigenaar"))
        self.key_choice = QComboBox()
        self.key_choice.setAccessibleName(say("Key data of the owner", "Sleutelgegevens van de eigenaar"))
        self.key_choice.currentIndexChanged.connect(self._show_chosen_key)
        key_row = QHBoxLayout()
        key_row.addWidget(QLabel(say("Key data", "Sleutelgegevens")))
        key_row.addWidget(self.key_choice, 1)
        key_row.addWidget(self.add_key_button)
        self.key_panel = KeyActionsPanel(context)
        self.key_panel.key_changed.connect(self._on_key_changed)
        self.key_panel.status_message.connect(self.status_message)
        left_layout.addWidget(self.key_panel.prompt)  # beside the key data: it never pushes it about
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.owner_box)
        right_layout.addLayout(key_row)
        right_layout.addWidget(self.key_panel, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._changes = DataChangeRefresh(self, self.refresh, lambda: self.searching)
        context.events.keys_changed.connect(self._on_data_changed)
        context.events.pms_synced.connect(self._on_data_changed)
        context.events.config_changed.connect(self._on_data_changed)
        self._show(None)
        self.refresh()

    # --- searching -------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Search again (text or filter changed, or data changed elsewhere); the selection is kept."""
        self._debounce.stop()
        self._changes.searching_now()
        if self._shown is not None and self._keep is None:
            self._keep = self._shown.identity
        front_desk, language = self._context.services.front_desk, self._language
        text, administration_id = self.search_field.text().strip(), self.administration_filter.currentData()
        self._searches += 1
        number = self._searches
        self._search_running = True

        def search() -> OwnersResult:
            found = front_desk.search_owners(administration_id, text)
            return OwnersResult(found, OwnersModel.cells(found.rows, language))

        self._context.calls.run(
            self,
            search,
            lambda result: self._on_found(number, result),
            lambda error: self._on_search_failed(number, error),
        )

    def show_owner(self, pms_id: str, administration_id: int | None = None) -> None:
        """Find one owner (a card that was read belongs to them): clear the search and select them."""
        self._wanted = (pms_id, administration_id)
        for widget in (self.search_field, self.administration_filter):
            widget.blockSignals(True)
        self.search_field.clear()
        self.administration_filter.setCurrentIndex(0)
        for widget in (self.search_field, self.administration_filter):
            widget.blockSignals(False)
        self.refresh()

    @property
    def searching(self) -> bool:
        return self._search_running or self.model.filling

    def _hold_selection(self) -> None:
        """New rows replace the old ones: no selection change is announced until the kept row is selected."""
        self.table.selectionModel().blockSignals(True)

    def _release_selection(self) -> None:
        self.table.selectionModel().blockSignals(False)

    def _on_found(self, number: int, result: OwnersResult) -> None:
        if number != self._searches:
            return  # a newer search runs
        self._search_running = False
        found = result.search
        self._set_administrations(found.administrations)
        keep, self._keep = self._keep, None
        wanted, self._wanted = self._wanted, None
        self.model.show_rows(found.rows, result.cells, lambda: self._show_found(found, keep, wanted))

    def _show_found(
        self, result: OwnerSearch, keep: tuple[int, str] | None, wanted: tuple[str, int | None] | None
    ) -> None:
        count = len(result.rows)
        self.count_label.setText(
            self._t(f"{count} owners", f"{count} eigenaren") if count else NO_OWNERS(self._language)
        )
        identity = keep
        if wanted is not None:
            pms_id, administration_id = wanted
            identity = next(
                (row.identity for row in result.rows
                 if row.owner.pms_id == pms_id and administration_id in (None, row.owner.administration_id)),
                None,
            )  # fmt: skip
        if identity is None or not self.select(identity):
            self.table.clearSelection()
            self._show(None)
        self._changes.search_ended()

    def _on_search_failed(self, number: int, error: Exception) -> None:
        if number != self._searches:
            return
        self._search_running = False
        self._changes.search_ended()
        message, action = error_texts(error, self._language)
        self.count_label.setText(f"{SEARCH_FAILED(self._language)} {message} {action}".strip())

    def _set_administrations(self, administrations: tuple[Administration, ...]) -> None:
        if administrations == self._administrations:
            return
        self._administrations = administrations
        refill_administrations(self.administration_filter, administrations)
        self.table.setColumnHidden(Column.ADMINISTRATION, len(administrations) < 2)

    @Slot()
    def _on_data_changed(self, *_changed: object) -> None:
        self._changes.changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._changes.shown()

    # --- the selected owner ----------------------------------------------------------------------

    def select(self, identity: tuple[int, str]) -> bool:
        """Select the listed owner (administration id, PMS id); False when they are not listed."""
        row = self.model.find(identity)
        if row is None:
            return False
        proxy_row = self.proxy.mapFromSource(self.model.index(row, 0)).row()
        self.table.selectRow(proxy_row)
        self.table.scrollTo(self.proxy.index(proxy_row, 0))
        if self._shown is not self.model.row_at(row):  # the row was selected already: show its data anyway
            self._show(self.model.row_at(row))
        return True

    def selected(self) -> OwnerRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row(rows[0].row()) if rows else None

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.selected())

    def _show(self, row: OwnerRow | None) -> None:
        language = self._language
        self._shown = row
        owner = None if row is None else row.owner
        self.name_label.setText(owner.name if owner else NOTHING)
        self.phone_label.setText((owner.phone if owner else None) or NOTHING)
        self.email_label.setText((owner.email if owner else None) or NOTHING)
        self.units_label.setText(accommodations_text(owner, language) if owner else NOTHING)
        self.plus_key.refresh_button()
        choice = self.key_choice
        chosen = self._keep_key if self._keep_key is not None else choice.currentData()
        self._keep_key = None
        choice.blockSignals(True)
        choice.clear()
        zone = None if row is None else row.administration.zone
        for key in row.keys if row else ():
            start, end = key.validity.start.astimezone(zone), key.validity.end.astimezone(zone)
            choice.addItem(
                f"{', '.join(key.rooms)} · {start:%d-%m-%Y} – {end:%d-%m-%Y} · {KEY_STATES[key.state](language)}",
                key.id,
            )
        if row is not None and not row.keys:
            choice.addItem(self._t("No key data yet: use +Key", "Nog geen sleutelgegevens: gebruik +Sleutel"))
        index = choice.findData(chosen)
        choice.setCurrentIndex(index if index >= 0 else 0)
        choice.blockSignals(False)
        choice.setEnabled(choice.count() > 1)
        self._show_chosen_key()

    @Slot()
    def _show_chosen_key(self, _index: int | None = None) -> None:
        row = self._shown
        if row is None:
            self.key_panel.show_nothing()
            self.key_panel.setEnabled(False)
            return
        key = next((each for each in row.keys if each.id == self.key_choice.currentData()), None)
        holder = Holder(HolderKind.OWNER, row.owner.pms_id, row.owner.name)
        self.key_panel.setEnabled(True)
        self.key_panel.show_key(key, row.administration, row.owner.phone, holder=holder)

    @Slot(object)
    def _on_key_changed(self, key: object) -> None:
        self._context.events.keys_changed.emit(key)

    # --- +Key ------------------------------------------------------------------------------------

    @Slot()
    def add_key(self) -> None:
        """Read the selected owner's key set-up (key types, the owners' default, accommodations of today),
        then open the +Key dialog; the new key is selected once it is stored."""
        row = self._shown
        if row is None:
            return

        def make(setup: OwnerKeySetup) -> MadeDialog | None:
            if self._shown is None or self._shown.identity != row.identity:
                return None  # another owner was chosen meanwhile
            dialog = OwnerKeyDialog(self._context, setup, self)
            return dialog, dialog.created

        front_desk, (administration_id, owner_pms_id) = self._context.services.front_desk, row.identity
        self.plus_key.start(lambda: front_desk.owner_key_setup(administration_id, owner_pms_id), make)

    @property
    def dialog(self) -> QDialog | None:
        """The +Key dialog open now (tests drive it)."""
        return self.plus_key.dialog

    @Slot(object)
    def _on_key_created(self, key: object) -> None:
        if isinstance(key, KeyData):
            self._keep_key = key.id
            self._context.events.keys_changed.emit(key)

    def _t(self, en: str, nl: str) -> str:
        return Text(en, nl)(self._language)
