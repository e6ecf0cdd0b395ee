"""Coordination between desks: encoder leases, the SALTO link queue, the sync leader, the change watcher."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import pytest

from salto_desk.coordination import (
    DATABASE_PASSWORD,
    ChangeWatcher,
    Coordinator,
    EncoderInUse,
    LeaseTimes,
    SyncLeadership,
    shared_database_url,
    stopped_here,
)
from salto_desk.host import this_desk
from salto_desk.keys.model import Administration, AuditState, Encoder, KeyData
from salto_desk.keys.rules import EncodeMode
from salto_desk.protocol.errors import Cancelled
from salto_desk.secrets import SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import AuditRepository, Database, KeyRepository
from salto_desk.storage.change_feed import Topic
from salto_desk.storage.leases import DeskProcess, Lease, LeaseHolder
from salto_desk.sync import SyncEngine, SyncSummary, run_as_leader
from tests.operations.helpers import salto_operations
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from tests.storage.helpers import database as database

WAIT = 10.0
FAST = LeaseTimes(poll_seconds=0.02)


@dataclass
class Park:
    database: Database
    simulator: Simulator
    administration: Administration
    front: Encoder
    back: Encoder

    def desk(self, name: str, **changes: object) -> Coordinator:
        return Coordinator(self.database, DeskProcess(name, hash(name) % 10_000), FAST, **changes)  # type: ignore[arg-type]

    def key(self) -> KeyData:
        key_type = add_key_type(self.database, self.administration)
        with self.database.unit_of_work() as session:
            return KeyRepository(session).add(key_draft(self.administration, key_type), NOW)


@pytest.fixture
def park(database: Database) -> Iterator[Park]:
    with Simulator(SimulatorConfig(card_delay=0.0, card_timeout=WAIT)) as simulator:
        administration = add_administration(database, salto_endpoint=simulator.endpoint, reply_timeout=10)
        front = add_encoder(database, administration, "Reception 1", "1")
        back = add_encoder(database, administration, "Reception 2", "2")
        yield Park(database, simulator, administration, front, back)


def test_a_second_desk_is_told_who_uses_the_encoder_until_it_is_released(park: Park) -> None:
    desk_1, desk_2 = park.desk("DESK-1"), park.desk("DESK-2")
    never = threading.Event()
    with desk_1.encoder(park.administration, park.front, never):
        with pytest.raises(EncoderInUse) as caught, desk_2.encoder(park.administration, park.front, never):
            pass
        since = caught.value.holder.acquired_at.astimezone(park.administration.zone).strftime("%H:%M")
        assert caught.value.user_message("en").startswith(f"Encoder Reception 1 is in use by DESK-1 since {since}.")
        assert "in gebruik door DESK-1" in caught.value.user_message("nl")
        with desk_2.encoder(park.administration, park.back, never):  # the other encoder is free
            assert [lease.label for lease in desk_1.status().encoders] == ["Reception 1", "Reception 2"]
    assert desk_1.status().encoders == ()
    with desk_2.encoder(park.administration, park.front, never):
        pass


def test_the_encoder_is_released_when_the_operation_fails(park: Park) -> None:
    desk_1 = park.desk("DESK-1")
    with pytest.raises(RuntimeError), desk_1.encoder(park.administration, park.front, threading.Event()):
        raise RuntimeError("the card operation failed")
    assert desk_1.status().encoders == ()


def test_a_desk_that_waits_for_an_encoder_gets_it_when_the_other_is_done(park: Park) -> None:
    desk_1, desk_2 = park.desk("DESK-1"), park.desk("DESK-2", encoder_wait=WAIT)
    got_it = threading.Event()

    def other_desk() -> None:
        with desk_2.encoder(park.administration, park.front, threading.Event()):
            got_it.set()

    with desk_1.encoder(park.administration, park.front, threading.Event()):
        waiting = threading.Thread(target=other_desk)
        waiting.start()
        assert not got_it.wait(0.2)  # not while DESK-1 has it
    waiting.join(WAIT)
    assert got_it.is_set()


def test_desks_queue_for_the_link_see_their_place_and_may_cancel(park: Park) -> None:
    endpoint = park.simulator.endpoint
    desk_1, desk_2, desk_3 = park.desk("DESK-1"), park.desk("DESK-2"), park.desk("DESK-3")
    cancel_3 = threading.Event()
    turns: list[str] = []
    errors: list[BaseException] = []

    def wait_turn(coordinator: Coordinator, cancelled: threading.Event) -> None:
        try:
            with coordinator.link(endpoint, cancelled):
                turns.append(coordinator.me.desk)
        except Cancelled as error:
            errors.append(error)

    with desk_1.link(endpoint, threading.Event()):
        second = threading.Thread(target=wait_turn, args=(desk_2, threading.Event()))
        second.start()
        assert _eventually(lambda: len(desk_1.status().queue) == 1)
        third = threading.Thread(target=wait_turn, args=(desk_3, cancel_3))
        third.start()
        assert _eventually(lambda: len(desk_1.status().queue) == 2)
        status = desk_1.status()
        assert [(entry.place, entry.holder.desk) for entry in status.queue] == [(1, "DESK-2"), (2, "DESK-3")]
        assert [(link.label, link.holder.desk) for link in status.links] == [(endpoint, "DESK-1")]
        cancel_3.set()
        third.join(WAIT)
        assert [type(error) for error in errors] == [Cancelled]
        assert [entry.holder.desk for entry in desk_1.status().queue] == ["DESK-2"]
    second.join(WAIT)
    assert turns == ["DESK-2"]
    assert desk_1.status().queue == () and desk_1.status().links == ()


def test_an_encode_at_a_busy_encoder_says_who_and_writes_no_audit_row(park: Park) -> None:
    key = park.key()
    service = salto_operations(park.database, coordinator=park.desk("DESK-2"), clock=lambda: NOW)
    with (
        park.desk("DESK-1").encoder(park.administration, park.front, threading.Event()),
        pytest.raises(EncoderInUse),
    ):
        service.encode_cards(key, park.front, 1, EncodeMode.NEW)
    assert park.simulator.state.requests == ()
    with park.database.unit_of_work() as session:
        assert AuditRepository(session).entries() == []
    result = service.encode_cards(key, park.front, 2, EncodeMode.NEW)
    assert result.key.cards.count == 2
    with park.database.unit_of_work() as session:
        assert [entry.state for entry in AuditRepository(session).entries()] == [AuditState.OK, AuditState.OK]
    status = park.desk("DESK-1").status()
    assert status.encoders == () and status.links == () and status.queue == ()


def test_reads_and_phone_keys_take_turns_on_the_link(park: Park) -> None:
    key = park.key()
    service = salto_operations(park.database, coordinator=park.desk("DESK-2"), clock=lambda: NOW)
    holder = park.desk("DESK-1")
    service.encode_cards(key, park.front, 1, EncodeMode.NEW)
    done = threading.Event()

    def send() -> None:
        service.send_to_phone(key, "+31612345678")
        done.set()

    with holder.link(park.simulator.endpoint, threading.Event()):
        sender = threading.Thread(target=send)
        sender.start()
        assert _eventually(lambda: [entry.holder.desk for entry in holder.status().queue] == ["DESK-2"])
        assert not done.is_set() and park.simulator.state.requests == ("CN",)
    sender.join(WAIT)
    assert done.is_set() and park.simulator.state.requests == ("CN", "CCM")


class _Engine:
    def __init__(self) -> None:
        self.runs = 0

    def run_once(self, progress: object = None) -> SyncSummary:
        self.runs += 1
        return SyncSummary(self.runs, 0, 0, 0, 0, ())


def test_only_the_leading_desk_syncs_and_another_takes_over_when_it_stops(park: Park) -> None:
    clock_now = [NOW]
    times = LeaseTimes(sync=timedelta(minutes=3))
    leader = SyncLeadership(Coordinator(park.database, DeskProcess("DESK-1", 1), times, lambda: clock_now[0]))
    other = SyncLeadership(Coordinator(park.database, DeskProcess("DESK-2", 2), times, lambda: clock_now[0]))
    engine_1, engine_2 = _Engine(), _Engine()
    assert run_as_leader(cast(SyncEngine, engine_1), leader) == SyncSummary(1, 0, 0, 0, 0, ())
    answer = run_as_leader(cast(SyncEngine, engine_2), other)
    assert isinstance(answer, LeaseHolder) and answer.holder.desk == "DESK-1" and engine_2.runs == 0
    clock_now[0] += timedelta(minutes=2)
    assert isinstance(run_as_leader(cast(SyncEngine, engine_1), leader), SyncSummary)  # renews its lease
    clock_now[0] += timedelta(minutes=2)
    assert isinstance(run_as_leader(cast(SyncEngine, engine_2), other), LeaseHolder)
    clock_now[0] += timedelta(minutes=4)  # DESK-1 stopped renewing
    assert isinstance(run_as_leader(cast(SyncEngine, engine_2), other), SyncSummary)
    assert other.leader() is not None and other.leader().holder.desk == "DESK-2"  # type: ignore[union-attr]
    assert isinstance(run_as_leader(cast(SyncEngine, engine_1), leader), LeaseHolder)
    other.resign()
    assert isinstance(run_as_leader(cast(SyncEngine, engine_1), leader), SyncSummary)
    assert (engine_1.runs, engine_2.runs) == (3, 1)


def test_the_watcher_sees_what_another_desk_committed(park: Park) -> None:
    watcher = ChangeWatcher(park.database)
    assert watcher.poll() == frozenset()
    assert watcher.poll() == frozenset()
    park.key()  # a key type (configuration) and key data
    assert watcher.poll() == {Topic.KEYS, Topic.CONFIG}
    assert watcher.poll() == frozenset()


def _eventually(condition: Callable[[], bool]) -> bool:
    """Poll a condition for up to WAIT seconds (never a fixed sleep)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_the_shared_database_password_comes_from_the_keyring() -> None:
    secrets = SecretStore()
    url = "postgresql+psycopg://desk@db.park.local/salto_desk"
    assert shared_database_url(url, secrets) == url  # nothing stored: the server may trust the desk
    secrets.set(DATABASE_PASSWORD, "s3cret/pw")
    assert shared_database_url(url, secrets) == "postgresql+psycopg://desk:s3cret%2Fpw@db.park.local/salto_desk"
    given = "postgresql+psycopg://desk:other@db.park.local/salto_desk"
    assert shared_database_url(given, secrets) == given
    assert shared_database_url("sqlite:///x.sqlite3", secrets) == "sqlite:///x.sqlite3"
    assert shared_database_url(None, secrets) is None


def test_a_desk_keeps_leading_across_its_one_shot_sync_processes(park: Park) -> None:
    gui = DeskProcess("DESK-1", 4242)
    first_child = SyncLeadership(Coordinator(park.database, gui, FAST))
    second_child = SyncLeadership(Coordinator(park.database, gui, FAST))  # a later child, without the token
    other_desk = SyncLeadership(park.desk("DESK-2"))
    engine = _Engine()
    assert isinstance(run_as_leader(cast(SyncEngine, engine), first_child), SyncSummary)
    assert isinstance(run_as_leader(cast(SyncEngine, engine), other_desk), LeaseHolder)
    assert isinstance(run_as_leader(cast(SyncEngine, engine), second_child), SyncSummary)
    SyncLeadership(Coordinator(park.database, gui, FAST)).resign()  # the desk closes
    assert other_desk.leader() is None
    assert isinstance(run_as_leader(cast(SyncEngine, engine), other_desk), SyncSummary)
    assert engine.runs == 3


def _stopped_process_here() -> DeskProcess:
    """A process of this computer that has ended (as after ``kill -9``), by its real process id."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return DeskProcess(this_desk(), int(finished.stdout))


def test_only_processes_of_this_computer_that_ended_count_as_stopped() -> None:
    crashed = _stopped_process_here()
    assert stopped_here(crashed)
    assert not stopped_here(DeskProcess(this_desk(), os.getpid()))
    assert not stopped_here(DeskProcess(f"other-{this_desk()}", crashed.process_id))  # not seen from here


def test_a_crashed_sync_on_this_computer_does_not_block_the_next_one(park: Park) -> None:
    crashed = Coordinator(park.database, _stopped_process_here(), FAST)
    assert isinstance(SyncLeadership(crashed).claim(), Lease)  # then killed: its lease lives 3 minutes
    next_run = SyncLeadership(Coordinator(park.database, DeskProcess(this_desk(), os.getpid()), FAST))
    taken = next_run.claim()
    assert isinstance(taken, Lease) and taken.holder.process_id == os.getpid()


def test_a_crashed_process_in_the_link_queue_does_not_hold_the_next_one(park: Park) -> None:
    crashed = Coordinator(park.database, _stopped_process_here(), FAST)
    endpoint = park.administration.salto_endpoint
    crashed.store.enqueue(endpoint, crashed.me, FAST.link)
    stuck = crashed.store.acquire(f"salto:{endpoint}", crashed.me, FAST.link, endpoint)
    assert isinstance(stuck, Lease)  # it died holding the link and a ticket: both live 30 s
    me = Coordinator(park.database, DeskProcess(this_desk(), os.getpid()), FAST)
    done = threading.Event()

    def use_link() -> None:
        with me.link(endpoint, threading.Event()):
            done.set()

    worker = threading.Thread(target=use_link)
    worker.start()
    worker.join(WAIT)
    assert done.is_set()  # at once, not after the 30 s the dead holdings would otherwise live
