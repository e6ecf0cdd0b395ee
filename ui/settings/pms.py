"""The BEX connection: base URL (desk-wide setting), API key (OS keyring only, never shown in full), Test."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import DEFAULT_BASE_URL, PmsSettings
from salto_desk.secrets import PMS_API_KEY, InsecureKeyringError
from salto_desk.storage.settings_repository import SettingsRepository
from ui.context import DeskContext
from ui.settings.common import FieldErrors, JobRunner, MessageLabel, Question, Say

BASE_URL_SETTING = "pms.base_url"
SHOWN_KEY_END = 4


@dataclass(frozen=True)
class PmsTestResult:
    administrations: tuple[str, ...]


class MissingApiKey(SaltoDeskError):
    def __init__(self) -> None:
        super().__init__(
            Text("No BEX API key is stored or entered.", "Er is geen BEX-API-sleutel opgeslagen of ingevuld."),
            Text(
                "Paste the key from the app's page in BEX into the API key field.",
                "Plak de sleutel van de app-pagina in BEX in het veld API-sleutel.",
            ),
        )


class PmsPage(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.jobs = JobRunner(context.background, self)
        self.question: Question | None = None
        self.test_job: int | None = None
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.save_button = QPushButton(say("Save", "Opslaan"))
        self.remove_key_button = QPushButton(say("Remove stored key", "Opgeslagen sleutel verwijderen"))
        self.test_button = QPushButton(say("Test connection", "Verbinding testen"))
        self.message = MessageLabel()
        self.test_result = MessageLabel()
        self.errors = FieldErrors(self.message, say, {"base_url": self.base_url, "api_key": self.api_key})
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
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.test_result)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.remove_key_button.clicked.connect(self.ask_remove_key)
        self.test_button.clicked.connect(self.test)
        self.refresh()

    def refresh(self) -> None:
        with self.context.database.unit_of_work() as session:
            self.base_url.setText(SettingsRepository(session).get(BASE_URL_SETTING) or "")
        self.api_key.clear()
        self._show_key_status()

    def _show_key_status(self) -> None:
        say = self.say
        try:
            stored = self.context.secrets.get(PMS_API_KEY)
        except InsecureKeyringError as error:
            self.key_status.setText(say.error(error))
            self.api_key.setEnabled(False)
            self.remove_key_button.setEnabled(False)
            return
        except SaltoDeskError as error:
            self.key_status.setText(say.error(error))
            return
        self.api_key.setEnabled(True)
        self.remove_key_button.setEnabled(stored is not None)
        if stored is None:
            self.key_status.setText(say("No API key is stored yet.", "Er is nog geen API-sleutel opgeslagen."))
            self.api_key.setPlaceholderText(say("Paste the API key", "Plak de API-sleutel"))
        else:
            end = stored[-SHOWN_KEY_END:] if len(stored) >= 3 * SHOWN_KEY_END else ""
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

    def _settings(self) -> PmsSettings:
        return PmsSettings(base_url=self.base_url.text().strip() or DEFAULT_BASE_URL)

    @Slot()
    def save(self) -> bool:
        """Check the address, store it, and store a newly entered key in the keyring."""
        say = self.say
        self.errors.clear()
        try:
            settings = self._settings()
            key = self.api_key.text().strip()
            if key:
                BexClient(key, settings).close()  # refuses a key no API key can look like
            with self.context.database.unit_of_work() as session:
                SettingsRepository(session).set(BASE_URL_SETTING, self.base_url.text().strip() or None)
            if key:
                self.context.secrets.set(PMS_API_KEY, key)
        except SaltoDeskError as error:
            self.errors.show(error)
            return False
        self.refresh()
        self.message.show_ok(say("The PMS connection is saved.", "De PMS-koppeling is opgeslagen."))
        self.context.events.config_changed.emit()
        return True

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
        try:
            self.context.secrets.delete(PMS_API_KEY)
        except SaltoDeskError as error:
            self.errors.show(error)
            return
        self.refresh()
        self.message.show_ok(self.say("The API key is removed.", "De API-sleutel is verwijderd."))

    @Slot()
    def test(self) -> None:
        """Ask BEX for the administrations with the address and key as entered (or the stored key)."""
        say = self.say
        self.errors.clear()
        self.test_result.clear_message()
        try:
            settings = self._settings()
        except SaltoDeskError as error:
            self.errors.show(error)
            return
        entered = self.api_key.text().strip()
        secrets = self.context.secrets

        def work(_report: object) -> PmsTestResult:
            key = entered or secrets.get(PMS_API_KEY)
            if not key:
                raise MissingApiKey()
            with BexClient(key, settings) as client:
                pulled = client.administrations()
            return PmsTestResult(tuple(each.name or each.id for each in pulled.records))

        self.test_button.setEnabled(False)
        self.test_result.show_info(
            say(f"Connecting to {settings.base_url}...", f"Verbinden met {settings.base_url}...")
        )
        self.test_job = self.jobs.run("PMS test", work, self._test_done, self._test_failed)

    def _test_done(self, result: object) -> None:
        say = self.say
        self.test_job = None
        self.test_button.setEnabled(True)
        names = result.administrations if isinstance(result, PmsTestResult) else ()
        listed = ", ".join(names) or say("none", "geen")
        self.test_result.show_ok(
            say(
                f"BEX answered: the key gives access to {len(names)} administrations ({listed}).",
                f"BEX antwoordde: de sleutel geeft toegang tot {len(names)} administraties ({listed}).",
            )
        )

    def _test_failed(self, error: BaseException) -> None:
        self.test_job = None
        self.test_button.setEnabled(True)
        self.test_result.show_error(
            self.say(f"The test failed: {self.say.error(error)}", f"De test is mislukt: {self.say.error(error)}")
        )
