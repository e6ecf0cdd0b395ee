"""DataChangeRefresh: data changes never pile up searches, and a hidden tab searches once when shown."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.refresh import DataChangeRefresh


class Lister:
    """Stands for a tab: counts its searches and says whether one runs."""

    def __init__(self) -> None:
        self.searches = 0
        self.running = False

    def search(self) -> None:
        self.searches += 1
        self.running = True


def tabs(qtbot: QtBot) -> tuple[QTabWidget, QWidget, QWidget]:
    widget = QTabWidget()
    qtbot.addWidget(widget)
    first, second = QWidget(), QWidget()
    widget.addTab(first, "first")
    widget.addTab(second, "second")
    widget.show()
    qtbot.waitExposed(widget)
    return widget, first, second


def test_a_change_searches_at_once_when_the_list_is_shown(qtbot: QtBot) -> None:
    _widget, first, _second = tabs(qtbot)
    lister = Lister()
    refresh = DataChangeRefresh(first, lister.search, lambda: lister.running)
    refresh.changed()
    assert lister.searches == 1 and not refresh.pending


def test_changes_during_a_search_ask_for_one_more_search_not_one_each(qtbot: QtBot) -> None:
    _widget, first, _second = tabs(qtbot)
    lister = Lister()
    refresh = DataChangeRefresh(first, lister.search, lambda: lister.running)
    refresh.changed()
    for _ in range(5):
        refresh.changed()
    assert lister.searches == 1 and refresh.pending
    lister.running = False
    refresh.search_ended()
    assert lister.searches == 2
    lister.running = False
    refresh.search_ended()
    assert lister.searches == 2 and not refresh.pending


def test_a_hidden_tab_searches_once_when_shown(qtbot: QtBot) -> None:
    widget, _first, second = tabs(qtbot)
    lister = Lister()
    refresh = DataChangeRefresh(second, lister.search, lambda: lister.running)
    for _ in range(3):
        refresh.changed()
    assert lister.searches == 0 and refresh.pending
    widget.setCurrentWidget(second)
    refresh.shown()  # what the tab's showEvent does
    assert lister.searches == 1 and not refresh.pending


def test_a_search_of_its_own_covers_the_changes_before_it(qtbot: QtBot) -> None:
    _widget, first, _second = tabs(qtbot)
    lister = Lister()
    refresh = DataChangeRefresh(first, lister.search, lambda: lister.running)
    refresh.changed()
    refresh.changed()
    refresh.searching_now()  # the user typed: a new search starts and sees every change so far
    lister.running = False
    refresh.search_ended()
    assert lister.searches == 1 and not refresh.pending


def test_a_list_outside_any_window_searches_at_once(qtbot: QtBot) -> None:
    alone = QWidget()
    qtbot.addWidget(alone)
    lister = Lister()
    DataChangeRefresh(alone, lister.search, lambda: lister.running).changed()
    assert lister.searches == 1
