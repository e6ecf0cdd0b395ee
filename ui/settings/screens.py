"""The settings pages and dialogs one after another, for the README's screenshots (``--demo --screenshots``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QDialog, QWidget

from ui.tabs.settings import SettingsTab


def settings_screens(tab: SettingsTab) -> Iterator[tuple[str, QWidget]]:
    """Yield (name, widget) for each page, then each dialog while it is open; the caller shoots each one."""
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
        yield name, tab
    dialogs: tuple[tuple[str, QWidget, Callable[[], QDialog | None]], ...] = (
        ("settings-key-type-dialog", tab.key_types_page, lambda: tab.key_types_page.open_key_type(edit=True)),
        ("settings-product-dialog", tab.key_types_page, lambda: tab.key_types_page.open_product(edit=False)),
        ("settings-encoder-dialog", tab.encoders_page, lambda: tab.encoders_page.open_encoder(edit=True)),
    )
    for name, page, open_dialog in dialogs:
        tab.pages.setCurrentWidget(page)
        dialog = open_dialog()
        if dialog is not None:
            yield name, dialog
            dialog.reject()
