"""Fault injection: a desk (database, simulator, key service sharing encoders) and the final-state checks.

Every case ends by asserting the state a receptionist and an auditor would find: every audit row
complete, key data either as before or fully written, no phone key delivered twice, no revoked key
left active, no lease or queue ticket left behind, and a specific message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from salto_desk.coordination import Coordinator, LeaseTimes
from salto_desk.keys.model import AuditState
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import AuditRepository, Database
from salto_desk.storage.leases import DeskProcess, LeaseStore
from tests.operations.helpers import salto_operations
from tests.operations.site import Site
from tests.storage.helpers import NOW, add_administration, add_encoder
from tests.storage.helpers import database as database
from tests.storage.helpers import sqlite_database as sqlite_database

WAIT = 10.0
TIMES = LeaseTimes(encoder=timedelta(seconds=5), link=timedelta(seconds=5), poll_seconds=0.02)


@dataclass
class Desk(Site):
    """A site whose key service coordinates with other desks through the database."""

    coordinator: Coordinator


def assert_settled(database: Database) -> None:
    """No audit row left pending, no encoder or link lease nor queue ticket left behind (the sync lease stays)."""
    with database.unit_of_work() as session:
        pending = [entry for entry in AuditRepository(session).entries() if entry.state is AuditState.PENDING]
    assert pending == []
    store = LeaseStore(database)
    assert store.active("encoder:") == store.active("salto:") == store.queue() == []


def eventually(condition: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def desk(database: Database) -> Iterator[Desk]:
    config = SimulatorConfig(card_delay=0.0, card_timeout=WAIT, phones=("+31612345678",))
    with Simulator(config) as simulator:
        administration = add_administration(database, salto_endpoint=simulator.endpoint, reply_timeout=5)
        encoder = add_encoder(database, administration, "Reception 1", "1")
        coordinator = Coordinator(database, DeskProcess("DESK-1", 1), TIMES)
        service = salto_operations(database, coordinator=coordinator, clock=lambda: NOW)
        yield Desk(simulator, database, administration, encoder, service, coordinator)
