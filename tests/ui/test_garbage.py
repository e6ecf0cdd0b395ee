"""GarbageCollector: cyclic garbage is collected on the GUI thread's timer, never automatically elsewhere."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from ui.garbage import GarbageCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_no_automatic_collection_while_started_and_the_previous_state_after(qtbot: QtBot) -> None:
    before = gc.isenabled()
    collector = GarbageCollector(interval_ms=10)
    collector.start()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled() is before


def test_the_timer_collects_cycles_on_the_gui_thread_by_generation(qtbot: QtBot) -> None:
    collector = GarbageCollector(interval_ms=5, thresholds=(50, 2, 2))
    threads: list[int] = []
    real_collect = gc.collect

    def spy(generation: int = 2) -> int:
        threads.append(threading.get_ident())
        return real_collect(generation)

    collector.start()
    try:
        gc.collect = spy  # type: ignore[assignment]
        garbage = [Node() for _ in range(200)]
        del garbage
        qtbot.waitUntil(lambda: len(threads) >= 1, timeout=5000)
    finally:
        gc.collect = real_collect  # type: ignore[assignment]
        collector.stop()
    assert set(threads) == {threading.get_ident()}
    for _ in range(10):
        [Node() for _ in range(100)]
    passes = [collector.collect() for _ in range(7)]
    assert sum(passes) > 0
