"""Shared pieces of the PMS tests: a small demo PMS on a fixed day and a client that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from salto_desk.pms.client import BexClient, PmsSettings, PmsTimeouts
from salto_desk.pms.demo_server import DEMO_API_KEY, DemoPmsServer

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
