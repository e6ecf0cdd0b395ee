"""Every text of the window exists in English and Dutch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from ui.i18n import Translations, system_language

UI = Path(__file__).resolve().parents[2] / "ui"

# Qt calls that put text on screen: their text must come from a Text(en, nl) pair.
TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "addTab",
    "insertTab",
    "setTabText",
    "setStatusTip",
    "setTitle",
    "addAction",
    "addMenu",
    "setWhatsThis",
    "setAccessibleName",
    "setAccessibleDescription",
    "setHorizontalHeaderLabels",
    "addItem",
    "setLabelText",
    "showMessage",
    "setSpecialValueText",
    "setSuffix",
    "setPrefix",
    "setButtonText",
    "addButton",
}
TEXT_WIDGETS = {"QLabel", "QPushButton", "QCheckBox", "QGroupBox", "QRadioButton", "QAction", "QToolButton", "QMenu"}
# Names that are the same in every language.
PROPER_NAMES = {"Salto Desk", "SALTO", "BEX", "PMS", "JustIN Mobile"}


def _has_words(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = re.sub(r"<[^>]*>", " ", node.value)  # HTML markup is not language
        for name in PROPER_NAMES:
            text = text.replace(name, " ")
        return bool(re.search(r"[A-Za-z]{2,}", text))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _calls() -> list[tuple[Path, ast.Call]]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found.append((path, node))
    return found


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def test_no_text_reaches_the_screen_in_one_language_only() -> None:
    offenders = [
        f"{path.name}:{call.lineno}: {ast.unparse(call)[:90]}"
        for path, call in _calls()
        if (_name(call) in TEXT_SETTERS or _name(call) in TEXT_WIDGETS) and any(_has_words(arg) for arg in call.args)
    ]
    assert offenders == [], "wrap these texts in Text(english, dutch)"


def test_every_text_pair_has_both_languages() -> None:
    pairs = [(path, call) for path, call in _calls() if _name(call) == "Text"]
    assert len(pairs) > 200  # the window really is written in pairs
    incomplete = [
        f"{path.name}:{call.lineno}"
        for path, call in pairs
        if len(call.args) != 2 or any(isinstance(arg, ast.Constant) and not str(arg.value).strip() for arg in call.args)
    ]
    assert incomplete == []


def test_the_scan_catches_a_one_language_text() -> None:
    call = ast.parse('label.setText("Place the card")').body[0].value  # type: ignore[attr-defined]
    assert _name(call) in TEXT_SETTERS and _has_words(call.args[0])
    assert not _has_words(ast.parse('"SALTO"').body[0].value)  # type: ignore[attr-defined]


def test_dutch_also_translates_qts_own_texts(qapp: QApplication) -> None:
    translations = Translations(qapp)
    try:
        translations.use("nl")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"
        translations.use("en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        translations.use("en")


def test_an_unknown_language_is_refused(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Translations(qapp).use("fr")


def test_the_system_language_is_one_we_speak() -> None:
    assert system_language() in ("en", "nl")
