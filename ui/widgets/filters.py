"""Filter controls shared by the searchable tabs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox

from salto_desk.keys.model import Administration


def refill_administrations(combo: QComboBox, administrations: Sequence[Administration]) -> None:
    """Replace the administrations after the first item ("all"), keeping the choice when it still exists."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for administration in administrations:
        combo.addItem(administration.name, administration.id)
    combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
    combo.blockSignals(False)
