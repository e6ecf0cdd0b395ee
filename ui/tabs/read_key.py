"""The Read key tab: read a card on a chosen encoder and show what is on it and whom it belongs to."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.keys.model import Administration, HolderKind
from salto_desk.moments import moment_text, zone_name
from salto_desk.operations.salto_operations import CardReport
from salto_desk.protocol.messages import CardType
from salto_desk.services.front_desk import EncoderChoice
from ui.context import DeskContext
from ui.style import Icon, icon
from ui.widgets.encoder_prompt import EncoderPrompt, run_salto_job

ENCODER_SETTING = "read_key/encoder_id"
NOTHING = "—"

CARD_TYPES = {
    CardType.GUEST: Text("Guest card", "Gastkaart"),
    CardType.STAFF: Text("Staff card (not a guest key)", "Personeelskaart (geen gastsleutel)"),
    CardType.SPARE: Text("Spare card", "Reservekaart"),
    CardType.INVALID: Text("Invalid card", "Ongeldige kaart"),
    CardType.UNKNOWN: Text("Blank or unknown card", "Lege of onbekende kaart"),
}
HOW_TO = Text(
    "Place the card on the encoder, then press Start (Alt+S). You will see the rooms, the validity, the access "
    "and the guest or owner the card belongs to; a card that opens nothing any more says so.",
    "Leg de kaart op de encoder en druk op Start (Alt+S). U ziet de kamers, de geldigheid, de toegang en de gast "
    "of eigenaar bij wie de kaart hoort; een kaart die niets meer opent, meldt dat.",
)
HOLDER_KINDS = {
    HolderKind.RESERVATION: Text("Reservation", "Reservering"),
    HolderKind.OWNER: Text("Owner", "Eigenaar"),
}


class ReadKeyTab(QWidget):
    """Choose an encoder, Start, place the card, and read what SALTO decodes from it."""

    open_holder = Signal(object)  # Holder: the main window shows its reservation or owner

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._language = context.language
        self._choices: list[EncoderChoice] = []
        self._loads = 0  # the newest load's number: only its answer is shown
        self._reading: EncoderChoice | None = None
        self._report: CardReport | None = None

        self.encoders = QComboBox()
        self.encoders.setMinimumContentsLength(24)
        self.encoders.setAccessibleName(self._t("Encoder to read the card on", "Encoder om de kaart op te lezen"))
        self.encoders.currentIndexChanged.connect(self._encoder_chosen)
        self.start_button = QPushButton(self._t("&Start", "&Start"))
        self.start_button.setIcon(icon(Icon.READ))
        self.start_button.setAccessibleName(self._t("Start reading the card", "Het lezen van de kaart starten"))
        self.start_button.setToolTip(
            self._t("Read the card placed on the chosen encoder (Alt+S).",
                    "Lees de kaart die op de gekozen encoder ligt (Alt+S).")
        )  # fmt: skip
        self.start_button.clicked.connect(self.start)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self._t("Read key notice", "Melding sleutel lezen"))
        self.prompt = EncoderPrompt(self._language)
        self.how_to = QLabel(HOW_TO(self._language))
        self.how_to.setWordWrap(True)
        self.how_to.setAccessibleName(self._t("How to read a card", "Hoe u een kaart leest"))

        chooser = QHBoxLayout()
        encoder_label = QLabel(self._t("&Encoder:", "&Encoder:"))
        encoder_label.setBuddy(self.encoders)
        chooser.addWidget(encoder_label)
        chooser.addWidget(self.encoders, 1)
        chooser.addWidget(self.start_button)

        self.card_type = QLabel(NOTHING)
        self.rooms = QLabel(NOTHING)
        self.status = QLabel(NOTHING)
        self.copy = QLabel(NOTHING)
        self.authorizations = QLabel(NOTHING)
        self.authorizations.setWordWrap(True)
        self.valid_from = QLabel(NOTHING)
        self.valid_until = QLabel(NOTHING)
        self.operator = QLabel(NOTHING)
        self.belongs_to = QLabel(NOTHING)
        self.belongs_to.setWordWrap(True)
        self.holder_button = QPushButton()
        self.holder_button.setAccessibleName(
            self._t("Open the reservation or owner of this card", "De reservering of eigenaar van deze kaart openen")
        )
        self.holder_button.clicked.connect(self._open_holder)
        self.holder_button.hide()
        holder_row = QHBoxLayout()
        holder_row.addWidget(self.belongs_to, 1)
        holder_row.addWidget(self.holder_button)

        self.card_box = QGroupBox(self._t("The card", "De kaart"))
        self.card_box.setAccessibleName(self._t("The card that was read", "De gelezen kaart"))
        form = QFormLayout(self.card_box)
        for label, field in (
            (Text("Card type", "Kaarttype"), self.card_type),
            (Text("Rooms", "Kamers"), self.rooms),
            (Text("Status", "Status"), self.status),
            (Text("Original or copy", "Origineel of kopie"), self.copy),
            (Text("Authorizations", "Autorisaties"), self.authorizations),
            (Text("Valid from", "Geldig vanaf"), self.valid_from),
            (Text("Valid until", "Geldig tot"), self.valid_until),
            (Text("Operator", "Operator"), self.operator),
        ):
            field.setAccessibleName(label(self._language))
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label(self._language) + ":", field)
        self.belongs_to.setAccessibleName(self._t("Belongs to", "Hoort bij"))
        form.addRow(self._t("Belongs to:", "Hoort bij:"), holder_row)
        self.card_box.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.notice)
        layout.addWidget(self.how_to)
        layout.addWidget(self.prompt)
        layout.addWidget(self.card_box)
        layout.addStretch(1)

        context.events.config_changed.connect(self.refresh)
        self._update_buttons()
        self.refresh()

    # --- public ----------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Reload the encoders (they may have changed in the settings)."""
        self._loads += 1
        number = self._loads
        self._context.calls.run(
            self,
            self._context.services.front_desk.encoder_choices,
            lambda choices: self._loaded(number, choices),
            lambda error: self._load_failed(number, error),
        )

    def chosen(self) -> EncoderChoice | None:
        index = self.encoders.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    @Slot()
    def start(self) -> None:
        """Send LT to the chosen encoder on its endpoint's lane, following it in the prompt."""
        choice = self.chosen()
        if choice is None or self._reading is not None:
            return
        self._clear_card()
        service = self._context.salto_operations(choice.administration)
        self._reading = choice
        run_salto_job(
            self,
            self._context.calls,
            self.prompt,
            choice.administration.salto_endpoint,
            self._t(f"Read key on {choice.encoder.name}", f"Sleutel lezen op {choice.encoder.name}"),
            lambda report: service.read_card(choice.encoder, report),
            service.cancel,
            card_wait=float(choice.administration.reply_timeout),
            encoder=choice.encoder.name,
            done=lambda card: self._read_done(card, choice),
            failed=self._read_failed,
        )
        self._update_buttons()

    def report(self) -> CardReport | None:
        """The card last read, or None."""
        return self._report

    # --- encoders --------------------------------------------------------------------------------

    def _loaded(self, number: int, result: list[EncoderChoice]) -> None:
        if number != self._loads:
            return
        self._choices = result
        self.encoders.blockSignals(True)
        self.encoders.clear()
        for choice in result:
            self.encoders.addItem(choice.label(), choice.encoder.id)
        remembered = self._remembered_encoder()
        index = -1 if remembered is None else self.encoders.findData(remembered)
        self.encoders.setCurrentIndex(index if index >= 0 else (0 if result else -1))
        self.encoders.blockSignals(False)
        self.notice.setText(
            ""
            if result
            else self._t(
                "No encoders are registered yet. Add one under Settings > Encoders.",
                "Er zijn nog geen encoders geregistreerd. Voeg er een toe onder Instellingen > Encoders.",
            )
        )
        self._update_buttons()

    def _load_failed(self, number: int, error: Exception) -> None:
        if number != self._loads:
            return
        self.prompt.show_error(error, self._t("Loading the encoders failed", "Encoders laden mislukt"))
        self._update_buttons()

    def _remembered_encoder(self) -> int | None:
        try:
            return int(str(self._context.settings.value(ENCODER_SETTING)))
        except ValueError:
            return None

    @Slot(int)
    def _encoder_chosen(self, _index: int) -> None:
        choice = self.chosen()
        if choice is not None:
            self._context.settings.setValue(ENCODER_SETTING, choice.encoder.id)

    # --- reading ---------------------------------------------------------------------------------

    def _read_done(self, result: CardReport, choice: EncoderChoice) -> None:
        self._reading = None
        self._show_card(result, choice.administration)
        self._update_buttons()

    def _read_failed(self, _error: Exception) -> None:
        self._reading = None  # the prompt shows the message and the suggested action
        self._update_buttons()

    # --- showing ---------------------------------------------------------------------------------

    def _show_card(self, report: CardReport, administration: Administration) -> None:
        self._report = report
        card = report.readout
        self.card_type.setText(CARD_TYPES[card.card_type](self._language))
        if card.card_type is CardType.GUEST:
            self.rooms.setText(", ".join(card.rooms) or NOTHING)
            self.status.setText(self._status(card.checked_in, card.end))
            self.copy.setText(card.copy_label(self._language))
            self.authorizations.setText(
                ", ".join(f"{each.number} {each.name}".strip() for each in report.authorizations) or NOTHING
            )
            self.valid_from.setText(self._moment(card.start, administration))
            self.valid_until.setText(self._moment(card.end, administration))
            self.operator.setText(card.operator or NOTHING)
            if report.key is None:
                self.belongs_to.setText(
                    self._t(
                        "No key data on this desk matches this card (deleted, or made elsewhere).",
                        "Geen sleutelgegevens op deze balie passen bij deze kaart (verwijderd, of elders gemaakt).",
                    )
                )
            else:
                holder = report.key.holder
                self.belongs_to.setText(f"{HOLDER_KINDS[holder.kind](self._language)}: {holder.label}")
                self.holder_button.setText(
                    self._t("Open reservation", "Reservering openen")
                    if holder.kind is HolderKind.RESERVATION
                    else self._t("Open owner", "Eigenaar openen")
                )
                self.holder_button.show()
        self.card_box.show()

    def _status(self, checked_in: bool, end: datetime | None) -> str:
        if not checked_in:
            return self._t(
                "Checked out: this card no longer opens doors.", "Uitgecheckt: deze kaart opent geen deuren meer."
            )
        if end is not None and end <= self._context.clock():
            return self._t("Expired: the validity has ended.", "Verlopen: de geldigheid is voorbij.")
        return self._t("Valid (checked in).", "Geldig (ingecheckt).")

    def _moment(self, moment: datetime | None, administration: Administration) -> str:
        """In the site's zone, named (the card's times are the site's local times)."""
        if moment is None:
            return NOTHING
        return f"{moment_text(moment, administration.zone)} ({zone_name(administration.zone)})"

    def _clear_card(self) -> None:
        self._report = None
        for label in (
            self.card_type, self.rooms, self.status, self.copy, self.authorizations, self.valid_from,
            self.valid_until, self.operator, self.belongs_to,
        ):  # fmt: skip
            label.setText(NOTHING)
        self.holder_button.hide()
        self.card_box.hide()

    @Slot()
    def _open_holder(self) -> None:
        if self._report is not None and self._report.key is not None:
            self.open_holder.emit(self._report.key.holder)

    def _update_buttons(self) -> None:
        reading = self._reading is not None
        self.start_button.setEnabled(not reading and self.chosen() is not None)
        self.encoders.setEnabled(not reading)
        self.how_to.setVisible(not reading and self._report is None and bool(self._choices))

    def _t(self, en: str, nl: str) -> str:
        return Text(en, nl)(self._language)
