"""GUI benchmark: does the window stay responsive, start fast and stay small?

Measures against the demo PMS in a process of its own (as BEX is remote) and simulators (offscreen Qt):
- the time from start (Qt application, database, window) to the first shown window;
- the longest stall of the GUI thread (a QTimer heartbeat every 5 ms) during a 3-card encode started
  from the key panel, and during a full sync of 10,000 reservations (run, as the desk does, in a child
  process) with the list refreshing after it; the event loop runs as in the desk (blocking), so the
  figures are the desk's, not a busy-waiting harness's. Other busy processes on the computer show up
  in these figures: run it on an otherwise idle machine;
- the resident memory with those 10,000 reservations synced and listed.
Prints each figure, its target and the ratio (figure / target; <= 1.0 meets it). Not part of the tests.
``--slow-database URL`` runs instead the desk on a shared PostgreSQL 200 ms away (bench/slow_database.py).

Run: .venv/bin/python bench/gui.py [--reservations N]
     .venv/bin/python bench/gui.py --slow-database postgresql+psycopg://user@127.0.0.1/db [--delay-ms 200]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STALL_TARGET_MS = 30.0
FIRST_WINDOW_TARGET_S = 1.5
MEMORY_TARGET_MB = 250.0
HEARTBEAT_MS = 5
CARDS = 3


def resident_mb() -> float | None:
    """The process's resident memory now (Linux /proc), else its peak (other POSIX), else None."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        pages = int(statm.read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def report(name: str, value: float | None, target: float, unit: str) -> None:
    if value is None:
        print(f"{name:<44} n/a")
        return
    print(f"{name:<44} {value:9.1f} {unit:<3} target {target:7.1f} {unit:<3} ratio {value / target:5.2f}")


def start_pms(reservations: int) -> tuple[subprocess.Popen[str], str]:
    """The demo PMS in a process of its own, as BEX is for a real desk; returns it and its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "salto_desk.cli", "pms", "demo-server", "--reservations", str(reservations)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("base URL: "):
            return server, line.removeprefix("base URL: ").strip()
    raise SystemExit("the demo PMS did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reservations", type=int, default=10_000, help="reservations in the demo PMS")
    parser.add_argument(
        "--slow-database",
        metavar="URL",
        help="run the slow-database scenario instead (bench/slow_database.py) on this PostgreSQL, e.g. "
        "$SALTO_DESK_TEST_POSTGRES_URL; it works in a schema of its own and drops it afterwards",
    )
    parser.add_argument("--delay-ms", type=float, default=200.0, help="the slow database's delay per round trip")
    options = parser.parse_args()
    if options.slow_database:
        from bench import slow_database

        return slow_database.run(options.slow_database, options.delay_ms / 1000)
    server, base_url = start_pms(options.reservations)
    try:
        return run(options.reservations, base_url)
    finally:
        server.terminate()
        server.wait(10)


def run(reservations: int, base_url: str) -> int:
    started = time.perf_counter()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    from salto_desk.demo.desk import SessionSecrets, preload_configuration, site_rooms
    from salto_desk.demo.server import DEMO_API_KEY
    from salto_desk.demo.store import DemoStore
    from salto_desk.keys.model import KeyState
    from salto_desk.keys.rules import EncodeMode
    from salto_desk.secrets import PMS_API_KEY
    from salto_desk.simulator import Simulator, SimulatorConfig
    from salto_desk.storage.config_repository import ConfigRepository
    from salto_desk.storage.database import open_database
    from ui.app import build_context, desk_settings
    from ui.garbage import GarbageCollector
    from ui.main_window import MainWindow

    imports = time.perf_counter() - started
    # The same seed gives the same administrations and objects as the PMS process (no reservations here).
    store = DemoStore(reservations=0)
    simulators = {
        record.id: Simulator(SimulatorConfig(card_delay=0.3, rooms=site_rooms(store, record.id))).start()
        for record in store.all("administration")
    }
    with tempfile.TemporaryDirectory(prefix="salto-desk-bench-") as folder:
        data = Path(folder)
        setup = open_database(data_dir=data)
        preload_configuration(setup, store, {key: each.endpoint for key, each in simulators.items()}, base_url)
        setup.dispose()
        del store

        desk_started = time.perf_counter()
        app = QApplication(sys.argv[:1])
        GarbageCollector(app).start()  # as run_gui does
        database = open_database(data_dir=data)
        context = build_context(
            database, desk_settings(data), language="en", secrets=SessionSecrets({PMS_API_KEY: DEMO_API_KEY}),
            data_dir=data,
        )  # fmt: skip
        window = MainWindow(context)
        window.show()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        first_window = time.perf_counter() - desk_started

        def wait(condition: Callable[[], bool], timeout: float = 300.0) -> None:
            """Run the event loop as ``app.exec()`` does (blocking, not spinning) until ``condition`` holds.

            A loop calling ``processEvents`` without pause would keep the GUI thread busy taking and
            dropping Python's interpreter lock, so it would measure its own contention, not the desk's.
            """
            deadline = time.monotonic() + timeout
            loop = QEventLoop()
            check = QTimer()
            check.setInterval(HEARTBEAT_MS)

            def done() -> None:
                if condition() or time.monotonic() > deadline:
                    loop.quit()

            check.timeout.connect(done)
            check.start()
            if not condition():
                loop.exec()
            check.stop()
            if not condition():
                raise SystemExit("benchmark step timed out")

        worst = [0.0]
        clock = QElapsedTimer()
        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)

        def beat() -> None:
            gap = clock.restart() - HEARTBEAT_MS
            worst[0] = max(worst[0], float(gap))

        heartbeat.timeout.connect(beat)

        def measured(run: Callable[[], object], done: Callable[[], bool]) -> float:
            worst[0] = 0.0
            clock.start()
            heartbeat.start()
            run()
            wait(done)
            heartbeat.stop()
            return worst[0]

        sync = context.sync
        assert sync is not None
        tab = window.reservations
        sync_started = time.perf_counter()
        sync_stall = measured(sync.run, lambda: not sync.running and not tab.searching and tab.model.rowCount() > 0)
        sync_seconds = time.perf_counter() - sync_started

        row = next(each for each in tab.model.rows() if each.keys and each.keys[0].state is KeyState.READY)
        tab.select(row.identity)
        panel = tab.key_panel
        wait(lambda: panel.details() is not None)
        key = panel.key()
        assert key is not None
        with context.database.unit_of_work() as session:
            encoder = ConfigRepository(session).encoders(key.administration_id)[0]
        encode_started = time.perf_counter()
        encode_stall = measured(lambda: panel.encode(key, encoder, CARDS, EncodeMode.NEW), lambda: not panel.busy())
        encode_seconds = time.perf_counter() - encode_started
        memory = resident_mb()

        print(f"Salto Desk GUI benchmark ({reservations} reservations, offscreen Qt {qVersion()})")
        print(f"{'imports (Qt and the desk)':<44} {imports:9.2f} s")
        report("time to the first shown window", first_window, FIRST_WINDOW_TARGET_S, "s")
        report(f"longest GUI stall, {CARDS}-card encode ({encode_seconds:.1f} s)", encode_stall, STALL_TARGET_MS, "ms")
        report(f"longest GUI stall, full sync ({sync_seconds:.1f} s)", sync_stall, STALL_TARGET_MS, "ms")
        report(f"resident memory, {reservations} reservations synced", memory, MEMORY_TARGET_MB, "MB")
        window.close()
        context.shutdown()
        database.dispose()
    for simulator in simulators.values():
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
