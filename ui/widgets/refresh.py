"""When a list searches again after data changed elsewhere (a key encoded, a sync, another desk)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget


class DataChangeRefresh:
    """Coalesces the searches that data changes ask a list for.

    Every search runs Python on a worker thread, and Python work there slows the window (both need the
    interpreter lock). An encode or a sync announces many changes in a row; without this, each one queued
    a whole search for every tab, even the tabs nobody was looking at. Now a change while the list is
    hidden behind another tab only marks it stale (it searches once when shown), and changes while a
    search runs ask for one more search after it, not one each.
    """

    def __init__(self, widget: QWidget, search: Callable[[], None], searching: Callable[[], bool]) -> None:
        self._widget = widget
        self._search = search
        self._searching = searching
        self._stale = False
        self._again = False

    @property
    def pending(self) -> bool:
        """A change has not been searched for yet (the list is hidden, or a search runs)."""
        return self._stale or self._again

    def changed(self) -> None:
        """Data changed elsewhere: search now, after the running search, or when the list is shown."""
        window = self._widget.window()
        if window is not self._widget and window.isVisible() and not self._widget.isVisible():
            self._stale = True
        elif self._searching():
            self._again = True
        else:
            self._search()

    def shown(self) -> None:
        """Call from the list's ``showEvent``."""
        if self._stale:
            self._stale = False
            self.changed()

    def search_ended(self) -> None:
        """Call when a search delivered its result or failed."""
        if self._again:
            self._again = False
            self._search()

    def searching_now(self) -> None:
        """Call when the list searches for its own reasons (typing, filters): that search sees every change."""
        self._stale = self._again = False
