"""Leases and the endpoint queue: one holder at a time, expiry, renewal by token, places in line."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from salto_desk.storage import Database
from salto_desk.storage.leases import DeskProcess, Lease, LeaseHolder, LeaseStore
from tests.storage.helpers import NOW

DESK_1 = DeskProcess("DESK-1", 101)
DESK_2 = DeskProcess("DESK-2", 202)
DESK_3 = DeskProcess("DESK-3", 303)
TTL = timedelta(seconds=30)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_a_free_lease_is_taken_and_the_next_desk_is_told_who_holds_it(database: Database) -> None:
    store = LeaseStore(database, Clock())
    lease = store.acquire("encoder:1:1", DESK_1, TTL, "Encoder Front desk")
    assert isinstance(lease, Lease) and lease.expires_at == NOW + TTL
    other = store.acquire("encoder:1:1", DESK_2, TTL)
    assert other == LeaseHolder("encoder:1:1", "Encoder Front desk", DESK_1, NOW, NOW + TTL)
    assert store.holder("encoder:1:1") == other
    assert isinstance(store.acquire("encoder:1:2", DESK_2, TTL), Lease)  # another name is another lease


def test_release_frees_and_only_the_holding_itself_can_release(database: Database) -> None:
    store = LeaseStore(database, Clock())
    lease = store.acquire("sync", DESK_1, TTL)
    assert isinstance(lease, Lease)
    assert store.release(lease)
    assert store.holder("sync") is None
    second = store.acquire("sync", DESK_2, TTL)
    assert isinstance(second, Lease)
    assert not store.release(lease)  # the old token no longer holds anything
    assert store.holder("sync") is not None and store.holder("sync").holder == DESK_2  # type: ignore[union-attr]


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(database: Database) -> None:
    clock = Clock()
    store = LeaseStore(database, clock)
    first = store.acquire("sync", DESK_1, TTL)
    assert isinstance(first, Lease)
    clock.now += timedelta(seconds=10)
    renewed = store.renew(first)
    assert renewed is not None and renewed.expires_at == clock.now + TTL
    clock.now += timedelta(seconds=29)
    assert isinstance(store.acquire("sync", DESK_2, TTL), LeaseHolder)  # renewed: still held
    clock.now += timedelta(seconds=2)
    assert store.holder("sync") is None  # expired: a crashed desk holds nothing
    taken = store.acquire("sync", DESK_2, TTL)
    assert isinstance(taken, Lease) and taken.holder == DESK_2
    assert store.renew(renewed) is None
    assert not store.release(renewed)
    assert store.holder("sync") == LeaseHolder("sync", "sync", DESK_2, clock.now, clock.now + TTL)


def test_concurrent_desks_never_both_get_a_lease(database: Database) -> None:
    store = LeaseStore(database)
    start = threading.Barrier(6)
    results: list[Lease | LeaseHolder] = []
    guard = threading.Lock()

    def desk(number: int) -> None:
        start.wait()
        taken = store.acquire("encoder:1:1", DeskProcess(f"DESK-{number}", number), TTL)
        with guard:
            results.append(taken)

    threads = [threading.Thread(target=desk, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [result for result in results if isinstance(result, Lease)]
    assert len(results) == 6 and len(winners) == 1
    assert {result.holder for result in results if isinstance(result, LeaseHolder)} == {winners[0].holder}


def test_active_lists_unexpired_leases_by_prefix(database: Database) -> None:
    clock = Clock()
    store = LeaseStore(database, clock)
    store.acquire("encoder:1:2", DESK_1, TTL, "Encoder Back office")
    store.acquire("encoder:1:1", DESK_2, timedelta(seconds=5), "Encoder Front desk")
    store.acquire("sync", DESK_3, TTL)
    assert [lease.label for lease in store.active("encoder:")] == ["Encoder Front desk", "Encoder Back office"]
    clock.now += timedelta(seconds=6)
    assert [lease.label for lease in store.active("encoder:")] == ["Encoder Back office"]
    assert [lease.name for lease in store.active()] == ["encoder:1:2", "sync"]


def test_the_queue_gives_places_in_order_and_drops_desks_that_stopped(database: Database) -> None:
    clock = Clock()
    store = LeaseStore(database, clock)
    first = store.enqueue("127.0.0.1:8090", DESK_1, TTL)
    second = store.enqueue("127.0.0.1:8090", DESK_2, TTL)
    other_link = store.enqueue("127.0.0.1:9000", DESK_2, TTL)
    third = store.enqueue("127.0.0.1:8090", DESK_3, TTL)
    assert [store.place(ticket, TTL) for ticket in (first, second, third, other_link)] == [1, 2, 3, 1]
    assert [(entry.place, entry.holder) for entry in store.queue("127.0.0.1:8090")] == [
        (1, DESK_1), (2, DESK_2), (3, DESK_3),
    ]  # fmt: skip
    store.dequeue(first)
    assert store.place(second, TTL) == 1 and store.place(third, TTL) == 2
    clock.now += timedelta(seconds=20)
    assert store.place(third, TTL) == 2  # heart-beaten: kept alive
    clock.now += timedelta(seconds=15)  # the second desk stopped beating
    assert store.place(third, TTL) == 1
    assert store.place(second, TTL) is None
    assert [entry.holder for entry in store.queue()] == [DESK_3]


def test_a_reentrant_take_over_is_for_the_same_desk_process_only(database: Database) -> None:
    store = LeaseStore(database, Clock())
    first = store.acquire("sync", DESK_1, TTL)
    assert isinstance(first, Lease)
    assert isinstance(store.acquire("sync", DESK_1, TTL), LeaseHolder)  # not without asking for it
    again = store.acquire("sync", DESK_1, TTL, reentrant=True)
    assert isinstance(again, Lease) and again.token != first.token
    assert store.renew(first) is None  # the older holding is over
    assert isinstance(store.acquire("sync", DESK_2, TTL, reentrant=True), LeaseHolder)
    assert not store.release_held_by("sync", DESK_2)
    assert store.release_held_by("sync", DESK_1)
    assert store.holder("sync") is None


class Gone:
    """The holders whose processes have stopped (stands for 'crashed on this computer')."""

    def __init__(self) -> None:
        self.stopped: set[DeskProcess] = set()

    def __call__(self, holder: DeskProcess) -> bool:
        return holder in self.stopped


def test_a_holding_of_a_stopped_process_is_taken_over_at_once_and_only_that_one(database: Database) -> None:
    gone = Gone()
    store = LeaseStore(database, Clock(), gone)
    crashed = store.acquire("sync", DESK_1, TTL, "PMS sync")
    alive = store.acquire("encoder:1:1", DESK_3, TTL)
    assert isinstance(crashed, Lease) and isinstance(alive, Lease)
    assert isinstance(store.acquire("sync", DESK_2, TTL), LeaseHolder)  # its process still runs
    gone.stopped.add(DESK_1)
    assert store.holder("sync") is None and [lease.name for lease in store.active()] == ["encoder:1:1"]
    taken = store.acquire("sync", DESK_2, TTL)
    assert isinstance(taken, Lease) and taken.holder == DESK_2
    assert store.renew(crashed) is None  # the stopped process's token holds nothing any more
    assert isinstance(store.acquire("encoder:1:1", DESK_2, TTL), LeaseHolder)  # a live holder keeps its lease


def test_tickets_of_stopped_processes_hold_nobody_up(database: Database) -> None:
    gone = Gone()
    store = LeaseStore(database, Clock(), gone)
    first = store.enqueue("127.0.0.1:8090", DESK_1, TTL)
    second = store.enqueue("127.0.0.1:8090", DESK_2, TTL)
    third = store.enqueue("127.0.0.1:8090", DESK_3, TTL)
    assert store.place(third, TTL) == 3
    gone.stopped.update({DESK_1, DESK_2})
    assert [entry.holder for entry in store.queue()] == [DESK_3]
    assert store.place(third, TTL) == 1
    assert store.place(first, TTL) is None and store.place(second, TTL) is None  # dropped on the way
