"""The sync against the demo PMS and the SALTO simulator: one world (desk, BEX, SALTO, clock) per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from salto_desk.demo.records import DemoRecord
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.keys.model import (
    Administration,
    AuthorizationName,
    HolderKind,
    KeyData,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.operations.salto_operations import salto_client_for
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings, RetryPolicy
from salto_desk.protocol.client import SaltoClient
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import (
    ConfigRepository,
    Database,
    KeyRepository,
    OutboxEntry,
    OutboxRepository,
)
from salto_desk.sync import PullOptions, SyncEngine, SyncSummary
from tests.demo.conftest import clock as clock
from tests.demo.conftest import demo as demo
from tests.operations.helpers import salto_operations
from tests.storage.helpers import add_administration, add_encoder
from tests.storage.helpers import database as database

TODAY = date(2030, 7, 1)
HOTEL, PARK = "2", "1"


RESERVATIONS = 600


FIRST_PULL_FROM = TODAY - timedelta(days=PullOptions().first_pull_days)


class Clock:
    """One time for the demo PMS, the BEX client, the key service and the sync; tests move it."""

    def __init__(self) -> None:
        self.now = datetime.combine(TODAY, time(9, 0), UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class World:
    database: Database
    pms: DemoPmsServer
    simulator: Simulator
    clock: Clock
    hotel: Administration
    key_type_id: int
    salto_down: list[bool]
    engine: SyncEngine

    def sync(self) -> SyncSummary:
        return self.engine.run_once()

    def product(self, **settings: object) -> None:
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            for product in config.products(self.key_type_id):
                config.delete_product(product.id)
            values: dict[str, object] = {"key_type_id": self.key_type_id, "name": "Every stay"}
            values.update(settings)
            config.add_product(ProductSettings(**values))  # type: ignore[arg-type]

    def key_data(self, reservation_id: str | None = None) -> list[KeyData]:
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            if reservation_id is None:
                return keys.keys(self.hotel.id)
            return keys.for_holder(self.hotel.id, HolderKind.RESERVATION, reservation_id)

    def key(self, reservation_id: str) -> KeyData:
        found = self.key_data(reservation_id)
        assert len(found) == 1, found
        return found[0]

    def stretch(self, count: int, *, days: int = 1) -> list[DemoRecord]:
        """Upcoming reservations that BEX gave one more night (those whose unit was free for it)."""
        stretched: list[DemoRecord] = []
        for record in self.upcoming(None, days=days):
            start = date.fromisoformat(str(record.attributes["start_date"]))
            end = date.fromisoformat(str(record.attributes["end_date"]))
            try:
                self.pms.store.move(record.id, start, end + timedelta(days=1))
            except ValueError:
                continue
            stretched.append(record)
            if len(stretched) == count:
                return stretched
        raise AssertionError("no free unit to stretch a stay into")

    def outbox(self) -> list[OutboxEntry]:
        with self.database.unit_of_work() as session:
            return OutboxRepository(session).entries()

    def upcoming(self, count: int | None = 1, *, days: int = 1, phone: bool = True) -> list[DemoRecord]:
        """``count`` (None: all) hotel reservations confirmed, arriving after ``days``, with a unit and an E.164
        phone (or none)."""
        found = []
        for record in self.pms.store.all("reservation", HOTEL):
            attributes = record.attributes
            booking = self.pms.store.get(*record.refs("booking")[0])
            assert booking is not None
            customer = self.pms.store.get(*booking.refs("customer")[0])
            phone_number = customer.attributes.get("phone") if customer else None
            if (
                attributes["state"] == "confirmed"
                and date.fromisoformat(str(attributes["start_date"])) >= TODAY + timedelta(days=days)
                and record.refs("inventory_object")
                and (
                    str(phone_number or "").startswith("+") and " " not in str(phone_number)
                    if phone
                    else not phone_number
                )
            ):
                found.append(record)
        assert len(found) >= (count or 1)
        return found[:count]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    clock = Clock()
    with DemoPmsServer(today=TODAY, reservations=RESERVATIONS, now=clock) as pms:
        rooms = tuple(str(unit.attributes["name"]) for unit in pms.store.all("inventory_object", HOTEL))
        with Simulator(SimulatorConfig(card_delay=0.0, rooms=rooms)) as simulator:
            hotel = add_administration(database, pms_id=HOTEL, name="Hotel", salto_endpoint=simulator.endpoint,
                                       reply_timeout=10)  # fmt: skip
            add_encoder(database, hotel, "Front desk", "1")
            with database.unit_of_work() as session:
                config = ConfigRepository(session)
                config.replace_authorization_names(hotel.id, [AuthorizationName(1, "Main door")])
                key_type = config.add_key_type(
                    KeyTypeSettings(administration_id=hotel.id, name="Guest", granted=(1,), print_info=("Welcome",))
                )
                config.add_product(ProductSettings(key_type_id=key_type.id, name="Every stay"))
            salto_down = [False]

            def client_for(administration: Administration) -> SaltoClient:
                if salto_down[0]:
                    return salto_client_for(replace(administration, salto_endpoint="127.0.0.1:1"))
                return salto_client_for(administration)

            service = salto_operations(database, client_for, clock=clock)

            def bex() -> BexClient:
                settings = PmsSettings(base_url=pms.base_url, retry=RetryPolicy(attempts=1))
                return BexClient(DEMO_API_KEY, settings, now=clock, sleep=lambda _seconds: None)

            engine = SyncEngine(database, bex, lambda _administration: service, clock=clock)
            yield World(database, pms, simulator, clock, hotel, key_type.id, salto_down, engine)


def later(world: World) -> None:
    """Time passes between two syncs (BEX's updated_at moves on with it)."""
    world.clock.advance(timedelta(minutes=5))


def engine_with(world: World, client: Callable[[], BexClient], **options: object) -> SyncEngine:
    return SyncEngine(
        world.database,
        client,
        world.engine.operations_for,
        clock=world.clock,
        options=PullOptions(**options),  # type: ignore[arg-type]
    )


def hotel_keys_expected(world: World) -> set[str]:
    """The hotel reservations a complete sync makes key data for (confirmed, with a unit, not over)."""
    return {
        record.id
        for record in world.pms.store.all("reservation", HOTEL)
        if record.attributes["state"] == "confirmed"
        and record.refs("inventory_object")
        and not record.attributes["checked_out_on"]
        and date.fromisoformat(str(record.attributes["end_date"])) >= TODAY
    }


def in_window(world: World, administration: str | None = None) -> set[str]:
    """The reservations the first pull reads: departing from ``first_pull_days`` ago on."""
    return {
        record.id
        for record in world.pms.store.all("reservation", administration)
        if date.fromisoformat(str(record.attributes["end_date"])) >= FIRST_PULL_FROM
    }


def hotel_customer(world: World, record: DemoRecord) -> DemoRecord:
    booking = world.pms.store.get(*record.refs("booking")[0])
    assert booking is not None
    customer = world.pms.store.get(*booking.refs("customer")[0])
    assert customer is not None
    return customer
