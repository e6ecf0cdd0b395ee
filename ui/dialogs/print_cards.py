"""The Print dialog: how many cards, on which encoder, and new cards (check-in) or a copy.

The encoder last used at this desk is remembered per administration in the desk's QSettings. When the
key already has cards (or a phone key), the choice defaults to a copy and choosing new cards shows a
warning: a new stay voids what the guest holds now.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.keys.model import Encoder, KeyData, KeyState
from salto_desk.keys.rules import EncodeMode
from salto_desk.protocol.cards import MAX_CARDS
from ui import wording
from ui.style import Icon, Tone, icon, set_tone
from ui.widgets.fitting_dialog import FittingDialog

TITLE = Text("Print key cards: {holder}", "Sleutelkaarten printen: {holder}")
CARDS = Text("Number of cards", "Aantal kaarten")
ENCODER = Text("Encoder", "Encoder")
NEW = Text("New cards (check-in)", "Nieuwe kaarten (inchecken)")
COPY = Text("Copy (additional card)", "Kopie (extra kaart)")
PRINT = Text("Print", "Printen")
COPY_NEEDS_CARDS = Text(
    "No card or phone key exists yet for this key, so there is nothing to copy: make new cards first.",
    "Er bestaat nog geen kaart of telefoonsleutel voor deze sleutel, dus er valt niets te kopiëren: maak eerst "
    "nieuwe kaarten.",
)
NEW_VOIDS = Text(
    "New cards start a new stay: what the guest has now stops working ({cards}{phones}). Choose Copy to add a "
    "card that keeps them working.",
    "Nieuwe kaarten starten een nieuw verblijf: wat de gast nu heeft, werkt dan niet meer ({cards}{phones}). Kies "
    "Kopie om een kaart toe te voegen waarmee die blijven werken.",
)
AND = Text(" and ", " en ")
REENCODE = Text(
    "The stay changed after the cards were made: print new cards so that they match.",
    "Het verblijf is gewijzigd nadat de kaarten zijn gemaakt: print nieuwe kaarten zodat ze kloppen.",
)
NO_ENCODER = Text(
    "This administration has no encoder yet: an installer adds one under Settings > Encoders.",
    "Deze administratie heeft nog geen encoder: een installateur voegt die toe onder Instellingen > Encoders.",
)


def last_encoder_setting(administration_id: int) -> str:
    """The QSettings name holding the id of the encoder this desk last printed on for an administration."""
    return f"print/last_encoder/{administration_id}"


class PrintCardsDialog(FittingDialog):
    """Asks for count, encoder and new/copy; ``accept()`` remembers the encoder for this desk."""

    def __init__(
        self,
        key: KeyData,
        encoders: Sequence[Encoder],
        settings: QSettings,
        language: str = "en",
        *,
        mode: EncodeMode | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.language = language
        self._settings = settings
        self._encoders = tuple(encoders)
        self.setWindowTitle(TITLE(language).format(holder=key.holder.label))

        self.count_box = QSpinBox()
        self.count_box.setRange(1, MAX_CARDS)
        self.count_box.setValue(1)
        self.encoder_box = QComboBox()
        for encoder in self._encoders:
            self.encoder_box.addItem(encoder.name, encoder.id)
        remembered = str(settings.value(last_encoder_setting(key.administration_id), ""))
        index = self.encoder_box.findData(int(remembered)) if remembered.isdigit() else -1
        self.encoder_box.setCurrentIndex(max(index, 0))  # the first encoder until one was used here

        self.new_button = QRadioButton(NEW(language))
        self.copy_button = QRadioButton(COPY(language))
        self._modes = QButtonGroup(self)
        self._modes.addButton(self.new_button)
        self._modes.addButton(self.copy_button)
        self.copy_button.setEnabled(key.issued)
        if not key.issued:
            self.copy_button.setToolTip(COPY_NEEDS_CARDS(language))
        self.new_button.setChecked(True)
        self.copy_button.setChecked(self._default_mode(mode) is EncodeMode.COPY)

        self.note_label = QLabel()
        self.note_label.setObjectName("printNote")
        self.note_label.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("printWarning")
        self.warning_label.setWordWrap(True)
        set_tone(self.warning_label, Tone.ALERT)
        if key.state is KeyState.NEEDS_REENCODE:
            self.note_label.setText(REENCODE(language))
        elif not key.issued:
            self.note_label.setText(COPY_NEEDS_CARDS(language))
        self.note_label.setVisible(bool(self.note_label.text()))
        self.error_label = QLabel()
        self.error_label.setObjectName("printError")
        self.error_label.setWordWrap(True)
        set_tone(self.error_label, Tone.ERROR)
        if not self._encoders:
            self.error_label.setText(NO_ENCODER(language))
        self.error_label.setVisible(bool(self.error_label.text()))

        form = QFormLayout()
        form.addRow(CARDS(language), self.count_box)
        form.addRow(ENCODER(language), self.encoder_box)
        form.addRow(self.new_button)
        form.addRow(self.copy_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.print_button = buttons.addButton(PRINT(language), QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setIcon(icon(Icon.PRINT))
        self.print_button.setEnabled(bool(self._encoders))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        self.new_button.toggled.connect(self._show_warning)
        self._show_warning()

    def _default_mode(self, asked: EncodeMode | None) -> EncodeMode:
        """Copy when the guest already holds cards, unless they no longer match the key data."""
        if not self.key.issued:
            return EncodeMode.NEW
        if asked is not None:
            return asked
        return EncodeMode.NEW if self.key.state is KeyState.NEEDS_REENCODE else EncodeMode.COPY

    def _show_warning(self) -> None:
        if self.new_button.isChecked() and self.key.issued:
            phones = len(self.key.deliveries)
            extra = AND(self.language) + wording.PHONE_KEYS(phones, self.language) if phones else ""
            cards = wording.CARDS(self.key.cards.count, self.language)
            self.warning_label.setText(NEW_VOIDS(self.language).format(cards=cards, phones=extra))
        else:
            self.warning_label.clear()
        self.warning_label.setVisible(bool(self.warning_label.text()))

    # --- the choice ------------------------------------------------------------------------------

    def count(self) -> int:
        return self.count_box.value()

    def encoder(self) -> Encoder | None:
        index = self.encoder_box.currentIndex()
        return self._encoders[index] if 0 <= index < len(self._encoders) else None

    def mode(self) -> EncodeMode:
        return EncodeMode.COPY if self.copy_button.isChecked() else EncodeMode.NEW

    def accept(self) -> None:
        encoder = self.encoder()
        if encoder is None:
            self.error_label.setText(NO_ENCODER(self.language))
            self.error_label.setVisible(True)
            return
        self._settings.setValue(last_encoder_setting(self.key.administration_id), encoder.id)
        super().accept()
