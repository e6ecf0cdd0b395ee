"""Which desk runs the automatic sync, which encoders and SALTO links are in use, and who waits.

``DeskStatusView`` asks the ``Coordinator`` for a ``DeskStatus`` on the background lane of
``CoreCalls`` every few seconds and lists it; this desk's own holdings and its place in a SALTO
queue are marked as such.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from salto_desk.coordination import DeskStatus
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.moments import recent_text
from salto_desk.storage.leases import DeskProcess
from ui.workers.calls import CoreCalls, Lane

DEFAULT_INTERVAL_MS = 2000

SYNC_HERE = Text("Automatic sync: runs at this desk.", "Automatische synchronisatie: loopt aan deze balie.")
SYNC_ELSEWHERE = Text(
    "Automatic sync: runs at {desk} (since {since}).", "Automatische synchronisatie: loopt aan {desk} (sinds {since})."
)
SYNC_NOBODY = Text(
    "Automatic sync: no desk runs it right now.", "Automatische synchronisatie: op dit moment bij geen enkele balie."
)
IN_USE = Text("{what} is in use by {desk} since {since}.", "{what} is in gebruik door {desk} sinds {since}.")
IN_USE_HERE = Text("{what} is in use at this desk since {since}.", "{what} is in gebruik aan deze balie sinds {since}.")
LINK = Text("SALTO link {endpoint}", "SALTO-verbinding {endpoint}")
WAITS = Text(
    "{desk} waits for SALTO link {endpoint}: place {place}.",
    "{desk} wacht op SALTO-verbinding {endpoint}: plaats {place}.",
)
WAITS_HERE = Text(
    "This desk waits for SALTO link {endpoint}: place {place}.",
    "Deze balie wacht op SALTO-verbinding {endpoint}: plaats {place}.",
)
ALL_FREE = Text("All encoders and SALTO links are free.", "Alle encoders en SALTO-verbindingen zijn vrij.")
UNAVAILABLE = Text(
    "The status of the other desks cannot be read right now: {error}",
    "De status van de andere balies kan nu niet worden gelezen: {error}",
)
ENCODER = Text("Encoder {name}", "Encoder {name}")


def status_lines(
    status: DeskStatus, language: str, zone: ZoneInfo | None = None, now: datetime | None = None
) -> tuple[str, list[str]]:
    """The sync line and one line per encoder or link in use and per waiting desk; times in ``zone``."""
    moment = now or datetime.now(UTC)

    def _time(since: datetime) -> str:
        return recent_text(since, zone, moment)

    leader = status.sync_leader
    if leader is None:
        sync = SYNC_NOBODY(language)
    elif status.is_me(leader.holder):
        sync = SYNC_HERE(language)
    else:
        sync = SYNC_ELSEWHERE(language).format(desk=leader.holder.desk, since=_time(leader.acquired_at))

    def in_use(what: str, holder: DeskProcess, since: datetime) -> str:
        text = IN_USE_HERE if status.is_me(holder) else IN_USE
        return text(language).format(what=what, desk=holder.desk, since=_time(since))

    lines = [
        in_use(ENCODER(language).format(name=lease.label), lease.holder, lease.acquired_at) for lease in status.encoders
    ]
    lines += [
        in_use(LINK(language).format(endpoint=link.label), link.holder, link.acquired_at) for link in status.links
    ]
    for entry in status.queue:
        text = WAITS_HERE if status.is_me(entry.holder) else WAITS
        lines.append(text(language).format(desk=entry.holder.desk, endpoint=entry.endpoint, place=entry.place))
    return sync, lines or [ALL_FREE(language)]


class DeskStatusView(QWidget):
    """The sync leader and the encoders and links in use at every desk, refreshed every few seconds."""

    def __init__(
        self,
        status: Callable[[], DeskStatus],
        calls: CoreCalls,
        language: str = "en",
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QWidget | None = None,
        *,
        zone: Callable[[], ZoneInfo | None] = lambda: None,
    ) -> None:
        """``zone`` gives the zone times are shown in (the sites'; None: this computer's)."""
        super().__init__(parent)
        self._zone = zone
        self._status = status
        self._calls = calls
        self._language = language
        self._asking = False
        self.sync_label = QLabel()
        self.sync_label.setWordWrap(True)
        self.holdings = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sync_label)
        layout.addWidget(self.holdings)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def refresh(self) -> None:
        if not self._asking:
            self._asking = True
            self._calls.run(self, self._status, self._answered, self._failed, Lane.BACKGROUND)

    def show_status(self, status: DeskStatus) -> None:
        sync, lines = status_lines(status, self._language, self._zone())
        self.sync_label.setText(sync)
        self.holdings.clear()
        self.holdings.addItems(lines)

    def lines(self) -> list[str]:
        return [self.holdings.item(row).text() for row in range(self.holdings.count())]

    def _answered(self, status: DeskStatus) -> None:
        self._asking = False
        self.show_status(status)

    def _failed(self, error: Exception) -> None:
        self._asking = False
        message = error.user_message(self._language) if isinstance(error, SaltoDeskError) else str(error)
        self.sync_label.setText(UNAVAILABLE(self._language).format(error=message))
