"""The BEX connection: base URL (desk-wide setting), API key (OS keyring only, never shown in full), Test.

Everything goes through the core (``DeskServices.pms_connection``) off the GUI thread: the database, the
keyring (which may be slow or ask the user to unlock it) and BEX. The page never receives a stored key,
only whether one is stored and its last few characters.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import ValidationError
from salto_desk.pms.settings import DEFAULT_BASE_URL
from salto_desk.services.pms_connection import PmsConnectionState
from ui.context import DeskContext
from ui.settings.common import FieldErrors, LoadedPage, Loader, MessageLabel, Question, Say
from ui.style import Icon, set_icons


class PmsPage(LoadedPage):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.connection = context.services.pms_connection
        self.question: Question | None = None
        self.state: PmsConnectionState | None = None
        self.saving = False
        self.checking = False
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.save_button = QPushButton(say("Save", "Opslaan"))
        self.remove_key_button = QPushButton(say("Remove stored key", "Opgeslagen sleutel verwijderen"))
        self.test_button = QPushButton(say("Test connection", "Verbinding testen"))
        set_icons((self.save_button, Icon.SAVE), (self.remove_key_button, Icon.DELETE), (self.test_button, Icon.TEST))
        self.message = MessageLabel()
        self.test_result = MessageLabel()
        self.errors = FieldErrors(self.message, say, {"base_url": self.base_url, "api_key": self.api_key})
        self.loader = Loader(
            self, context.calls, say, self._fetch, self._show_state, self.errors.show, changed=self._update_buttons
        )
        form = QFormLayout()
        form.addRow(say("BEX address (base URL)", "BEX-adres (basis-URL)"), self.base_url)
        form.addRow(say("API key", "API-sleutel"), self.api_key)
        form.addRow("", self.key_status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_key_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.notice)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.test_result)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.remove_key_button.clicked.connect(self.ask_remove_key)
        self.test_button.clicked.connect(self.test)
        self._update_buttons()

    def _fetch(self) -> Callable[[], PmsConnectionState]:
        return self.connection.state

    def _show_state(self, state: PmsConnectionState) -> None:
        say = self.say
        self.base_url.setText(state.base_url)
        self.api_key.clear()
        self.state = state
        self.api_key.setEnabled(state.keyring_usable)
        self._update_buttons()
        if state.keyring_problem is not None:
            self.key_status.setText(say.error(state.keyring_problem))
        elif not state.key_stored:
            self.key_status.setText(say("No API key is stored yet.", "Er is nog geen API-sleutel opgeslagen."))
            self.api_key.setPlaceholderText(say("Paste the API key", "Plak de API-sleutel"))
        else:
            end = state.key_ending
            self.key_status.setText(
                say(
                    f"An API key ending in ...{end} is stored in the keyring."
                    if end
                    else "An API key is stored in the keyring.",
                    f"Er is een API-sleutel eindigend op ...{end} opgeslagen in de sleutelbos."
                    if end
                    else "Er is een API-sleutel opgeslagen in de sleutelbos.",
                )
            )
            self.api_key.setPlaceholderText(
                say("Leave empty to keep the stored key", "Laat leeg om de opgeslagen sleutel te houden")
            )

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.saving and not self.loading
        self.save_button.setEnabled(idle)
        self.remove_key_button.setEnabled(idle and self.state is not None and self.state.key_stored)

    @Slot()
    def save(self) -> None:
        """Check the address, store it, and store a newly entered key in the keyring (through the core)."""
        if self.saving or self.loading:
            return
        self.errors.clear()
        connection, base_url, key = self.connection, self.base_url.text(), self.api_key.text()
        self._set_saving(True)
        self.context.calls.run(
            self,
            lambda: connection.save(base_url, key),
            lambda _none: self._stored(self.say("The PMS connection is saved.", "De PMS-koppeling is opgeslagen.")),
            self._refused,
        )

    def _stored(self, done: str) -> None:
        self._set_saving(False)
        self.refresh()
        self.message.show_ok(done)
        self.context.events.config_changed.emit()

    def _refused(self, error: Exception) -> None:
        self._set_saving(False)
        self.errors.show(error)

    @Slot()
    def ask_remove_key(self) -> None:
        say = self.say
        self.question = Question(
            self,
            say("Remove API key", "API-sleutel verwijderen"),
            say(
                "Remove the stored BEX API key? The sync stops until a new key is entered.",
                "De opgeslagen BEX-API-sleutel verwijderen? De synchronisatie stopt tot er een nieuwe "
                "sleutel is ingevuld.",
            ),
            self.remove_key,
        )
        self.question.open()

    def remove_key(self) -> None:
        if self.saving or self.loading:
            return
        self.errors.clear()
        self._set_saving(True)
        self.context.calls.run(
            self,
            self.connection.remove_key,
            lambda _none: self._stored(self.say("The API key is removed.", "De API-sleutel is verwijderd.")),
            self._refused,
        )

    @Slot()
    def test(self) -> None:
        """Ask BEX for the administrations with the address and key as entered (or the stored key)."""
        if self.checking:
            return
        say = self.say
        self.errors.clear()
        self.test_result.clear_message()
        connection, base_url, key = self.connection, self.base_url.text(), self.api_key.text()
        address = base_url.strip() or DEFAULT_BASE_URL
        self.checking = True
        self.test_button.setEnabled(False)
        self.test_result.show_info(say(f"Connecting to {address}...", f"Verbinden met {address}..."))
        self.context.calls.run(self, lambda: connection.check(base_url, key), self._test_done, self._test_failed)

    def _test_done(self, names: list[str]) -> None:
        say = self.say
        self.checking = False
        self.test_button.setEnabled(True)
        listed = ", ".join(names) or say("none", "geen")
        self.test_result.show_ok(
            say(
                f"BEX answered: the key gives access to {len(names)} administrations ({listed}).",
                f"BEX antwoordde: de sleutel geeft toegang tot {len(names)} administraties ({listed}).",
            )
        )

    def _test_failed(self, error: Exception) -> None:
        self.checking = False
        self.test_button.setEnabled(True)
        if isinstance(error, ValidationError) and error.field in self.errors.fields:  # the address or key as typed
            self.test_result.clear_message()
            self.errors.show(error)
            return
        self.test_result.show_error(
            self.say(f"The test failed: {self.say.error(error)}", f"De test is mislukt: {self.say.error(error)}")
        )
