"""Shared pieces of the demo's tests (and of the client tests that use the demo PMS as BEX): a small demo
PMS on a fixed day, and a clock that only moves when told to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from salto_desk.demo.server import DemoPmsServer

TODAY = date(2025, 8, 1)
NOW = datetime(2025, 8, 1, 9, 30, tzinfo=UTC)
SMALL = 400
"""Reservations in the shared demo: enough for several pages, small enough to seed in milliseconds."""


class FakeClock:
    """A clock that only moves when told to (store bumps, rate limits and client filters use it)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def demo(clock: FakeClock) -> Iterator[DemoPmsServer]:
    with DemoPmsServer(seed=7, today=TODAY, reservations=SMALL, now=clock) as server:
        yield server
