"""The desk's language.

Every text of the window is written in both languages where it is used (``Text(en, nl)``, the same
pairs the core's messages carry), so a missing Dutch text is impossible rather than merely tested
for. Qt's own texts (standard buttons, context menus of text fields) come from the Qt translations
that ship with PySide6, installed here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = {"en": "English", "nl": "Nederlands"}
DEFAULT_LANGUAGE = "en"


def system_language() -> str:
    """The first of the system's UI languages that the desk speaks, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


class Translations:
    """Installs Qt's own translation for the chosen language into one application."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: QTranslator | None = None
        self.language = DEFAULT_LANGUAGE

    def use(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        if self._installed is not None:
            self._app.removeTranslator(self._installed)
            self._installed = None
        self.language = language
        if language == DEFAULT_LANGUAGE:
            return
        translator = QTranslator(self._app)
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        if translator.load(f"qtbase_{language}", str(folder)):
            self._app.installTranslator(translator)
            self._installed = translator
