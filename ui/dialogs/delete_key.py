"""The Delete dialog: names what stops working before key data is deleted.

Deleting issued key data checks its rooms out in SALTO (CO), which voids every guest card and phone key
of those rooms, including those of other active keys on the same room (``KeyDataService.shared_rooms``).
When there are such keys the receptionist must tick that they understand before Delete is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Plural, Text
from salto_desk.keys.model import KeyData
from ui.style import Icon, Tone, icon, set_tone
from ui.widgets.fitting_dialog import FittingDialog
from ui.wording import CARDS, PHONE_KEYS, rooms_text

TITLE = Text("Delete key data: {holder}", "Sleutelgegevens verwijderen: {holder}")
QUESTION = Text("Delete the key data of {holder}?", "De sleutelgegevens van {holder} verwijderen?")
STOPS = Plural(
    Text(
        "What stops working: {what}. SALTO checks the room out.",
        "Wat niet meer werkt: {what}. SALTO checkt de kamer uit.",
    ),
    Text(
        "What stops working: {what}. SALTO checks the rooms out.",
        "Wat niet meer werkt: {what}. SALTO checkt de kamers uit.",
    ),
)
NOTHING_ISSUED = Text(
    "No card or phone key was made for {rooms}: nothing changes in SALTO.",
    "Voor {rooms} is geen kaart of telefoonsleutel gemaakt: in SALTO verandert niets.",
)
SHARED = Text(
    "These other active keys on the same rooms stop working too (checking a room out voids all its cards):",
    "Deze andere actieve sleutels op dezelfde kamers werken dan ook niet meer (uitchecken maakt alle kaarten "
    "van de kamer ongeldig):",
)

CONFIRM_SHARED = Text(
    "I understand that these keys stop working too; I will make new cards for them.",
    "Ik begrijp dat deze sleutels ook niet meer werken; ik maak nieuwe kaarten voor ze.",
)
MUST_CONFIRM = Text(
    "Tick the box above to confirm that the other keys stop working too, or press Cancel.",
    "Vink het vakje hierboven aan om te bevestigen dat de andere sleutels ook niet meer werken, of druk op Annuleren.",
)
PERMANENT = Text(
    "Deleted key data cannot be restored: renewed access needs new key data and new cards.",
    "Verwijderde sleutelgegevens zijn niet te herstellen: opnieuw toegang vraagt nieuwe sleutelgegevens en "
    "nieuwe kaarten.",
)
DELETE = Text("Delete", "Verwijderen")


def _what_works(key: KeyData, language: str) -> str:
    """``room 101, 2 cards, 1 phone key``."""
    cards, phones = CARDS(key.cards.count, language), PHONE_KEYS(len(key.deliveries), language)
    return f"{rooms_text(key.rooms, language)}, {cards}, {phones}"


class DeleteKeyDialog(FittingDialog):
    """Shows the rooms, cards and phone keys that stop working, and the other keys that share a room."""

    def __init__(
        self, key: KeyData, others: Sequence[KeyData], language: str = "en", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.others = tuple(others)
        self.language = language
        self.setWindowTitle(TITLE(language).format(holder=key.holder.label))

        question = QLabel(QUESTION(language).format(holder=key.holder.label))
        question.setWordWrap(True)
        if key.issued:
            stops = STOPS(len(key.rooms), language, what=_what_works(key, language))
        else:
            stops = NOTHING_ISSUED(language).format(rooms=rooms_text(key.rooms, language))
        self.stops_label = QLabel(stops)
        self.stops_label.setObjectName("deleteStops")
        self.stops_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.stops_label)

        self.others_list = QListWidget()
        self.confirm_box = QCheckBox(CONFIRM_SHARED(language))
        if self.others:
            shared = QLabel(SHARED(language))
            shared.setWordWrap(True)
            set_tone(shared, Tone.ALERT)
            for other in self.others:
                self.others_list.addItem(f"{other.holder.label}: {_what_works(other, language)}")
            layout.addWidget(shared)
            layout.addWidget(self.others_list)
            layout.addWidget(self.confirm_box)
        self.others_list.setVisible(bool(self.others))
        self.confirm_box.setVisible(bool(self.others))

        self.error_label = QLabel()
        self.error_label.setObjectName("deleteError")
        self.error_label.setWordWrap(True)
        set_tone(self.error_label, Tone.ERROR)
        self.error_label.setVisible(False)
        layout.addWidget(QLabel(PERMANENT(language)))
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        delete = buttons.addButton(DELETE(language), QDialogButtonBox.ButtonRole.DestructiveRole)
        delete.setIcon(icon(Icon.DELETE))
        delete.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def shared_rooms_confirmed(self) -> bool:
        """The receptionist saw and accepted that the other keys on the same rooms stop working."""
        return bool(self.others) and self.confirm_box.isChecked()

    def accept(self) -> None:
        if self.others and not self.confirm_box.isChecked():
            self.error_label.setText(MUST_CONFIRM(self.language))
            self.error_label.setVisible(True)
            return
        super().accept()
