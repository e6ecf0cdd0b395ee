"""Which reservations a pull reads: kept in the database while it runs, so an interrupted pull asks the same.

The request it makes is what BEX documents for reservations: ``filter[updated_at]`` or ``filter[end_date]``
ranges (both ends given: an open end is not documented) and ``sort=id``, so a record that changes while
pages are read keeps its place and none is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from salto_desk.errors import Text, ValidationError

UPDATED_SLACK = timedelta(days=1)
"""The ``updated_at`` range of an incremental read ends this long after it started, so a record changed
while pages are read stays in the range and no record moves between pages."""
WINDOW = timedelta(days=3653)
"""The first read of reservations asks for departures in a range this long (ten years): an open end is
not documented."""


def _aware(name: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValidationError(
            name,
            Text(f"The time {moment} has no time zone.", f"De tijd {moment} heeft geen tijdzone."),
            Text("Pass a time-zone aware time (for example in UTC).", "Geef een tijd met tijdzone (bijvoorbeeld UTC)."),
        )
    return moment


def updated_range(since: datetime, started: datetime) -> str:
    """``filter[updated_at]`` from ``since`` to a day after ``started`` (see ``UPDATED_SLACK``)."""
    return f"{_aware('updated_since', since).isoformat()}..{(_aware('started', started) + UPDATED_SLACK).isoformat()}"


@dataclass(frozen=True)
class ReservationSelection:
    """Which reservations a pull reads; kept while it runs, so an interrupted pull asks the same again.

    ``updated_since`` makes it incremental; otherwise ``departing_from`` limits it to stays that can
    still need a key; with neither it reads every reservation. ``started`` is when the pull began: the
    next incremental pull starts from there.
    """

    started: datetime
    updated_since: datetime | None = None
    departing_from: date | None = None

    def broader(self) -> ReservationSelection | None:
        """What to ask when BEX refuses this selection's filter, or None when nothing is left to drop."""
        if self.updated_since is not None:
            return replace(self, updated_since=None)
        if self.departing_from is not None:
            return replace(self, departing_from=None)
        return None

    def filters(self) -> dict[str, str]:
        if self.updated_since is not None:
            return {"filter[updated_at]": updated_range(self.updated_since, self.started)}
        if self.departing_from is not None:
            last = self.departing_from + WINDOW
            return {"filter[end_date]": f"{self.departing_from.isoformat()}..{last.isoformat()}"}
        return {}
