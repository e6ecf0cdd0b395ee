"""Encoders of one administration: name and SALTO identifier, and a Test (ENQ ping, then a card read).

The list, the dialog and the Test's encoder and administration are read through the core off the GUI
thread; the Test's SALTO exchange runs on the endpoint's encoder queue, like every SALTO operation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.keys.model import Administration, Encoder, EncoderSettings
from salto_desk.operations.salto_operations import CardReport
from salto_desk.protocol.client import Progress, Stage
from salto_desk.protocol.errors import Cancelled
from salto_desk.services.encoders import EncoderForm, EncoderSite, check_identifier
from ui.context import DeskContext
from ui.settings.common import (
    EditDialog,
    LiveCheck,
    LoadedPage,
    Loader,
    MessageLabel,
    Question,
    Say,
    administration_list,
    cell,
    fill_read_only,
    item_at,
    selected_data,
    table,
)
from ui.style import Icon, set_icons
from ui.workers.calls import CallHandle, SaltoLane


@dataclass(frozen=True)
class PingDone:
    """Progress of an encoder test: SALTO answered the ENQ after ``seconds``."""

    seconds: float


class EncoderDialog(EditDialog[Encoder]):
    """Name and SALTO encoder ID of a new encoder, or of one read through the core when the dialog opens; the
    ID is checked as it is typed (``check_identifier``, by the rule read with the form) and OK waits for it."""

    def __init__(
        self, context: DeskContext, say: Say, administration_id: int, encoder_id: int | None, parent: QWidget | None
    ) -> None:
        super().__init__(context.calls, say, say("Encoder", "Encoder"), self._store, parent)
        self.encoders = encoders = context.services.encoders
        self.administration_id = administration_id
        self.encoder_id = encoder_id
        self.loaded = False
        self.name = QLineEdit()
        self.name.setPlaceholderText(say("Where it stands, e.g. Reception left", "Waar hij staat, bv. Receptie links"))
        self.external_id = QLineEdit()
        self.external_id.setPlaceholderText(say("Ask your installer", "Vraag uw installateur"))
        self.id_check = LiveCheck(self.external_id, say)
        self.errors.fields = {"name": self.name, "external_id": self.external_id}
        form = QFormLayout()
        form.addRow(say("Name", "Naam"), self.name)
        form.addRow(say("SALTO encoder ID", "SALTO-encoder-ID"), self.external_id)
        form.addRow("", self.id_check.message)
        self.loader = Loader(
            self,
            context.calls,
            say,
            lambda: lambda: encoders.form(administration_id, encoder_id),
            self._fill,
            self.show_load_error,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.notice)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.id_check.changed.connect(self._update_ok)
        self.set_ready(False)

    def _fill(self, form: EncoderForm) -> None:
        if form.encoder is not None:
            self.name.setText(form.encoder.name)
            self.external_id.setText(form.encoder.external_id)
        self.loaded = True
        rule = form.rule
        self.id_check.set_check(lambda value: check_identifier(value, rule))

    @Slot()
    def _update_ok(self) -> None:
        self.set_ready(self.loaded and self.id_check.valid)

    def _store(self) -> Callable[[], Encoder]:
        encoders, encoder_id = self.encoders, self.encoder_id
        settings = EncoderSettings(
            administration_id=self.administration_id, name=self.name.text(), external_id=self.external_id.text()
        )
        return lambda: encoders.save(encoder_id, settings)


class EncodersPage(LoadedPage):
    """Add, edit, delete and test the encoders of one administration."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration_id: int | None = None
        self.dialog: EncoderDialog | None = None
        self.question: Question | None = None
        self.preparing_test = False
        """The Test reads its encoder and administration (before SALTO is asked)."""
        self.test_job: CallHandle | None = None
        self.test_lines: list[str] = []
        self._pinged = False
        self.encoders = table([say("Name", "Naam"), say("SALTO encoder ID", "SALTO-encoder-ID")])
        self.add_button = QPushButton(say("+Encoder", "+Encoder"))
        self.edit_button = QPushButton(say("Edit", "Wijzigen"))
        self.delete_button = QPushButton(say("Delete", "Verwijderen"))
        self.test_button = QPushButton(say("Test", "Testen"))
        self.cancel_button = QPushButton(say("Cancel test", "Test afbreken"))
        set_icons((self.edit_button, Icon.EDIT), (self.delete_button, Icon.DELETE), (self.test_button, Icon.TEST),
                  (self.cancel_button, Icon.CANCEL))  # fmt: skip
        self.message = MessageLabel()
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.named = QCheckBox(
            say(
                "SALTO knows the encoders by name (not by number): the encoder ID may be a name",
                "SALTO kent de encoders bij naam (niet bij nummer): de encoder-ID mag een naam zijn",
            )
        )
        self.named.setEnabled(False)  # until the stored choice is read
        self.loader = Loader(
            self,
            context.calls,
            say,
            self._fetch,
            self._show_list,
            lambda error: self.message.show_error(say.error(error)),
            stale=False,
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.test_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.loader.notice)
        layout.addWidget(self.encoders, 1)
        layout.addWidget(self.named)
        layout.addWidget(self.test_result)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(lambda: self.open_encoder(edit=False))
        self.edit_button.clicked.connect(lambda: self.open_encoder(edit=True))
        self.encoders.cellDoubleClicked.connect(lambda _row, _column: self.open_encoder(edit=True))
        self.delete_button.clicked.connect(self.ask_delete)
        self.test_button.clicked.connect(self.test)
        self.cancel_button.clicked.connect(self.cancel_test)
        self.encoders.itemSelectionChanged.connect(self._update_buttons)
        self.named.clicked.connect(self.set_named)
        self._update_buttons()

    @property
    def testing(self) -> bool:
        return self.preparing_test or self.test_job is not None

    def show_administration(self, administration_id: int | None) -> None:
        self.administration_id = administration_id
        self.test_result.clear()
        self.message.clear_message()
        self.refresh()

    def _fetch(self) -> Callable[[], tuple[list[Encoder], bool]]:
        encoders = self.context.services.encoders
        listed = administration_list(self.administration_id, encoders.listed)
        return lambda: (listed(), encoders.named_identifiers())

    def _show_list(self, answer: tuple[list[Encoder], bool]) -> None:
        encoders, named = answer
        self.named.setChecked(named)
        self.named.setEnabled(True)
        selected = selected_data(self.encoders)
        fill_read_only(
            self.encoders, [(cell(encoder.name, encoder.id), cell(encoder.external_id)) for encoder in encoders]
        )
        for row, encoder in enumerate(encoders):
            if encoder.id == selected:
                self.encoders.selectRow(row)
        if encoders and self.encoders.currentRow() < 0:
            self.encoders.selectRow(0)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        chosen = selected_data(self.encoders) is not None
        self.add_button.setEnabled(self.administration_id is not None)
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and not self.testing)
        self.cancel_button.setVisible(self.test_job is not None)

    # --- editing ---------------------------------------------------------------------------------

    def open_encoder(self, *, edit: bool) -> EncoderDialog | None:
        administration_id = self.administration_id
        encoder_id = selected_data(self.encoders) if edit else None
        if administration_id is None or (edit and not isinstance(encoder_id, int)):
            return None
        dialog = EncoderDialog(
            self.context, self.say, administration_id, encoder_id if isinstance(encoder_id, int) else None, self
        )
        dialog.accepted.connect(self._saved)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot(bool)
    def set_named(self, named: bool) -> None:
        """Store whether encoder IDs may be names (for every administration of this database)."""
        encoders = self.context.services.encoders
        self.named.setEnabled(False)
        self.message.clear_message()
        self.context.calls.run(
            self, lambda: encoders.set_named_identifiers(named), self._named_stored, self._named_failed
        )

    def _named_stored(self, named: bool) -> None:
        self.named.setEnabled(True)
        self.message.show_ok(
            self.say("Encoder IDs may now be names.", "Encoder-ID's mogen nu namen zijn.")
            if named
            else self.say("Encoder IDs are numbers.", "Encoder-ID's zijn getallen.")
        )

    def _named_failed(self, error: Exception) -> None:
        self.named.setEnabled(True)
        self.named.setChecked(not self.named.isChecked())
        self.message.show_error(self.say.error(error))

    @Slot()
    def _saved(self) -> None:
        self.refresh()
        self.context.events.config_changed.emit()

    @Slot()
    def ask_delete(self) -> None:
        encoder_id = selected_data(self.encoders)
        if not isinstance(encoder_id, int):
            return
        say = self.say
        name = item_at(self.encoders, self.encoders.currentRow(), 0).text()
        self.question = Question(
            self,
            say("Delete", "Verwijderen"),
            say(f"Delete the encoder {name}?", f"De encoder {name} verwijderen?"),
            lambda: self._delete(encoder_id),
        )
        self.question.open()

    def _delete(self, encoder_id: int) -> None:
        encoders = self.context.services.encoders
        self.context.calls.run(
            self,
            lambda: encoders.delete(encoder_id),
            lambda _none: self._saved(),
            lambda error: self.message.show_error(self.say.error(error)),
        )

    # --- testing ---------------------------------------------------------------------------------

    @Slot()
    def test(self) -> None:
        """ENQ ping of the administration's SALTO, then LT on the encoder (a card must be placed)."""
        encoder_id = selected_data(self.encoders)
        if not isinstance(encoder_id, int) or self.testing:
            return
        encoders = self.context.services.encoders
        self.preparing_test = True
        self.message.clear_message()
        self._update_buttons()
        self.context.calls.run(self, lambda: encoders.site(encoder_id), self._run_test, self._test_not_started)

    def _test_not_started(self, error: Exception) -> None:
        self.preparing_test = False
        self.message.show_error(self.say.error(error))
        self._update_buttons()

    def _run_test(self, site: EncoderSite) -> None:
        """The SALTO part of the test, on the queue of the administration's endpoint."""
        self.preparing_test = False
        encoder, administration = site.encoder, site.administration
        context = self.context
        service = context.salto_operations(administration)

        def work(report: Callable[[object], None]) -> CardReport:
            client = context.client_for(administration)
            try:
                report(PingDone(client.ping()))
            finally:
                client.close()
            return service.read_card(encoder, report)

        self._pinged = False
        self.test_lines = [
            self.say(
                f"Testing {encoder.name} at {administration.salto_endpoint}...",
                f"{encoder.name} testen op {administration.salto_endpoint}...",
            )
        ]
        self._show_lines()
        self.test_job = context.calls.run_reporting(
            self,
            work,
            lambda payload: self._test_progress(encoder, payload),
            lambda result: self._test_done(encoder, result),
            lambda error: self._test_failed(administration, error),
            SaltoLane(administration.salto_endpoint),
            label=self.say(f"Test {encoder.name}", f"{encoder.name} testen"),
            cancel=service.cancel,
        )
        self._update_buttons()

    @Slot()
    def cancel_test(self) -> None:
        if self.test_job is not None:
            self.context.calls.cancel(self.test_job)

    def _show_lines(self) -> None:
        self.test_result.setText("\n".join(self.test_lines))

    def _test_progress(self, encoder: Encoder, payload: object) -> None:
        say = self.say
        if isinstance(payload, PingDone):
            self._pinged = True
            milliseconds = round(payload.seconds * 1000)
            self.test_lines.append(
                say(f"Ping: SALTO answered in {milliseconds} ms.", f"Ping: SALTO antwoordde in {milliseconds} ms.")
            )
        elif isinstance(payload, Progress) and payload.stage is Stage.ACKNOWLEDGED and payload.waits_for_card:
            self.test_lines.append(
                say(f"Read check: place a card on {encoder.name}.", f"Leescontrole: leg een kaart op {encoder.name}.")
            )
        self._show_lines()

    def _test_done(self, encoder: Encoder, result: CardReport) -> None:
        say = self.say
        self.test_job = None
        card = result.readout
        rooms = ", ".join(card.rooms) or "-"
        self.test_lines.append(
            say(
                f"Read check: {encoder.name} read a {card.card_type.value} card (rooms: {rooms}). The encoder works.",
                f"Leescontrole: {encoder.name} las een kaart van het type {card.card_type.value} "
                f"(kamers: {rooms}). De encoder werkt.",
            )
        )
        self._show_lines()
        self._update_buttons()

    def _test_failed(self, administration: Administration, error: Exception) -> None:
        say = self.say
        self.test_job = None
        if isinstance(error, Cancelled):
            self.test_lines.append(say("Test cancelled.", "Test afgebroken."))
        elif self._pinged:
            self.test_lines.append(
                say(f"Read check failed: {say.error(error)}", f"Leescontrole mislukt: {say.error(error)}")
            )
        else:
            self.test_lines.append(
                say(
                    f"Ping failed, SALTO at {administration.salto_endpoint} did not answer: {say.error(error)}",
                    f"Ping mislukt, SALTO op {administration.salto_endpoint} antwoordde niet: {say.error(error)}",
                )
            )
        self._show_lines()
        self._update_buttons()
