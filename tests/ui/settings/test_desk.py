"""The "This desk" page: the language of this PC, stored in its QSettings, outside the manager PIN."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.ui.desk import Desk, DeskFactory
from ui.i18n import LANGUAGES, system_language
from ui.settings import desk as desk_module
from ui.settings.desk import LANGUAGE_SETTING, DeskPage, desk_language, stored_language


def page_for(qtbot: QtBot, desk: Desk) -> DeskPage:
    page = DeskPage(desk.context)
    qtbot.addWidget(page)
    return page


def test_the_default_is_the_system_language(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert page.chosen() is None
    assert page.language.currentText() == f"System language ({LANGUAGES[system_language()]})"
    assert [page.language.itemText(index) for index in range(1, page.language.count())] == ["English", "Nederlands"]
    assert desk.context.settings.value(LANGUAGE_SETTING) is None


def test_applying_another_language_stores_it_and_asks_for_the_window_in_it(
    qtbot: QtBot, make_desk: DeskFactory, tmp_path: Path
) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    chosen: list[str] = []
    page.language_chosen.connect(chosen.append)
    page.language.setCurrentIndex(page.language.findData("nl"))
    page.apply_button.click()
    assert chosen == ["nl"]
    reopened = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)  # the file make_desk uses
    assert stored_language(reopened) == "nl"


def test_the_stored_choice_is_shown_when_the_page_opens(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk(language="nl")
    desk.context.settings.setValue(LANGUAGE_SETTING, "nl")
    page = page_for(qtbot, desk)
    assert page.chosen() == "nl"
    assert page.language.itemText(0).startswith("Systeemtaal (")
    assert page.apply_button.text() == "&Toepassen"


def test_applying_the_language_already_shown_only_stores_it(
    qtbot: QtBot, make_desk: DeskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk_module, "system_language", lambda: "en")
    desk = make_desk()
    desk.context.settings.setValue(LANGUAGE_SETTING, "nl")
    page = page_for(qtbot, desk)
    chosen: list[str] = []
    page.language_chosen.connect(chosen.append)
    page.language.setCurrentIndex(0)  # back to the system language, English here: the window already is
    page.apply_button.click()
    assert chosen == []
    assert desk.context.settings.value(LANGUAGE_SETTING) is None
    assert page.message.text() == "Saved; the window already uses this language."


def test_an_explicit_language_beats_the_desk_s_which_beats_the_system_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk_module, "system_language", lambda: "nl")
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    assert desk_language(settings) == "nl"
    settings.setValue(LANGUAGE_SETTING, "en")
    assert desk_language(settings) == "en"
    assert desk_language(settings, "nl") == "nl"
    settings.setValue(LANGUAGE_SETTING, "fr")  # edited by hand: ignored
    assert stored_language(settings) is None and desk_language(settings) == "nl"
