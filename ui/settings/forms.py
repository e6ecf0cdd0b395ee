"""How settings forms are laid out: label columns that line up across the groups of a page, short inputs at
the width of their content, and long pages that scroll inside so every page fits a 1024x768 screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLayout, QScrollArea, QSizePolicy, QWidget

SCREEN_BUDGET = QSize(1000, 700)
"""The most a settings page or dialog may take: a 1024x768 screen less the window frame and a taskbar."""


def content_sized(*widgets: QWidget) -> None:
    """Keep single short inputs (a PIN, a number, a time, a choice) at the width of their content instead of
    stretched across the page: a form grows a field only when its size policy allows it."""
    for widget in widgets:
        widget.setSizePolicy(QSizePolicy.Policy.Maximum, widget.sizePolicy().verticalPolicy())


def align_labels(*forms: QFormLayout) -> None:
    """Give the label column of every form the width of the widest label among them, so the fields of the
    groups of one page (or dialog) start at the same place."""
    labels = [
        widget
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and (widget := item.widget()) is not None
    ]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def scrolling(content: QLayout) -> QScrollArea:
    """A long page's body in a frameless scroll area: the page keeps a small minimum size and scrolls inside,
    while what the caller keeps outside (notice, message, buttons) stays in view."""
    body = QWidget()
    body.setLayout(content)
    area = QScrollArea()
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setSizeAdjustPolicy(QScrollArea.SizeAdjustPolicy.AdjustIgnored)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
