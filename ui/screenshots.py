"""``salto-desk --demo --screenshots DIR``: every main view and dialog at 1366 x 768 and 1024 x 768 in every language.

The script drives the window the way a newcomer would: wait for the first sync, pick an arrival of
today, print two new cards (the picture is taken while SALTO waits for the first card), read the card
back, then every screen of ``ui.screens`` (the key panel's dialogs, owners, About, every Settings page
and dialog). It does so for each language and screen size, into ``DIR/<language>-<width>x<height>/``.
A window or dialog larger than the screen it is pictured for is reported and makes the exit code 1:
the pictures are also a check that the desk fits front-desk screens. Each step waits for the window
with a deadline, so a broken demo ends with an error message instead of hanging.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSize
from PySide6.QtWidgets import QApplication, QWidget

from salto_desk.demo.desk import Demo
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Encoder, KeyState
from salto_desk.keys.rules import EncodeMode
from salto_desk.services.front_desk import ReservationRow
from ui.i18n import LANGUAGES
from ui.main_window import FRAME_ALLOWANCE, MainWindow
from ui.screens import desk_screens
from ui.tabs.reservations import ReservationsTab

if TYPE_CHECKING:
    from ui.app import DeskWindow

STEP_TIMEOUT_S = 60.0
SCREENSHOT_CARDS = 2
SCREENS = (QSize(1366, 768), QSize(1024, 768))
"""The front-desk screens the desk must fit (the issue's two sizes)."""


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
    """Saves widgets as PNG files under one folder, remembers what it saved and what did not fit its screen."""

    def __init__(self, app: QApplication, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.saved: list[Path] = []
        self.misfits: list[str] = []
        self.screen = SCREENS[0]
        self.subfolder = ""

    def point_at(self, language: str, screen: QSize) -> None:
        """The next pictures are of ``screen`` in ``language``."""
        self.screen = screen
        self.subfolder = f"{language}-{screen.width()}x{screen.height()}"

    def shoot(self, widget: QWidget, name: str) -> Path:
        settle(self.app)
        self._check_fit(widget, name)
        folder = self.folder / self.subfolder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        if not widget.grab().save(str(path), "PNG"):
            raise ScreenshotError(
                Text(f"The picture {path} could not be written.", f"De afbeelding {path} kon niet worden geschreven."),
                Text("Check that the folder is writable.", "Controleer of de map beschrijfbaar is."),
            )
        self.saved.append(path)
        return path

    def _check_fit(self, widget: QWidget, name: str) -> None:
        """A window larger than the screen (less the window frame) cannot be used there: note it."""
        window = widget.window()
        room = self.screen - FRAME_ALLOWANCE
        needed = window.size().expandedTo(window.minimumSizeHint()).expandedTo(window.minimumSize())
        if needed.width() > room.width() or needed.height() > room.height():
            self.misfits.append(
                f"{self.subfolder}/{name}: {needed.width()} x {needed.height()} px does not fit "
                f"{room.width()} x {room.height()} px"
            )


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


def _print_and_read(app: QApplication, window: MainWindow, camera: Camera) -> None:
    """Two new cards for an arrival of today (or any booking ready to print), the prompt pictured; read back."""
    tab = window.reservations
    window.tabs.setCurrentWidget(tab)
    row = None
    for period in ("arrivals", "all"):  # an arrival of today; once they all have cards, any booking ready to print
        tab.period_filter.setCurrentIndex(tab.period_filter.findData(period))
        wait_until(app, lambda: not tab.searching and tab.model.rowCount() > 0, f"a list of reservations ({period})")
        row = next((each for each in tab.model.rows() if _printable(each)), None)
        if row is not None:
            break
    if row is None:
        raise ScreenshotError(
            Text("The demo has no booking left whose key is ready to print.",
                 "De demo heeft geen boeking meer waarvan de sleutel klaar is om te printen."),
            Text("Start the demo again: it begins with fresh bookings.",
                 "Start de demo opnieuw: die begint met nieuwe boekingen."),
        )  # fmt: skip
    tab.select(row.identity)
    panel = tab.key_panel
    wait_until(app, lambda: panel.details() is not None, "the key data of the arrival")
    key = panel.key()
    assert key is not None
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
    reader.encoders.setCurrentIndex(reader.encoders.findData(encoder.id))
    reader.start()
    wait_until(app, lambda: reader.report() is not None or not reader.prompt.busy(), "a card read back")
    camera.shoot(window, "read-key-card")
    tab.period_filter.setCurrentIndex(0)


def take_screenshots(app: QApplication, desk: DeskWindow, camera: Camera) -> None:
    """Every picture, for each language and screen size, in the order a newcomer meets the screens."""
    for language in LANGUAGES:
        if desk.window.language != language:
            desk.switch_language(language)
        window = desk.window
        sync = window.context.sync
        wait_until(app, lambda: sync is None or not sync.running, "the first sync with the demo PMS")  # noqa: B023
        for screen in SCREENS:
            camera.point_at(language, screen)
            window.resize(screen - FRAME_ALLOWANCE)
            _print_and_read(app, window, camera)
            tab = window.reservations
            wait_until(app, lambda: not tab.searching and tab.model.rowCount() > 0, "the list of reservations")  # noqa: B023
            for shown in desk_screens(window):
                wait_until(app, lambda: shown.widget() is not None, shown.name)  # noqa: B023
                widget = shown.widget()
                assert widget is not None
                camera.shoot(widget, shown.name)


def save_screenshots(app: QApplication, desk: DeskWindow, demo: Demo | None, folder: Path) -> int:
    """Take the pictures and report them; 0 when every picture was saved and every screen fitted."""
    if demo is None:
        print("--screenshots needs --demo", file=sys.stderr)
        return 2
    camera = Camera(app, folder)
    try:
        take_screenshots(app, desk, camera)
    except SaltoDeskError as error:
        print(error.user_message(desk.window.language), file=sys.stderr)
        return 1
    finally:
        desk.window.close()
    for path in camera.saved:
        print(path)
    for misfit in camera.misfits:
        print(f"does not fit: {misfit}", file=sys.stderr)
    return 1 if camera.misfits else 0
