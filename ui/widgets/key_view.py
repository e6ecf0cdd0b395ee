"""The key data of one booking or owner as the key panel shows it: type, rooms, validity, access, state, cards.

Read-only; ``KeyActionsPanel`` puts the buttons that act on it underneath. Times are the site's, with
its zone named; authorizations by their names; the state as a coloured chip with what it means.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QWidget

from salto_desk.errors import Plural, Text
from salto_desk.keys.model import KeyData, KeyState
from salto_desk.moments import moment_text
from salto_desk.services.front_desk import KeyDetails
from ui.models.reservations import KEY_CHIPS, KEY_STATES
from ui.style import Tone, set_chip, set_tone

LOADING = Text("loading...", "laden...")
KEY_TYPE = Text("Key type", "Sleuteltype")
ROOMS = Text("Rooms", "Kamers")
VALIDITY = Text("Valid", "Geldig")
AUTHORIZATIONS = Text("Authorizations", "Autorisaties")
STATE = Text("State", "Status")
CARDS = Text("Cards", "Kaarten")
DELIVERIES = Text("Phone keys", "Telefoonsleutels")
VALID_RANGE = Text("{start} until {end} ({zone})", "{start} tot {end} ({zone})")
DENIED = Text("denied: {names}", "geweigerd: {names}")
NONE = Text("none", "geen")
UNNAMED = Text("authorization {number}", "autorisatie {number}")
NO_CARDS = Text("No cards made yet.", "Nog geen kaarten gemaakt.")
CARDS_MADE = Plural(
    Text("{count} card, made on encoder {encoder} at {time}", "{count} kaart, gemaakt op encoder {encoder} om {time}"),
    Text(
        "{count} cards, the last on encoder {encoder} at {time}",
        "{count} kaarten, de laatste op encoder {encoder} om {time}",
    ),
)
SERIALS = Text("serial numbers: {serials}", "serienummers: {serials}")
DELIVERY = Text("{phone}: {what}, {time}", "{phone}: {what}, {time}")
PHONE_KEYS = {"CNM": Text("new key", "nieuwe sleutel"), "CCM": Text("extra key", "extra sleutel")}
"""SALTO's commands for phone keys, in words (the code itself stays in the history's tooltip)."""
STATE_EXPLANATIONS = {
    KeyState.NEEDS_REENCODE: Text(
        "The stay changed after the cards were made; print new cards.",
        "Het verblijf is gewijzigd nadat de kaarten zijn gemaakt; print nieuwe kaarten.",
    ),
    KeyState.REVOKING: Text(
        "The booking was cancelled; SALTO has not yet confirmed the check-out, so the cards may still open doors.",
        "De boeking is geannuleerd; SALTO heeft het uitchecken nog niet bevestigd, dus de kaarten openen "
        "misschien nog deuren.",
    ),
}
FLAGS = Text("What the sync found wrong with this key", "Wat de synchronisatie aan deze sleutel vond")


class KeyView(QWidget):
    """The fields of one key; ``show_key`` fills them (``details`` None: names still loading)."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.key_type_label = QLabel()
        self.rooms_label = QLabel()
        self.validity_label = QLabel()
        self.authorizations_label = QLabel()
        self.state_label = QLabel()
        self.state_label.setObjectName("keyState")
        self.state_note = QLabel()
        self.cards_label = QLabel()
        self.deliveries_label = QLabel()
        self.flags_label = QLabel()
        self.flags_label.setObjectName("keyFlags")
        set_tone(self.flags_label, Tone.CAUTION)
        self.flags_label.setAccessibleName(FLAGS(language))
        for label in (
            self.authorizations_label,
            self.state_note,
            self.cards_label,
            self.deliveries_label,
            self.flags_label,
        ):
            label.setWordWrap(True)
        for label in (self.rooms_label, self.validity_label, self.cards_label, self.deliveries_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(KEY_TYPE(language), self.key_type_label)
        form.addRow(ROOMS(language), self.rooms_label)
        form.addRow(VALIDITY(language), self.validity_label)
        form.addRow(AUTHORIZATIONS(language), self.authorizations_label)
        state_row = QHBoxLayout()  # the chip as wide as its word, what it means beside it
        state_row.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        state_row.addWidget(self.state_note, 1)
        form.addRow(STATE(language), state_row)
        form.addRow(CARDS(language), self.cards_label)
        form.addRow(DELIVERIES(language), self.deliveries_label)
        form.addRow(self.flags_label)

    def show_key(self, key: KeyData, details: KeyDetails | None, zone: ZoneInfo) -> None:
        language = self.language
        self.key_type_label.setText(details.key_type if details else LOADING(language))
        self.rooms_label.setText(", ".join(key.rooms))
        self.validity_label.setText(
            VALID_RANGE(language).format(
                start=moment_text(key.validity.start, zone), end=moment_text(key.validity.end, zone), zone=zone.key
            )
        )
        self.authorizations_label.setText(self._authorizations(key, details))
        explanation = STATE_EXPLANATIONS.get(key.state)
        self.state_label.setText(KEY_STATES[key.state](language))
        set_chip(self.state_label, KEY_CHIPS[key.state])
        self.state_note.setText(explanation(language) if explanation else "")
        self.state_note.setVisible(explanation is not None)
        self.cards_label.setText(self._cards(key, zone))
        self.deliveries_label.setText(
            "\n".join(
                DELIVERY(language).format(
                    phone=each.phone,
                    what=PHONE_KEYS[each.command](language) if each.command in PHONE_KEYS else each.command,
                    time=moment_text(each.delivered_at, zone),
                )
                for each in key.deliveries
            )
            or NONE(language)
        )
        flags = details.flags if details else ()
        self.flags_label.setText("\n".join(flag(language) for flag in flags))
        self.flags_label.setVisible(bool(flags))

    def _authorizations(self, key: KeyData, details: KeyDetails | None) -> str:
        if details is None:
            return LOADING(self.language)

        def names(numbers: tuple[int, ...]) -> str:
            return ", ".join(
                f"{number} {details.authorization_names.get(number) or UNNAMED(self.language).format(number=number)}"
                for number in numbers
            )

        shown = names(key.granted) or NONE(self.language)
        if key.denied:
            shown += "; " + DENIED(self.language).format(names=names(key.denied))
        return shown

    def _cards(self, key: KeyData, zone: ZoneInfo) -> str:
        cards = key.cards
        if cards.count == 0:
            return NO_CARDS(self.language)
        text = CARDS_MADE(
            cards.count, self.language, encoder=cards.last_encoder or "", time=moment_text(cards.last_encoded_at, zone)
        )
        if cards.serials:
            text += "\n" + SERIALS(self.language).format(serials=", ".join(cards.serials))
        return text
