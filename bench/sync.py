"""Sync benchmark: the first sync of a demo PMS of 10,000 reservations, then an incremental one of 50 changes.

The demo PMS runs in a child process (as BEX runs elsewhere), so its work does not compete with the
sync for this process's interpreter. Both demo administrations are set up at the desk with a product
that matches every stay, so the first sync makes key data for every current confirmed reservation (it
reads the stays departing from ``first_pull_days`` ago on). Prints the time of each sync and the peak
memory of the first one (tracemalloc, in a separate run because tracing slows Python down), with their
ratio to the targets: first <= 5 s, incremental <= 0.3 s, peak <= 200 MB; and the BEX calls each sync
made per 1,000 reservations it read (BEX allows about 500 calls per 15 minutes).
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's tests package, run as a script

from salto_desk.cli.sync import collector_paused
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.keys.model import AdministrationSettings, KeyTypeSettings, ProductSettings
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings
from salto_desk.storage import ConfigRepository, Database, open_database
from salto_desk.sync import SyncEngine, SyncSummary
from tests.operations.helpers import salto_operations

RESERVATIONS = 10_000
CHANGES = 50
FULL_TARGET_S, INCREMENTAL_TARGET_S, PEAK_TARGET_MB = 5.0, 0.3, 200.0


def serve(connection: Connection) -> None:
    """The child process: serve the demo PMS; on "move", give 50 upcoming stays one more night; on "calls",
    answer how many requests it served."""
    with DemoPmsServer(reservations=RESERVATIONS) as server:
        connection.send(server.base_url)
        while (command := connection.recv()) != "stop":
            if command == "calls":
                connection.send(len(server.api.seen))
                continue
            assert command == "move"
            moved = 0
            last = datetime.now(UTC)
            store = server.store
            for record in store.all("reservation"):
                if moved == CHANGES:
                    break
                start = date.fromisoformat(str(record.attributes["start_date"]))
                end = date.fromisoformat(str(record.attributes["end_date"]))
                if record.attributes["state"] != "confirmed" or start < store.today:
                    continue
                try:
                    store.move(record.id, start, end + timedelta(days=1))
                except ValueError:
                    continue
                moved += 1
                last = datetime.fromisoformat(str(record.attributes["updated_at"]).replace("Z", "+00:00"))
            while datetime.now(UTC) <= last:  # the store stamps 1 ms apart, so fast moves run ahead of the clock
                time.sleep(0.01)
            connection.send(moved)


def desk(folder: Path) -> Database:
    database = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        for pms_id, name in (("1", "Park"), ("2", "Hotel")):
            administration = config.add_administration(
                AdministrationSettings(pms_id=pms_id, name=name, salto_endpoint="127.0.0.1:8090")
            )
            key_type = config.add_key_type(KeyTypeSettings(administration_id=administration.id, name="Guest"))
            config.add_product(ProductSettings(key_type_id=key_type.id, name="Every stay"))
    return database


def engine(database: Database, base_url: str) -> SyncEngine:
    def client() -> BexClient:
        return BexClient(DEMO_API_KEY, PmsSettings(base_url=base_url))

    return SyncEngine(database, client, lambda _administration: salto_operations(database))


def timed(run: Callable[[], SyncSummary]) -> tuple[float, SyncSummary]:
    """One run as ``salto-desk sync`` makes it: with the garbage collector paused (``collector_paused``)."""
    started = time.perf_counter()
    with collector_paused():
        summary = run()
    return time.perf_counter() - started, summary


def calls(server: Connection) -> int:
    server.send("calls")
    count: int = server.recv()
    return count


def per_thousand(calls: int, summary: SyncSummary) -> str:
    return f"{calls} BEX calls, {1000 * calls / max(1, summary.fetched):.1f} per 1,000 reservations read"


def main() -> int:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child,), daemon=True)
    server.start()
    base_url = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            database = desk(Path(first))
            sync = engine(database, base_url)
            full_s, full = timed(sync.run_once)
            full_calls = calls(parent)
            parent.send("move")
            moved = parent.recv()
            incremental_s, incremental = timed(sync.run_once)
            incremental_calls = calls(parent) - full_calls
            database.dispose()

            traced = desk(Path(second))
            tracemalloc.start()
            with collector_paused():
                engine(traced, base_url).run_once()
            peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            traced.dispose()
    finally:
        parent.send("stop")
        server.join(timeout=10)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kilobytes on Linux
    print(f"first sync:       {full_s:6.2f} s  ({full_s / FULL_TARGET_S:.2f} of the {FULL_TARGET_S} s target)")
    print(f"  {full.text('en')}")
    print(f"  {per_thousand(full_calls, full)}")
    print(
        f"incremental sync: {incremental_s:6.3f} s  ({incremental_s / INCREMENTAL_TARGET_S:.2f} of the "
        f"{INCREMENTAL_TARGET_S} s target; {moved} stays moved)"
    )
    print(f"  {incremental.text('en')}")
    print(f"  {incremental_calls} BEX calls")
    print(f"peak memory:      {peak_mb:6.1f} MB traced ({peak_mb / PEAK_TARGET_MB:.2f} of the {PEAK_TARGET_MB} MB "
          f"target); process max RSS {max_rss_mb:.0f} MB")  # fmt: skip
    for summary in (full, incremental):
        for error in summary.errors[:5]:
            print(f"  problem: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
