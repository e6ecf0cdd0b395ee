"""What a sync run reports while it runs (``SyncProgress``) and when it is over (``SyncSummary``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from salto_desk.errors import Text


class SyncStage(StrEnum):
    OBJECTS = "objects"
    RESERVATIONS = "reservations"
    KEYS = "keys"
    OUTBOX = "outbox"


_STAGES = {
    SyncStage.OBJECTS: Text("objects, types and owners", "objecten, typen en eigenaren"),
    SyncStage.RESERVATIONS: Text("reservations", "reserveringen"),
    SyncStage.KEYS: Text("key data", "sleutelgegevens"),
    SyncStage.OUTBOX: Text("SALTO requests", "SALTO-verzoeken"),
}


@dataclass(frozen=True)
class SyncProgress:
    administration: str
    stage: str
    done: int
    total: int | None

    def text(self, language: str) -> str:
        known = {stage.value: text for stage, text in _STAGES.items()}.get(self.stage)
        stage = known(language) if known is not None else self.stage
        count = str(self.done) if self.total is None else f"{self.done}/{self.total}"
        return f"{self.administration}: {stage} {count}"


@dataclass(frozen=True)
class SyncSummary:
    fetched: int
    created: int
    updated: int
    revoked: int
    delivered: int
    errors: tuple[str, ...]

    def text(self, language: str) -> str:
        return Text(
            f"Fetched {self.fetched} reservation(s). Key data: {self.created} created, {self.updated} updated, "
            f"{self.revoked} revoked; {self.delivered} mobile key(s) delivered; {len(self.errors)} problem(s).",
            f"{self.fetched} reservering(en) opgehaald. Sleutelgegevens: {self.created} aangemaakt, {self.updated} "
            f"bijgewerkt, {self.revoked} ingetrokken; {self.delivered} mobiele sleutel(s) bezorgd; "
            f"{len(self.errors)} probleem/problemen.",
        )(language)


@dataclass(frozen=True)
class Counts:
    """What one part of a run did; the parts' counts add up to the run's summary."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    revoked: int = 0
    delivered: int = 0
    errors: tuple[str, ...] = ()

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.fetched + other.fetched,
            self.created + other.created,
            self.updated + other.updated,
            self.revoked + other.revoked,
            self.delivered + other.delivered,
            self.errors + other.errors,
        )

    def summary(self) -> SyncSummary:
        return SyncSummary(self.fetched, self.created, self.updated, self.revoked, self.delivered, self.errors)


Notify = Callable[[SyncProgress], None]
