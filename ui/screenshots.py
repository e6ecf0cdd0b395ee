"""``salto-desk --demo --screenshots DIR``: the README's pictures, taken from the running demo.

The script drives the window the way a newcomer would: wait for the first sync, pick an arrival of
today, print two new cards (the picture is taken while SALTO waits for the first card), read the card
back, open an owner, then the settings pages and dialogs. Each step waits for the window with a
deadline, so a broken demo ends with an error message instead of hanging.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from salto_desk.demo.desk import Demo
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Encoder, KeyState
from salto_desk.keys.rules import EncodeMode
from salto_desk.services.front_desk import ReservationRow
from ui.main_window import MainWindow
from ui.tabs.reservations import ReservationsTab

STEP_TIMEOUT_S = 60.0
SCREENSHOT_CARDS = 2


class ScreenshotError(SaltoDeskError):
    """The demo did not reach the state a picture needs."""


def wait_until(app: QApplication, condition: Callable[[], bool], what: str, timeout: float = STEP_TIMEOUT_S) -> None:
    """Run the event loop until ``condition`` holds; a step that never gets there is an error."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ScreenshotError(
                Text(f"The demo did not get to: {what} (waited {timeout:.0f} s).",
                     f"De demo kwam niet tot: {what} ({timeout:.0f} s gewacht)."),
                Text("Run `salto-desk --demo` to see what the window shows at that step.",
                     "Start `salto-desk --demo` om te zien wat het venster bij die stap toont."),
            )  # fmt: skip
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    """Let queued signals, layouts and paints finish before a picture is taken."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


class Camera:
    """Saves widgets as PNG files in one folder and remembers what it saved."""

    def __init__(self, app: QApplication, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.saved: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def shoot(self, widget: QWidget, name: str) -> Path:
        settle(self.app)
        path = self.folder / f"{name}.png"
        if not widget.grab().save(str(path), "PNG"):
            raise ScreenshotError(
                Text(f"The picture {path} could not be written.", f"De afbeelding {path} kon niet worden geschreven."),
                Text("Check that the folder is writable.", "Controleer of de map beschrijfbaar is."),
            )
        self.saved.append(path)
        return path


def _printable(row: ReservationRow) -> bool:
    return bool(row.keys) and row.keys[0].state is KeyState.READY and not row.reservation.checked_out


def _listed_cards(tab: ReservationsTab, identity: tuple[int, str]) -> int:
    row = tab.model.find(identity)
    return 0 if row is None else sum(key.cards.count for key in tab.model.row_at(row).keys)


def _first_encoder(window: MainWindow, administration_id: int) -> Encoder:
    """The encoder SALTO knows as number 1 (the demo's reception desk); read directly: the screenshots are a
    script of their own, not a widget waiting on the GUI thread."""
    encoders = window.context.services.front_desk.encoders(administration_id)
    return min(encoders, key=lambda encoder: encoder.external_id)


def take_screenshots(app: QApplication, window: MainWindow, camera: Camera) -> None:
    """Every picture of the README, in the order a newcomer meets the screens."""
    window.resize(1400, 860)
    sync = window.context.sync
    tab = window.reservations
    wait_until(app, lambda: sync is None or not sync.running, "the first sync with the demo PMS")
    tab.period_filter.setCurrentIndex(tab.period_filter.findData("arrivals"))
    wait_until(app, lambda: not tab.searching and tab.model.rowCount() > 0, "a list of today's arrivals")
    rows = tab.model.rows()
    row = next((each for each in rows if _printable(each)), rows[0])
    tab.select(row.identity)
    panel = tab.key_panel
    wait_until(app, lambda: panel.details() is not None or panel.key() is None, "the key data of the arrival")
    camera.shoot(window, "reservations")

    key = panel.key()
    if key is not None:
        encoder = _first_encoder(window, row.reservation.administration_id)
        panel.encode(key, encoder, SCREENSHOT_CARDS, EncodeMode.NEW)
        wait_until(app, lambda: panel.prompt.remaining_seconds() is not None, "the prompt to place the first card")
        camera.shoot(window, "encode-prompt")
        wait_until(app, lambda: not panel.busy(), "the end of the encode")
        wait_until(app, lambda: _listed_cards(tab, row.identity) == SCREENSHOT_CARDS, "the list showing the new cards")
        camera.shoot(window, "reservations-after-print")

        window.tabs.setCurrentWidget(window.read_key)
        reader = window.read_key
        wait_until(app, lambda: reader.chosen() is not None, "the encoders of the read key tab")
        index = reader.encoders.findData(encoder.id)
        reader.encoders.setCurrentIndex(index)
        reader.start()
        wait_until(app, lambda: reader.report() is not None or not reader.prompt.busy(), "a card read back")
        camera.shoot(window, "read-key")

    owners = window.owners
    window.tabs.setCurrentWidget(owners)
    wait_until(app, lambda: not owners.searching and owners.proxy.rowCount() > 0, "the list of owners")
    owners.table.selectRow(0)
    camera.shoot(window, "owners")

    settings = window.settings
    window.tabs.setCurrentWidget(settings)
    wait_until(app, lambda: not settings.loading, "the settings of the demo park")
    camera.shoot(window, "settings")
    key_types = settings.key_types_page
    settings.pages.setCurrentWidget(key_types)
    wait_until(app, lambda: not settings.loading, "the key types of the demo park")
    key_types.products.selectRow(0)
    camera.shoot(window, "settings-key-types")
    for name, dialog in (
        ("settings-key-type-dialog", key_types.open_key_type(edit=True)),
        ("settings-product-dialog", key_types.open_product(edit=True)),
    ):
        if dialog is None:
            raise ScreenshotError(
                Text(f"The demo has nothing to show in {name}.", f"De demo heeft niets te tonen in {name}."),
                Text("Check the demo's key types and products.", "Controleer de sleuteltypes en producten."),
            )
        wait_until(app, lambda: dialog is not None and dialog.ready, name)  # noqa: B023 (waited for at once)
        camera.shoot(dialog, name)
        dialog.reject()
    settings.pages.setCurrentWidget(settings.encoders_page)
    wait_until(app, lambda: not settings.loading, "the encoders of the demo park")
    camera.shoot(window, "settings-encoders")
    settings.pages.setCurrentWidget(settings.diagnostics_page)
    camera.shoot(window, "settings-diagnostics")


def save_screenshots(app: QApplication, window: MainWindow, demo: Demo | None, folder: Path) -> int:
    """Take the pictures and report them; 0 when every picture was saved."""
    if demo is None:
        print("--screenshots needs --demo", file=sys.stderr)
        return 2
    camera = Camera(app, folder)
    try:
        take_screenshots(app, window, camera)
    except SaltoDeskError as error:
        print(error.user_message(window.language), file=sys.stderr)
        return 1
    finally:
        window.close()
    for path in camera.saved:
        print(path)
    return 0
