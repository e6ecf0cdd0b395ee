"""Shared pieces of the PMS tests: a small demo PMS on a fixed day and a client that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo

import pytest

from salto_desk.pms.client import BexClient, Pull
from salto_desk.pms.demo_server import DEMO_API_KEY, DemoPmsServer
from salto_desk.pms.errors import PmsRecordError
from salto_desk.pms.models import Reservation
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import PmsSettings, PmsTimeouts

TODAY = date(2025, 8, 1)
NOW = datetime(2025, 8, 1, 9, 30, tzinfo=UTC)
SMALL = 400
"""Reservations in the shared demo: enough for several pages, small enough to seed in milliseconds."""


class FakeClock:
    """A clock that only moves when told to (store bumps and client filters use it)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment


class Sleeps(list[float]):
    """Records the waits a client asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def demo(clock: FakeClock) -> Iterator[DemoPmsServer]:
    with DemoPmsServer(seed=7, today=TODAY, reservations=SMALL, now=clock) as server:
        yield server


def demo_client(server: DemoPmsServer, sleeps: Sleeps, clock: FakeClock, **settings: object) -> BexClient:
    base = PmsSettings(base_url=server.base_url, timeouts=PmsTimeouts(connect=5.0, read=10.0))
    return BexClient(DEMO_API_KEY, replace(base, **settings), sleep=sleeps, now=clock)


def reservations(
    bex: BexClient, administration_id: str, selection: ReservationSelection | None = None, zone: tzinfo = UTC
) -> Pull[Reservation]:
    """Every page of a reservation pull as one ``Pull`` (default: every reservation), problems once each."""
    pages = list(bex.reservation_pages(administration_id, selection or ReservationSelection(NOW), zone))
    records = {record.id: record for page in pages for record in page.records}
    problems: dict[tuple[str, str, str], PmsRecordError] = {}
    for page in pages:
        for problem in page.problems:
            problems.setdefault((problem.record_type, problem.record_id, problem.field), problem)
    return Pull(tuple(records.values()), tuple(problems.values()), missing=pages[-1].missing)
