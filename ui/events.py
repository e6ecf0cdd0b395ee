"""Signals by which tabs tell each other that shared data changed, so every view stays current.

One ``DeskEvents`` lives in the ``DeskContext``. A tab that changes data emits; every tab showing
that data connects its ``refresh`` (or a narrower update) to the signal. Emit on the GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DeskEvents(QObject):
    """What changed at this desk: key data, the PMS cache after a sync, or the configuration."""

    keys_changed = Signal(object)  # the KeyData that changed, or None when a key was deleted or many changed
    pms_synced = Signal(object)  # the SyncSummary of the sync that just finished
    config_changed = Signal()  # administrations, key types, products, encoders or door names were edited
