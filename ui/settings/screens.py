"""The settings pages and dialogs one after another, for pictures of each (``--demo --screenshots``, tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QWidget

from ui.settings.encoders import EncoderDialog
from ui.settings.key_types import KeyTypeDialog
from ui.settings.product_dialog import ProductDialog
from ui.tabs.settings import SettingsTab

Screen = tuple[str, QWidget, Callable[[], bool]]
"""A picture's name, the widget to shoot and whether it has read what it shows (the caller waits for that)."""


def _readiness(dialog: KeyTypeDialog | ProductDialog | EncoderDialog) -> Callable[[], bool]:
    return lambda: dialog.ready


def settings_screens(tab: SettingsTab) -> Iterator[Screen]:
    """Yield a ``Screen`` for each page, then for each dialog while it is open; the caller waits until the
    screen is ready, then shoots it."""
    pages: tuple[tuple[str, QWidget], ...] = (
        ("settings-administration", tab.administration_page),
        ("settings-key-types", tab.key_types_page),
        ("settings-encoders", tab.encoders_page),
        ("settings-door-names", tab.doors_page),
        ("settings-pms", tab.pms_page),
        ("settings-pin", tab.pin_page),
        ("settings-diagnostics", tab.diagnostics_page),
    )
    for name, shown in pages:
        tab.pages.setCurrentWidget(shown)
        yield name, tab, lambda: not tab.loading
    dialogs: tuple[tuple[str, QWidget, Callable[[], KeyTypeDialog | ProductDialog | EncoderDialog | None]], ...] = (
        ("settings-key-type-dialog", tab.key_types_page, lambda: tab.key_types_page.open_key_type(edit=True)),
        ("settings-product-dialog", tab.key_types_page, lambda: tab.key_types_page.open_product(edit=False)),
        ("settings-encoder-dialog", tab.encoders_page, lambda: tab.encoders_page.open_encoder(edit=True)),
    )
    for name, page, open_dialog in dialogs:
        tab.pages.setCurrentWidget(page)
        dialog = open_dialog()
        if dialog is not None:
            yield name, dialog, _readiness(dialog)
            dialog.reject()
