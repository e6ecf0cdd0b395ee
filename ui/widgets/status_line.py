"""The desk's state line: whether each administration's SALTO answers, the PMS sync, what the encoders do.

Per administration an ENQ (on that endpoint's SALTO lane, so a check never overlaps an encode) says
whether SALTO answers; the PMS sync state says the time of the last good sync or since when the PMS
cannot be reached; the encoder lanes say what runs and what waits. While BEX cannot be reached, a
banner over the tabs says since when and that the data shown is that of the last sync (the tabs keep
working from the local database). When another desk leads the sync, the state line says which desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration
from salto_desk.moments import TIMES_ARE_LOCAL, recent_text, shared_zone, zone_name
from salto_desk.storage.leases import LeaseHolder
from salto_desk.storage.pms_values import SyncStatus
from salto_desk.sync import SyncProgress
from ui.context import DeskContext
from ui.style import Tone, set_tone
from ui.widgets.elided_label import ElidedLabel
from ui.workers.calls import SaltoLane

LINK_CHECK_INTERVAL_MS = 60_000
LINK_CHECK = Text("SALTO link check", "SALTO-verbindingscontrole")
NO_ADMINISTRATION = Text(
    "No administration set up yet (Settings tab)", "Nog geen administratie ingesteld (tab Instellingen)"
)
OFFLINE = Text("PMS: offline", "PMS: offline")
FROM_CACHE = Text(" (working from the cache)", " (werkt met de cache)")
SYNCED_AT = Text("PMS: synced at ", "PMS: gesynchroniseerd om ")
OFFLINE_BANNER = Text(
    "BEX cannot be reached since {since}. What you see is the data of the last sync ({last}): today's arrivals "
    "and in-house guests can still be worked on and key cards can still be printed. Salto Desk keeps trying; "
    "F5 tries now.",
    "BEX is niet bereikbaar sinds {since}. U ziet de gegevens van de laatste synchronisatie ({last}): de "
    "aankomsten van vandaag en de gasten in huis kunt u gewoon helpen en sleutelkaarten kunnen nog worden "
    "gemaakt. Salto Desk blijft het proberen; F5 probeert het nu.",
)
NEVER_SYNCED = Text("none yet on this desk", "nog geen op deze balie")
SYNC_ELSEWHERE = Text("sync runs at {desk} since {since}", "synchronisatie loopt aan {desk} sinds {since}")


@dataclass(frozen=True)
class LinkState:
    """The outcome of one ENQ: the round trip, or the error that says why SALTO did not answer."""

    round_trip: float | None
    error: BaseException | None = None


def _error_text(error: object, language: str) -> str:
    if isinstance(error, SaltoDeskError):
        return error.user_message(language)
    return f"{type(error).__name__}: {error}"


class DeskStatusLine(QObject):
    """The state labels of the status bar and the offline banner, kept up to date; a child of the window."""

    def __init__(self, context: DeskContext, sync_hint: str, parent: QObject | None = None) -> None:
        """``sync_hint`` says how to sync now (the tooltip of the window's sync action)."""
        super().__init__(parent)
        self.context = context
        self.language = language = context.language
        self.sync_hint = sync_hint
        self._administrations: list[Administration] = []
        self._links: dict[int, LinkState] = {}
        self._checking: set[int] = set()  # administrations whose link check waits or runs
        self._sync_state: Text | None = None
        self._sync_failure: str | None = None
        self._sync_failed_at: datetime | None = None
        self._sync_leader: LeaseHolder | None = None
        self._stopped = False

        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offline_banner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setAccessibleName(Text("PMS offline notice", "Melding PMS offline")(language))
        self.offline_banner.hide()
        self.link_label = ElidedLabel()
        self.link_label.setObjectName("status_link")
        self.link_label.setAccessibleName(Text("SALTO link state", "Status SALTO-verbinding")(language))
        self.sync_label = ElidedLabel()
        self.sync_label.setObjectName("status_sync")
        self.sync_label.setAccessibleName(Text("PMS sync state", "Status PMS-synchronisatie")(language))
        self.queue_label = ElidedLabel()
        self.queue_label.setObjectName("status_queue")
        self.queue_label.setAccessibleName(Text("Encoder queue", "Wachtrij van de encoders")(language))

        context.events.config_changed.connect(self.reload_configuration)
        context.calls.lanes_changed.connect(self._show_queue)
        context.events.pms_synced.connect(self._on_synced)
        sync = context.sync
        if sync is not None:
            sync.started.connect(self._on_sync_started)
            sync.progress.connect(self._on_sync_progress)
            sync.failed.connect(self._on_sync_failed)
            sync.skipped.connect(self._on_sync_skipped)
            if sync.running:  # a window rebuilt (another language) while a sync runs
                self._sync_state = Text("PMS: syncing…", "PMS: synchroniseren…")
        self._link_timer = QTimer(self)
        self._link_timer.setInterval(LINK_CHECK_INTERVAL_MS)
        self._link_timer.timeout.connect(self.check_links)
        self._link_timer.start()
        self._show_queue()
        self._show_sync()
        self.reload_configuration()

    def place(self, bar: QStatusBar) -> None:
        bar.setAccessibleName(Text("Status bar", "Statusbalk")(self.language))
        bar.addWidget(self.link_label, 2)
        bar.addWidget(self.sync_label, 2)
        bar.addPermanentWidget(self.queue_label)

    def stop(self) -> None:
        """The window closes: no more link checks."""
        self._stopped = True
        self._link_timer.stop()

    def reload_configuration(self) -> None:
        """Read the administrations again (after a settings change) and check their links."""
        self.context.calls.run(
            self, self.context.services.front_desk.administrations, self._administrations_read, self._config_unread
        )

    def check_links(self) -> None:
        """ENQ every administration's SALTO, each on its endpoint's lane (never during an encode)."""
        if self._stopped:
            return  # the desk is shutting down: no new lanes
        client_for = self.context.client_for
        for administration in self._administrations:
            if administration.id in self._checking:
                continue  # the previous check still waits for its turn
            self._checking.add(administration.id)

            def ping(administration: Administration = administration) -> LinkState:
                with client_for(administration) as client:
                    return LinkState(client.ping())

            def answered(state: LinkState, checked: int = administration.id) -> None:
                self._link_checked(checked, state)

            def unanswered(error: Exception, checked: int = administration.id) -> None:
                self._link_checked(checked, LinkState(None, error))

            lane = SaltoLane(administration.salto_endpoint)
            self.context.calls.run(self, ping, answered, unanswered, lane, label=LINK_CHECK(self.language))

    def _link_checked(self, administration_id: int, state: LinkState) -> None:
        self._checking.discard(administration_id)
        self._links[administration_id] = state
        self._show_links()

    def _show_links(self) -> None:
        parts, tips, failing = [], [], False
        for administration in self._administrations:
            state = self._links.get(administration.id)
            if state is None:
                status = Text("checking…", "controleren…")(self.language)
            elif state.error is None and state.round_trip is not None:
                status = f"SALTO ok ({state.round_trip * 1000:.0f} ms)"
            else:
                failing = True
                status = Text("SALTO unreachable", "SALTO onbereikbaar")(self.language)
                tips.append(f"{administration.name}: {_error_text(state.error, self.language)}")
            parts.append(f"{administration.name}: {status}")
        if not self._administrations:
            parts.append(NO_ADMINISTRATION(self.language))
        self.link_label.setText(" · ".join(parts))
        self.link_label.setToolTip("\n".join(tips))
        set_tone(self.link_label, Tone.ERROR if failing else Tone.OK if self._links else Tone.PLAIN)

    @Slot()
    def _show_queue(self) -> None:
        running: list[str] = []
        waiting = 0
        for lane in self.context.calls.salto_lanes():
            now, later = self.context.calls.lane_labels(lane)
            running += now
            waiting += len(later)
        if not running and not waiting:
            text = Text("Encoders: idle", "Encoders: vrij")(self.language)
        else:
            text = Text("Encoders: ", "Encoders: ")(self.language) + (", ".join(running) or "…")
            if waiting:
                text += Text(f" ({waiting} waiting)", f" ({waiting} wachtend)")(self.language)
        self.queue_label.setText(text)

    # --- PMS sync ---------------------------------------------------------------------------------

    def _on_sync_started(self) -> None:
        self._sync_state = Text("PMS: syncing…", "PMS: synchroniseren…")
        self._show_sync()

    def _on_sync_progress(self, progress: object) -> None:
        if isinstance(progress, SyncProgress):
            self.sync_label.setText("PMS: " + progress.text(self.language))

    def _on_synced(self, summary: object) -> None:
        self._sync_state = None
        self._sync_failure = None
        self._sync_failed_at = None
        if summary is not None:  # this desk synced (None: the leading desk's data arrived)
            self._sync_leader = None
        self._read_sync_status()

    def _on_sync_skipped(self, leader: object) -> None:
        """Another desk leads the sync: show its state (the shared database's) and which desk that is."""
        self._sync_state = None
        self._sync_failure = None
        self._sync_failed_at = None
        self._sync_leader = leader if isinstance(leader, LeaseHolder) else None
        self._read_sync_status()

    def _on_sync_failed(self, error: object) -> None:
        self._sync_state = None
        self._sync_failure = _error_text(error, self.language)
        self._sync_failed_at = self._sync_failed_at or datetime.now().astimezone()
        self._read_sync_status()

    def _read_sync_status(self) -> None:
        front_desk, administration_ids = self.context.services.front_desk, [each.id for each in self._administrations]
        self.context.calls.run(
            self, lambda: front_desk.sync_statuses(administration_ids), self._show_sync, self._sync_status_unread
        )

    def _show_sync(self, statuses: list[SyncStatus] | None = None) -> None:
        tr = self.language
        if self._sync_state is not None:
            self.sync_label.setText(self._sync_state(tr))
            set_tone(self.sync_label, Tone.PLAIN)
            return
        if self.context.sync is None:
            self.sync_label.setText(Text("PMS: no connection set up", "PMS: geen koppeling ingesteld")(tr))
            set_tone(self.sync_label, Tone.PLAIN)
            self.offline_banner.hide()
            return
        statuses = statuses or []
        successes = [status.last_success_at for status in statuses if status.last_success_at is not None]
        offline = [status.offline_since for status in statuses if status.offline_since is not None]
        errors = [status.last_error for status in statuses if status.last_error and status.offline_since]
        refused = [status.last_error for status in statuses if status.last_error and not status.offline_since]
        if self._sync_failure is not None:
            errors.append(self._sync_failure)
        if self._sync_failed_at is not None:
            offline.append(self._sync_failed_at)
        self.offline_banner.setVisible(bool(offline))
        self._show_sync_state(successes, offline, errors)
        if refused and not offline:  # BEX answered but refused an administration (an unknown id...): say that
            self.offline_banner.setText("\n".join(refused))
            self.offline_banner.setToolTip("")
            self.offline_banner.show()
        leader = self._sync_leader
        if leader is not None:
            elsewhere = SYNC_ELSEWHERE(tr).format(desk=leader.holder.desk, since=self._clock_text(leader.acquired_at))
            self.sync_label.setText(f"{self.sync_label.text()} · {elsewhere}")

    def zone(self) -> ZoneInfo | None:
        """The zone of the desk's own times: the sites' (None, this computer's, when their zones differ)."""
        return shared_zone(each.zone for each in self._administrations)

    def _clock_text(self, moment: datetime) -> str:
        return recent_text(moment, self.zone(), self.context.clock())

    def _zone_tip(self) -> str:
        return TIMES_ARE_LOCAL(self.language).format(zone=zone_name(self.zone()))

    def _show_sync_state(self, successes: list[datetime], offline: list[datetime], errors: list[str]) -> None:
        tr = self.language
        if offline:
            since = self._clock_text(min(offline))
            self.sync_label.setText(f"{OFFLINE(tr)} {Text('since', 'sinds')(tr)} {since}{FROM_CACHE(tr)}")
            self.sync_label.setToolTip("\n".join([*errors, self.sync_hint, self._zone_tip()]))
            set_tone(self.sync_label, Tone.ERROR)
            last = self._clock_text(max(successes)) if successes else NEVER_SYNCED(tr)
            self.offline_banner.setText(OFFLINE_BANNER(tr).format(since=since, last=last))
            self.offline_banner.setToolTip("\n".join(errors))
        elif successes:
            self.sync_label.setText(SYNCED_AT(tr) + self._clock_text(min(successes)))
            self.sync_label.setToolTip(f"{self.sync_hint}\n{self._zone_tip()}")
            set_tone(self.sync_label, Tone.OK)
        else:
            self.sync_label.setText(Text("PMS: not synced yet", "PMS: nog niet gesynchroniseerd")(tr))
            self.sync_label.setToolTip(self.sync_hint)
            set_tone(self.sync_label, Tone.PLAIN)

    # --- lookups ----------------------------------------------------------------------------------

    def _administrations_read(self, administrations: list[Administration]) -> None:
        self._administrations = administrations
        known = {each.id for each in self._administrations}
        self._links = {key: value for key, value in self._links.items() if key in known}
        self._show_links()
        self.check_links()
        self._read_sync_status()

    def _config_unread(self, error: Exception) -> None:
        self.link_label.setText(_error_text(error, self.language))
        set_tone(self.link_label, Tone.ERROR)

    def _sync_status_unread(self, error: Exception) -> None:
        self.sync_label.setText(_error_text(error, self.language))
        set_tone(self.sync_label, Tone.ERROR)
