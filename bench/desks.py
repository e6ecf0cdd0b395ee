"""Several desks, one park: 3 desk processes against one PostgreSQL and the simulator.

Each desk encodes 100 cards (one new card per key) on 2 encoders that all desks share, taking
turns through the encoder leases and the SALTO link queue in the database. The simulator serves
several connections at once here, so only the coordination keeps the desks apart. Prints the
throughput, the longest wait for an encoder, and the overlaps seen: two desks holding one encoder,
or two desks on the SALTO link, at the same moment (must be 0), and checks the audit trail.

    python bench/desks.py [--database postgresql+psycopg://user@host/db] [--cards 100] [--card-delay S]

The database defaults to SALTO_DESK_TEST_POSTGRES_URL (``.ci/postgres.sh`` starts one). The bench
adds its own administration (a fresh PMS id per run) and leaves other data alone.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's tests package, run as a script

from salto_desk.coordination import Coordinator, LeaseTimes
from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    AuditState,
    Encoder,
    EncoderSettings,
    Holder,
    HolderKind,
    KeyDraft,
    KeyTypeSettings,
    Validity,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import AuditRepository, ConfigRepository, KeyRepository, open_database
from salto_desk.storage.leases import DeskProcess, Lease
from tests.operations.helpers import salto_operations

DESKS = 3
ENCODERS = ("1", "2")
NOW = datetime(2030, 7, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Holding:
    """One desk's use of one encoder or of the link: when it asked, got it and gave it back."""

    desk: str
    what: str
    asked: float
    got: float
    released: float


class MeasuredCoordinator(Coordinator):
    """A coordinator that reports every holding of an encoder or the link to the bench."""

    holdings: list[Holding]

    @contextmanager
    def encoder(self, administration: Administration, encoder: Encoder, cancelled: Any) -> Iterator[Lease]:
        asked = time.time()
        with super().encoder(administration, encoder, cancelled) as lease:
            got = time.time()
            yield lease
            self.holdings.append(Holding(self.me.desk, f"encoder {encoder.name}", asked, got, time.time()))

    @contextmanager
    def link(self, endpoint: str, cancelled: Any) -> Iterator[Lease]:
        asked = time.time()
        with super().link(endpoint, cancelled) as lease:
            got = time.time()
            yield lease
            self.holdings.append(Holding(self.me.desk, "SALTO link", asked, got, time.time()))


def desk(number: int, url: str, key_ids: list[int], encoder_ids: list[int], results: Queue[Any], go: Any) -> None:
    """One desk process: encode one new card for each of its keys, alternating between the encoders."""
    database = open_database(url)
    coordinator = MeasuredCoordinator(
        database, DeskProcess(f"DESK-{number}", os.getpid()), LeaseTimes(poll_seconds=0.02), encoder_wait=600.0
    )
    coordinator.holdings = []
    service = salto_operations(database, coordinator=coordinator, clock=lambda: NOW)
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        encoders = [config.encoder(encoder_id) for encoder_id in encoder_ids]
        keys = KeyRepository(session)
        work = [keys.get(key_id) for key_id in key_ids]
    results.put("ready")
    go.wait()
    failures = 0
    for index, key in enumerate(work):
        try:
            service.encode_cards(key, encoders[(index + number) % len(encoders)], 1, EncodeMode.NEW)
        except Exception as error:  # counted and shown: a bench must finish and say what went wrong
            failures += 1
            print(f"DESK-{number}: {error}", file=sys.stderr)
    database.dispose()
    results.put((coordinator.holdings, failures))


def overlaps(holdings: list[Holding]) -> int:
    """Pairs of holdings of the same thing by different desks whose times intersect."""
    count = 0
    by_what: dict[str, list[Holding]] = {}
    for holding in holdings:
        by_what.setdefault(holding.what, []).append(holding)
    for same in by_what.values():
        same.sort(key=lambda holding: holding.got)
        for earlier, later in itertools.pairwise(same):
            if later.got < earlier.released:
                count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("SALTO_DESK_TEST_POSTGRES_URL"))
    parser.add_argument("--cards", type=int, default=100, help="cards per desk")
    parser.add_argument("--card-delay", type=float, default=0.0, help="seconds to present each card")
    args = parser.parse_args()
    if not args.database:
        print("Give --database postgresql+psycopg://... or set SALTO_DESK_TEST_POSTGRES_URL.", file=sys.stderr)
        return 2
    database = open_database(args.database)
    config = SimulatorConfig(card_delay=args.card_delay, encoders=ENCODERS, concurrent_clients=True)
    with Simulator(config) as simulator:
        with database.unit_of_work() as session:
            repository = ConfigRepository(session)
            administration = repository.add_administration(
                AdministrationSettings(
                    pms_id=f"bench-{uuid.uuid4().hex[:12]}", name="Bench park", salto_endpoint=simulator.endpoint
                )
            )
            encoders = [
                repository.add_encoder(
                    EncoderSettings(administration_id=administration.id, name=f"Reception {n}", external_id=n)
                )
                for n in ENCODERS
            ]
            key_type = repository.add_key_type(
                KeyTypeSettings(administration_id=administration.id, name="Guest", granted=(1,))
            )
            keys = KeyRepository(session)
            key_ids = [
                keys.add(
                    KeyDraft(
                        administration_id=administration.id,
                        key_type_id=key_type.id,
                        holder=Holder(HolderKind.OWNER, f"o{n}", f"Bench {n}"),
                        rooms=(f"{101 + n % 20}",),
                        validity=Validity(NOW, NOW + timedelta(days=3)),
                        granted=(1,),
                    ),
                    NOW,
                ).id
                for n in range(DESKS * args.cards)
            ]
        context = multiprocessing.get_context("spawn")
        results: Queue[Any] = context.Queue()
        go = context.Event()
        processes = [
            context.Process(
                target=desk,
                args=(number, args.database, key_ids[number - 1 :: DESKS], [each.id for each in encoders], results, go),
            )
            for number in range(1, DESKS + 1)
        ]
        for process in processes:
            process.start()
        ready = [results.get(timeout=300) for _ in processes]
        assert ready == ["ready"] * DESKS
        started = time.perf_counter()  # every desk has started and connected: time the encoding only
        go.set()
        collected = [results.get(timeout=1800) for _ in processes]
        elapsed = time.perf_counter() - started
        for process in processes:
            process.join()
    holdings = [holding for each, _failures in collected for holding in each]
    failures = sum(failures for _holdings, failures in collected)
    encoder_holdings = [holding for holding in holdings if holding.what.startswith("encoder")]
    with database.unit_of_work() as session:
        audit = [entry for entry in AuditRepository(session).entries() if entry.administration == administration.pms_id]
    database.dispose()
    cards = sum(1 for entry in audit if entry.state is AuditState.OK)
    print(f"desks: {DESKS}, encoders: {len(ENCODERS)}, cards asked: {DESKS * args.cards}, failures: {failures}")
    print(f"cards made: {cards} in {elapsed:.1f} s = {cards / elapsed:.1f} cards/s")
    print(f"longest wait for an encoder: {max(h.got - h.asked for h in encoder_holdings):.3f} s")
    print(f"longest wait for the SALTO link: {max(h.got - h.asked for h in holdings if h.what == 'SALTO link'):.3f} s")
    print(f"overlaps on an encoder: {overlaps(encoder_holdings)} (must be 0)")
    print(f"overlaps on the SALTO link: {overlaps([h for h in holdings if h.what == 'SALTO link'])} (must be 0)")
    print(f"audit rows: {len(audit)}, not ok: {sum(1 for entry in audit if entry.state is not AuditState.OK)}")
    return 0 if failures == 0 and overlaps(holdings) == 0 and cards == DESKS * args.cards else 1


if __name__ == "__main__":
    sys.exit(main())
