"""The key panel: one key's data, its history, and Print / Copy / Send to phone / Delete.

Every SALTO operation runs on the administration's encoder queue through its ``SaltoOperations``; the
reads that fill the panel go through the application layer (``context.calls``). Results come back
on the GUI thread, so the panel only touches widgets there and the window never waits for SALTO.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import Plural, Text
from salto_desk.keys.model import Administration, AuditEntry, Encoder, Holder, KeyData, KeyState
from salto_desk.keys.rules import EncodeMode
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.errors import SaltoErrorReply
from salto_desk.services.front_desk import KeyDataSetup, KeyDetails
from ui.context import DeskContext
from ui.dialogs.delete_key import DeleteKeyDialog
from ui.dialogs.key_data import KeyDataDialog
from ui.dialogs.print_cards import PrintCardsDialog
from ui.dialogs.send_to_phone import SendToPhoneDialog, unregistered_guidance
from ui.style import Icon, icon
from ui.widgets.encoder_prompt import EncoderPrompt, run_salto_job
from ui.widgets.key_history import KeyHistory
from ui.widgets.key_view import KeyView
from ui.widgets.open_dialog import OpenDialog

NO_KEY = Text("No key data.", "Geen sleutelgegevens.")
HISTORY = Text("History", "Geschiedenis")
PRINT = Text("Print...", "Printen...")
COPY = Text("Copy...", "Kopie...")
SEND = Text("Send to phone...", "Naar telefoon...")
DELETE = Text("Delete...", "Verwijderen...")
EDIT = Text("Edit...", "Wijzigen...")
PRINT_TIP = Text("Print new cards (Ctrl+P)", "Nieuwe kaarten printen (Ctrl+P)")
COPY_TIP = Text("Print a copy card (Ctrl+Shift+P)", "Een kopiekaart printen (Ctrl+Shift+P)")
SEND_TIP = Text("Send a JustIN Mobile key to a phone", "Een JustIN Mobile-sleutel naar een telefoon sturen")
EDIT_TIP = Text(
    "Change the key type, rooms, validity, authorizations, print info, phone or license plate",
    "Sleuteltype, kamers, geldigheid, autorisaties, printinfo, telefoon of kenteken wijzigen",
)
DELETE_TIP = Text(
    "Delete the key data (checks its rooms out in SALTO)", "Sleutelgegevens verwijderen (checkt de kamers uit in SALTO)"
)
EDIT_LOAD = Text(
    "Load the choices to edit the key data of {holder}", "Keuzes laden om de sleutelgegevens van {holder} te wijzigen"
)
EDIT_LOAD_FAILED = Text("Loading the key data to edit failed", "Laden van de sleutelgegevens om te wijzigen is mislukt")
CANNOT_NO_KEY = Text(
    "Nothing to print: select a reservation or owner with key data first (or make it with +Key).",
    "Niets te printen: kies eerst een reservering of eigenaar met sleutelgegevens (of maak die met +Sleutel).",
)
CANNOT_BUSY = Text(
    "An operation on this key is still running; wait until it is done.",
    "Er loopt nog een handeling op deze sleutel; wacht tot die klaar is.",
)
CANNOT_LOADING = Text(
    "The key data is still loading; try again in a moment.",
    "De sleutelgegevens worden nog geladen; probeer het zo opnieuw.",
)
CANNOT_COPY = Text(
    "No cards were made for this key yet, so there is nothing to copy: print new cards first (Ctrl+P).",
    "Voor deze sleutel zijn nog geen kaarten gemaakt, dus er is niets te kopiëren: print eerst nieuwe kaarten "
    "(Ctrl+P).",
)
LOADING_KEY = Text("Load key data {key}", "Sleutelgegevens {key} laden")
LOAD_FAILED = Text("Loading the key data failed", "Laden van de sleutelgegevens is mislukt")
SHARED_FAILED = Text("Checking the other keys of the rooms failed", "Controle van andere sleutels op de kamers mislukt")
PRINT_NEW = Plural(
    Text("{holder}: a new card on encoder {encoder}", "{holder}: een nieuwe kaart op encoder {encoder}"),
    Text("{holder}: {count} new cards on encoder {encoder}", "{holder}: {count} nieuwe kaarten op encoder {encoder}"),
)
PRINT_COPY = Plural(
    Text("{holder}: a copy card on encoder {encoder}", "{holder}: een kopiekaart op encoder {encoder}"),
    Text("{holder}: {count} copy cards on encoder {encoder}", "{holder}: {count} kopiekaarten op encoder {encoder}"),
)
SEND_TITLE = Text("{holder}: the key to phone {phone}", "{holder}: de sleutel naar telefoon {phone}")
DELETE_TITLE = Text("{holder}: deleting the key data", "{holder}: sleutelgegevens verwijderen")
CHECK_SHARED = Text(
    "Check other keys on the rooms of {holder}", "Andere sleutels op de kamers van {holder} controleren"
)

T = TypeVar("T")
CARD_TIMEOUT = "ED"
"""SALTO's answer when nobody placed a card in time: trying again is the cure."""


class KeyActionsPanel(QWidget):
    """One key's data with Print / Copy / Send to phone / Delete and the live encoder prompt.

    ``key_changed`` carries the key as stored after an operation changed it (cards made, a phone key
    sent, also after a failure that still wrote cards), or None once the key data was deleted.
    """

    key_changed = Signal(object)
    status_message = Signal(str)  # why a shortcut did nothing, for the status bar

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.language = context.language
        self._key: KeyData | None = None
        self._administration: Administration | None = None
        self._phone_hint: str | None = None
        self._holder: Holder | None = None
        self._details: KeyDetails | None = None
        self._history: tuple[AuditEntry, ...] = ()
        """The holder's history when no key is shown (with a key it comes with the key's details)."""
        self._load_token = 0
        self._busy = False
        self._focus_print = False
        self._dialog = OpenDialog()
        language = self.language

        self.empty_label = QLabel(NO_KEY(language))
        self.view = KeyView(language)
        """The key data itself (the buttons below act on it)."""

        self.print_button = QPushButton(PRINT(language))
        self.copy_button = QPushButton(COPY(language))
        self.send_button = QPushButton(SEND(language))
        self.delete_button = QPushButton(DELETE(language))
        self.edit_button = QPushButton(EDIT(language))
        for button, tip, name in (
            (self.print_button, PRINT_TIP, Icon.PRINT),
            (self.copy_button, COPY_TIP, Icon.COPY),
            (self.send_button, SEND_TIP, Icon.PHONE),
            (self.edit_button, EDIT_TIP, Icon.EDIT),
            (self.delete_button, DELETE_TIP, Icon.DELETE),
        ):
            button.setAccessibleName(button.text().rstrip("."))
            button.setToolTip(tip(language))
            button.setIcon(icon(name))
            button.setAutoDefault(True)  # Enter presses the focused button (outside a dialog Qt wants Space)
        self.edit_button.clicked.connect(self.edit_key)
        self.print_button.clicked.connect(lambda: self.print_cards())
        self.copy_button.clicked.connect(lambda: self.print_cards(EncodeMode.COPY))
        self.send_button.clicked.connect(self.send_to_phone)
        self.delete_button.clicked.connect(self.delete_key)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.copy_button, self.send_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)

        self.prompt = EncoderPrompt(language, self)
        """The live prompt of this panel's SALTO jobs; the tab places it (beside, not inside, the key data)."""
        self.history_table = KeyHistory(language)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(HISTORY(language)))
        layout.addWidget(self.history_table, 1)
        self._render()

    # --- what is shown ---------------------------------------------------------------------------

    def show_key(
        self,
        key: KeyData | None,
        administration: Administration,
        phone_hint: str | None = None,
        *,
        holder: Holder | None = None,
    ) -> None:
        """Show ``key`` of ``holder`` (None: nothing to act on, but the holder's history still shows); names,
        encoders and history load in the background."""
        if (None if key is None else key.id) != (None if self._key is None else self._key.id):
            if not self.prompt.busy():
                self.prompt.clear()  # the outcome shown belongs to the key shown before
            self._details = None
            self._focus_print = False
        self._show(key, administration, phone_hint, key.holder if key is not None else holder)

    def show_nothing(self) -> None:
        """No booking or owner is selected (a search found nothing): an empty panel, no stale key or error.

        A job that still runs keeps its prompt: it is named after its own guest."""
        self._key = self._administration = self._details = self._holder = None
        self._phone_hint = None
        self._load_token += 1
        if not self.prompt.busy():
            self.prompt.clear()
        self._render()

    def _show(
        self, key: KeyData | None, administration: Administration, phone_hint: str | None, holder: Holder | None
    ) -> None:
        self._key, self._administration, self._phone_hint, self._holder = key, administration, phone_hint, holder
        if key is None:
            self._details = None
        self._render()
        if key is not None:
            self._load(key.id, previous=None)
        elif holder is not None:
            self._load_history(administration, holder)

    def key(self) -> KeyData | None:
        return self._key

    def details(self) -> KeyDetails | None:
        """The loaded names, encoders and history of the shown key; None until they arrived."""
        return self._details

    def busy(self) -> bool:
        return self._busy

    # --- actions ---------------------------------------------------------------------------------

    def focus_actions(self) -> bool:
        """Put the cursor on Print (once the key's details are loaded); False when no key is shown."""
        if self._key is None:
            return False
        self._focus_print = True
        self._render_buttons()
        return True

    def print_new(self) -> None:
        """Ctrl+P: the Print dialog for new cards; when that is not possible, a status message says why."""
        if (reason := self._cannot_print(copy=False)) is not None:
            self.status_message.emit(reason)
            return
        self.print_cards(EncodeMode.NEW)

    def print_copy(self) -> None:
        """Ctrl+Shift+P: the Print dialog for a copy card; when that is not possible, a status message says why."""
        if (reason := self._cannot_print(copy=True)) is not None:
            self.status_message.emit(reason)
            return
        self.print_cards(EncodeMode.COPY)

    def edit_key(self) -> None:
        """Load the administration's key types, authorizations and doors, then open the key data dialog."""
        key, administration = self._target()
        self._set_busy(True)

        def loaded(setup: KeyDataSetup) -> None:
            self._set_busy(False)
            current = self._key
            if current is not None and current.id == key.id:
                dialog = KeyDataDialog(self.context, setup, current.holder.label, key=current, parent=self)
                dialog.saved.connect(
                    lambda saved: self._changed(current, saved if isinstance(saved, KeyData) else None)
                )
                self._dialog.open(dialog)

        def failed(error: Exception) -> None:
            self._set_busy(False)
            self.prompt.show_error(error, EDIT_LOAD_FAILED(self.language))

        front_desk, administration_id = self.context.services.front_desk, administration.id
        self.context.calls.run(self, lambda: front_desk.key_data_setup(administration_id), loaded, failed)

    def print_cards(self, mode: EncodeMode | None = None) -> None:
        """Open the Print dialog (``mode`` preselects new or copy); Print runs the encode."""
        key, _administration = self._target()
        details = self._details
        if details is None:
            return
        dialog = PrintCardsDialog(key, details.encoders, self.context.settings, self.language, mode=mode, parent=self)

        def chosen() -> None:
            encoder = dialog.encoder()
            if encoder is not None:
                self.encode(key, encoder, dialog.count(), dialog.mode())

        dialog.accepted.connect(chosen)
        self._dialog.open(dialog)

    def encode(self, key: KeyData, encoder: Encoder, count: int, mode: EncodeMode) -> None:
        """Write ``count`` cards of ``key`` on ``encoder``: new = CN then CC, copy = CC only.

        When SALTO gave up waiting for a card (ED), the prompt offers Retry for the cards not yet made
        (as copies once the first, new card exists)."""
        administration = self._administration_of(key)
        service = self.context.salto_operations(administration)
        title = (PRINT_NEW if mode is EncodeMode.NEW else PRINT_COPY)(
            count, self.language, holder=key.holder.label, encoder=encoder.name
        )
        made = [0]

        def counted(report: Callable[[object], None]) -> Callable[[object], None]:
            def step(progress: object) -> None:
                if isinstance(progress, CardProgress) and progress.step is CardStep.DONE:
                    made[0] += 1
                report(progress)

            return step

        def retry(error: Exception) -> Callable[[], None] | None:
            left = count - made[0]
            if not (isinstance(error, SaltoErrorReply) and error.code == CARD_TIMEOUT) or left <= 0:
                return None
            again = mode if made[0] == 0 else EncodeMode.COPY
            return lambda: self.encode(self._current(key), encoder, left, again)

        self._run(
            key,
            title,
            lambda report: service.encode_cards(key, encoder, count, mode, counted(report)),
            service.cancel,
            result=lambda outcome: outcome.key,
            encoder=encoder.name,
            retry=retry,
        )

    def send_to_phone(self) -> None:
        """Open the Send to phone dialog; Send runs CNM or CCM with the checked number."""
        key, administration = self._target()
        dialog = SendToPhoneDialog(key, self._phone_hint, self.language, administration.phone_country, parent=self)

        def chosen() -> None:
            phone = dialog.phone()
            if phone is not None:
                self.send_key_to(key, phone)

        dialog.accepted.connect(chosen)
        self._dialog.open(dialog)

    def send_key_to(self, key: KeyData, phone: str) -> None:
        """Send ``key`` to ``phone`` (E.164, checked again by the core before anything is sent)."""
        service = self.context.salto_operations(self._administration_of(key))

        def guidance(error: Exception) -> str | None:
            if isinstance(error, SaltoErrorReply) and error.code == "EG":
                return unregistered_guidance(phone, self.language)
            return None

        self._run(
            key,
            SEND_TITLE(self.language).format(holder=key.holder.label, phone=phone),
            lambda report: service.send_to_phone(key, phone, report),
            service.cancel,
            result=lambda sent: sent,
            guidance=guidance,
        )

    def delete_key(self) -> None:
        """Look up the other active keys of the rooms, then open the Delete dialog naming what stops working."""
        key, _administration = self._target()
        key_data = self.context.services.key_data
        self._set_busy(True)

        def found(others: list[KeyData]) -> None:
            self._set_busy(False)
            if self._key is not None and self._key.id == key.id:
                dialog = DeleteKeyDialog(key, others, self.language, parent=self)
                dialog.accepted.connect(lambda: self.delete(key, shared_rooms_confirmed=dialog.shared_rooms_confirmed))
                self._dialog.open(dialog)

        def failed(error: Exception) -> None:
            self._set_busy(False)
            self.prompt.show_error(error, SHARED_FAILED(self.language))

        self.context.calls.run(self, lambda: key_data.shared_rooms(key), found, failed)

    def delete(self, key: KeyData, *, shared_rooms_confirmed: bool) -> None:
        """Check the rooms out in SALTO (issued keys only), then delete the key data."""
        service = self.context.salto_operations(self._administration_of(key))
        self._run(
            key,
            DELETE_TITLE(self.language).format(holder=key.holder.label),
            lambda report: service.delete_key(key, shared_rooms_confirmed=shared_rooms_confirmed),
            service.cancel,
            result=lambda _outcome: None,
        )

    # --- running operations ----------------------------------------------------------------------

    def _run(
        self,
        key: KeyData,
        title: str,
        work: Callable[[Callable[[object], None]], T],
        stop: Callable[[], None],
        *,
        result: Callable[[T], KeyData | None],
        encoder: str | None = None,
        guidance: Callable[[Exception], str | None] | None = None,
        retry: Callable[[Exception], Callable[[], None] | None] | None = None,
    ) -> None:
        """Run a SALTO operation on the key's endpoint, followed by the prompt (with Retry when ``retry``
        gives a way to try again after that error)."""
        administration = self._administration_of(key)

        def succeeded(outcome: T) -> None:
            self._set_busy(False)
            self._changed(key, result(outcome))

        def failed(error: Exception) -> None:
            self._set_busy(False)
            if guidance is not None and (advice := guidance(error)):
                self.prompt.add_guidance(advice)
            if retry is not None and (again := retry(error)) is not None:
                self.prompt.offer_retry(again)
            self._load(key.id, previous=key)  # cards written before the error are stored: show them

        self._set_busy(True)
        run_salto_job(
            self, self.context.calls, self.prompt, administration.salto_endpoint, title, work, stop,
            card_wait=float(administration.reply_timeout), encoder=encoder, done=succeeded, failed=failed,
        )  # fmt: skip

    def _changed(self, before: KeyData, after: KeyData | None) -> None:
        """An operation changed (or deleted) the key: tell the tabs and show the stored state."""
        self.key_changed.emit(after)
        if self._key is not None and self._key.id == before.id and self._administration is not None:
            self._show(after, self._administration, self._phone_hint, self._holder)  # the outcome stays in the prompt

    def _load(self, key_id: int, *, previous: KeyData | None) -> None:
        """Read the key's details through the application layer; with ``previous``, report any change to it."""
        self._load_token += 1
        token = self._load_token
        front_desk = self.context.services.front_desk

        def loaded(current: KeyDetails | None) -> None:
            stored = None if current is None else current.key
            if previous is not None and stored != previous:
                self._changed(previous, stored)
                return
            if token != self._load_token:
                return  # another key (or a newer state) is shown by now
            if current is None:
                if self._key is not None:
                    self._changed(self._key, None)  # deleted meanwhile, perhaps at another desk
                return
            self._key, self._details = current.key, current
            self._render()

        def failed(error: Exception) -> None:
            if token == self._load_token:
                self.prompt.show_error(error, LOAD_FAILED(self.language))

        self.context.calls.run(self, lambda: front_desk.key_details(key_id), loaded, failed)

    def _load_history(self, administration: Administration, holder: Holder) -> None:
        """The holder's history without a key (deleted, or never made): the audit trail keeps it."""
        self._load_token += 1
        token = self._load_token
        front_desk = self.context.services.front_desk

        def loaded(entries: list[AuditEntry]) -> None:
            if token == self._load_token:
                self._history = tuple(entries)
                self._render()

        def failed(error: Exception) -> None:
            if token == self._load_token:
                self.prompt.show_error(error, LOAD_FAILED(self.language))

        self._history = ()
        self.context.calls.run(
            self, lambda: front_desk.holder_history(administration, holder.kind, holder.pms_id), loaded, failed
        )

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open now (tests drive it)."""
        return self._dialog.current

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._render_buttons()

    def _cannot_print(self, *, copy: bool) -> str | None:
        """Why Print (or Copy) cannot open now, or None when it can."""
        if self._key is None or not self.isEnabled():
            return CANNOT_NO_KEY(self.language)
        if self._busy:
            return CANNOT_BUSY(self.language)
        if self._details is None:
            return CANNOT_LOADING(self.language)
        if copy and not self._key.issued:
            return CANNOT_COPY(self.language)
        return None

    def _current(self, key: KeyData) -> KeyData:
        """``key`` as shown now when it still is (cards made meanwhile), else as it was."""
        return self._key if self._key is not None and self._key.id == key.id else key

    def _target(self) -> tuple[KeyData, Administration]:
        if self._key is None or self._administration is None:
            raise RuntimeError("no key is shown")  # the buttons are disabled without a key
        return self._key, self._administration

    def _administration_of(self, key: KeyData) -> Administration:
        _shown, administration = self._target()
        if administration.id != key.administration_id:
            raise RuntimeError(f"key {key.id} is not of administration {administration.id}")
        return administration

    # --- rendering -------------------------------------------------------------------------------

    def _render(self) -> None:
        key, administration, details = self._key, self._administration, self._details
        self.empty_label.setVisible(key is None)
        self.view.setVisible(key is not None)
        self._render_buttons()
        zone = administration.zone if administration is not None else None
        if key is None or administration is None:
            self.history_table.show_entries(self._history if self._holder is not None else (), zone)
            return
        self.view.show_key(key, details, administration.zone)
        self.history_table.show_entries(details.history if details else (), zone)

    def _render_buttons(self) -> None:
        shown = self._key is not None and not self._busy
        loaded = shown and self._details is not None
        self.print_button.setEnabled(loaded)
        self.copy_button.setEnabled(loaded and self._key is not None and self._key.issued)
        self.send_button.setEnabled(shown)
        self.edit_button.setEnabled(shown and self._key is not None and self._key.state is not KeyState.REVOKING)
        self.delete_button.setEnabled(shown)
        if self._focus_print and loaded:
            self._focus_print = False
            self.print_button.setFocus(Qt.FocusReason.ShortcutFocusReason)
