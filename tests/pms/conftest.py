"""Shared pieces of the PMS tests: the demo PMS as BEX (``tests.demo.conftest``) and a client that never sleeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, tzinfo

import pytest

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.pms.client import BexClient, Pull
from salto_desk.pms.errors import PmsRecordError
from salto_desk.pms.models import Reservation
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import PmsSettings, PmsTimeouts
from tests.demo.conftest import NOW, FakeClock
from tests.demo.conftest import clock as clock
from tests.demo.conftest import demo as demo


class Sleeps(list[float]):
    """Records the waits a client asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


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
