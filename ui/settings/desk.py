"""The "This desk" settings page: choices of this one PC, stored in its own QSettings (not the database).

Today that is the language of the window. It is not behind the manager PIN: the language is a
matter of who sits at the desk, changes nothing for other desks or guests, and a receptionist who
finds the window in the wrong language must be able to put it right without calling a manager.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import Text
from ui.context import DeskContext
from ui.i18n import LANGUAGES, system_language
from ui.settings.common import MessageLabel, Say

LANGUAGE_SETTING = "desk/language"
"""The language chosen on this desk; absent means "follow the system language"."""


def stored_language(settings: QSettings) -> str | None:
    """The language chosen on this desk, or None when it follows the system."""
    value = str(settings.value(LANGUAGE_SETTING, ""))
    return value if value in LANGUAGES else None


def desk_language(settings: QSettings, explicit: str | None = None) -> str:
    """The window's language: an explicit choice (``--language``), else this desk's, else the system's."""
    return explicit or stored_language(settings) or system_language()


class DeskPage(QWidget):
    """Language of this desk: the system's (the default), English or Dutch; Apply rebuilds the window."""

    language_chosen = Signal(str)  # the language the window must switch to

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.language = QComboBox()
        system = LANGUAGES[system_language()]
        self.language.addItem(Text(f"System language ({system})", f"Systeemtaal ({system})")(context.language), None)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setAccessibleName(say("Language of this desk", "Taal van deze balie"))
        self.language.setToolTip(
            say(
                "The language of the window on this PC; other desks keep their own.",
                "De taal van het venster op deze pc; andere balies houden hun eigen taal.",
            )
        )
        self.apply_button = QPushButton(say("&Apply", "&Toepassen"))
        self.apply_button.setAccessibleName(say("Apply the language", "De taal toepassen"))
        self.message = MessageLabel()
        explanation = QLabel(
            say(
                "These choices belong to this PC only. The window switches language at once; nothing is lost.",
                "Deze keuzes gelden alleen voor deze pc. Het venster wisselt meteen van taal; er gaat niets verloren.",
            )
        )
        explanation.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.language)
        row.addWidget(self.apply_button)
        row.addStretch(1)
        form = QFormLayout()
        label = QLabel(say("&Language:", "&Taal:"))
        label.setBuddy(self.language)
        form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.apply_button.clicked.connect(self.apply)
        self.show_stored()

    def show_stored(self) -> None:
        """Select what this desk has stored (the system language when nothing is)."""
        self.language.setCurrentIndex(max(self.language.findData(stored_language(self.context.settings)), 0))

    def chosen(self) -> str | None:
        """The selected language code, or None for "the system language"."""
        value = self.language.currentData()
        return value if isinstance(value, str) else None

    @Slot()
    def apply(self) -> None:
        """Store the choice for this desk and ask for the window in that language when it differs."""
        chosen = self.chosen()
        settings = self.context.settings
        if chosen is None:
            settings.remove(LANGUAGE_SETTING)
        else:
            settings.setValue(LANGUAGE_SETTING, chosen)
        settings.sync()
        language = desk_language(settings)
        if language == self.context.language:
            self.message.show_ok(self.say("Saved; the window already uses this language.",
                                          "Opgeslagen; het venster gebruikt deze taal al."))  # fmt: skip
            return
        self.language_chosen.emit(language)
