"""Which items of a table or list were constructed in Python (each takes the GIL when Qt destroys it)."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QListWidget, QTableWidget


def python_made(widget: QTableWidget | QListWidget) -> list[tuple[int, int]]:
    """The (row, column) of every item built in Python; asserts the widget shows items at all."""
    if isinstance(widget, QListWidget):
        items = [((row, 0), widget.item(row)) for row in range(widget.count())]
    else:
        items = [
            ((row, column), widget.item(row, column))
            for row in range(widget.rowCount())
            for column in range(widget.columnCount())
        ]
    assert items and all(item is not None for _cell, item in items), "the widget shows no items to check"
    return [cell for cell, item in items if shiboken6.createdByPython(item)]
