"""The Send to phone dialog: a JustIN Mobile key to the guest's phone.

The number is prefilled from the booking and checked with the core's E.164 validation before the
dialog accepts, so nothing is sent for a number SALTO cannot take. The dialog says whether this
starts the stay on the phone (CNM) or adds a phone to a stay that already has cards or phone keys
(CCM); ``unregistered_guidance`` is what the desk shows when SALTO answers EG.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.draft_validation import check_phone
from salto_desk.keys.model import KeyData
from salto_desk.keys.rules import mobile_command
from ui.style import Icon, Tone, icon, set_tone
from ui.widgets.fitting_dialog import FittingDialog

TITLE = Text("Send to phone: {holder}", "Naar telefoon sturen: {holder}")
PHONE = Text("Phone number", "Telefoonnummer")
SEND = Text("Send", "Versturen")
PLACEHOLDER = Text("+31612345678", "+31612345678")
NEEDS_APP = Text(
    "The guest needs SALTO's JustIN Mobile app, registered with this phone number.",
    "De gast heeft de JustIN Mobile-app van SALTO nodig, geregistreerd met dit telefoonnummer.",
)
STARTS_STAY = Text(
    "This starts the stay on the phone.",
    "Dit start het verblijf op de telefoon.",
)
ADDS_PHONE = Text(
    "Cards or phone keys already exist: this adds the phone to the stay and they keep working.",
    "Er bestaan al kaarten of telefoonsleutels: dit voegt de telefoon toe aan het verblijf en die blijven werken.",
)
NOT_REGISTERED = Text(
    "The phone {phone} is not registered in JustIN Mobile. Ask the guest to install the JustIN Mobile app and sign "
    "up with exactly this number (with country code), then press Send to phone again.",
    "Het telefoonnummer {phone} is niet geregistreerd in JustIN Mobile. Vraag de gast de JustIN Mobile-app te "
    "installeren en zich aan te melden met precies dit nummer (met landcode), en druk dan opnieuw op Naar telefoon "
    "sturen.",
)


def unregistered_guidance(phone: str, language: str = "en") -> str:
    """What to do when SALTO answers EG to a mobile key: the guest has not registered this phone."""
    return NOT_REGISTERED(language).format(phone=phone)


class SendToPhoneDialog(FittingDialog):
    """Asks for the phone number; ``accept()`` only closes on a valid E.164 number."""

    def __init__(
        self,
        key: KeyData,
        phone_hint: str | None,
        language: str = "en",
        country: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``country``: the site's, for a number typed the national way (06...)."""
        super().__init__(parent)
        self.key = key
        self.language = language
        self.country = country
        self._phone: str | None = None
        self.setWindowTitle(TITLE(language).format(holder=key.holder.label))

        self.phone_edit = QLineEdit(phone_hint or key.phone or "")
        self.phone_edit.setPlaceholderText(PLACEHOLDER(language))
        self.command = mobile_command(key)
        self.command_label = QLabel((ADDS_PHONE if self.command == "CCM" else STARTS_STAY)(language))
        self.command_label.setToolTip(f"SALTO: {self.command}")  # the code for installers, not in the words
        self.command_label.setObjectName("phoneCommand")
        self.command_label.setWordWrap(True)
        help_label = QLabel(NEEDS_APP(language))
        help_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("phoneError")
        self.error_label.setWordWrap(True)
        set_tone(self.error_label, Tone.ERROR)
        self.error_label.setVisible(False)

        form = QFormLayout()
        form.addRow(PHONE(language), self.phone_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(SEND(language), QDialogButtonBox.ButtonRole.AcceptRole).setIcon(icon(Icon.PHONE))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.command_label)
        layout.addWidget(help_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.phone_edit.textEdited.connect(lambda _text: self.error_label.setVisible(False))

    def phone(self) -> str | None:
        """The checked E.164 number once the dialog accepted, else None."""
        return self._phone

    def accept(self) -> None:
        try:
            self._phone = check_phone(self.phone_edit.text(), self.country)
        except ValidationError as error:
            action = error.action(self.language) if error.action else ""
            self.error_label.setText(f"{error.message(self.language)}\n{action}".strip())
            self.error_label.setVisible(True)
            self.phone_edit.setFocus()
            return
        self.phone_edit.setText(self._phone)
        super().accept()
