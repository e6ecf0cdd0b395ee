"""The built-in demo behind ``salto-desk --demo``: a simulated SALTO per site, the demo PMS, a throw-away desk.

Everything runs in this process on free loopback ports: one ProAccess Space simulator for each demo
administration (its rooms are the administration's objects, so every booking can be encoded), the
demo BEX PMS, and a desk database in a temporary folder that ``close`` removes. The configuration a
manager would enter first (administrations, authorization names, key types, products, encoders) is
preloaded, so a newcomer can print a key card in three clicks. The demo API key only lives in a
session secret store: the user's real keyring is never read or written.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.demo.store import DEFAULT_RESERVATIONS, DemoStore
from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    AuthorizationName,
    EncoderSettings,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.simulator.config import DEFAULT_ENCODERS
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database, open_database
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository

DEMO_CARD_DELAY = 3.0
"""Seconds before the simulated receptionist places a card: long enough to read the prompt."""
DEMO_ACTIVITY_INTERVAL = 30.0
"""Seconds between the demo PMS's moves (check-ins, cancellations...), so later syncs show changes."""


@dataclass(frozen=True)
class DemoSiteProfile:
    """What a manager would configure for one demo administration."""

    authorizations: tuple[AuthorizationName, ...]
    guest_key: KeyTypeSettings
    owner_key: KeyTypeSettings | None
    product_name: str
    encoders: tuple[str, ...]  # names, one per simulator encoder, in the order of DEFAULT_ENCODERS


def _names(*names: str) -> tuple[AuthorizationName, ...]:
    return tuple(AuthorizationName(number, name) for number, name in enumerate(names, start=1))


def _profile(pms_id: str, administration_id: int) -> DemoSiteProfile:
    """The park (BEX id "1") gets gates, pool and sauna; the hotel (every other id) doors and a garage."""
    if pms_id == "1":
        return DemoSiteProfile(
            authorizations=_names("Main gate", "Swimming pool", "Sauna", "Laundry", "Car barrier", "Playground"),
            guest_key=KeyTypeSettings(
                administration_id=administration_id,
                name="Guest key",
                description="Your accommodation, the main gate, the pool and the laundry.",
                print_info=("Welcome to De Wielewaal", "Check-out by 10:00"),
                granted=(1, 2, 4, 5),
            ),
            owner_key=KeyTypeSettings(
                administration_id=administration_id,
                name="Owner key",
                description="The owner's own accommodation and every shared facility.",
                print_info=("Owner", "De Wielewaal"),
                granted=(1, 2, 3, 4, 5, 6),
            ),
            product_name="Every stay",
            encoders=("Reception", "Back office"),
        )
    return DemoSiteProfile(
        authorizations=_names("Front door", "Parking garage", "Fitness", "Breakfast room"),
        guest_key=KeyTypeSettings(
            administration_id=administration_id,
            name="Room key",
            description="Your room, the front door and the fitness room.",
            print_info=("Welcome!", "Breakfast 7:00-10:30"),
            granted=(1, 3, 4),
        ),
        owner_key=None,
        product_name="Every stay",
        encoders=("Front desk", "Night desk"),
    )


def site_rooms(store: DemoStore, administration_pms_id: str) -> tuple[str, ...]:
    """The SALTO rooms of a demo site: the names of its objects (the demo sets no other door names)."""
    names = (record.attributes.get("name") for record in store.all("inventory_object", administration_pms_id))
    return tuple(sorted({name for name in names if isinstance(name, str) and name}))


def preload_configuration(
    database: Database, store: DemoStore, endpoints: Mapping[str, str], pms_base_url: str
) -> list[Administration]:
    """Store what a manager and installer would set up for each demo administration; returns them."""
    administrations: list[Administration] = []
    with database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, pms_base_url)
        config = ConfigRepository(session)
        for record in store.all("administration"):
            name = record.attributes.get("name")
            administration = config.add_administration(
                AdministrationSettings(
                    pms_id=record.id,
                    name=name if isinstance(name, str) else f"Administration {record.id}",
                    salto_endpoint=endpoints[record.id],
                    default_operator="Demo",
                )
            )
            profile = _profile(record.id, administration.id)
            config.replace_authorization_names(administration.id, profile.authorizations)
            key_type = config.add_key_type(profile.guest_key)
            config.add_product(ProductSettings(key_type_id=key_type.id, name=profile.product_name))
            if profile.owner_key is not None:
                config.add_key_type(profile.owner_key)
            for external_id, encoder_name in zip(DEFAULT_ENCODERS, profile.encoders, strict=True):
                config.add_encoder(
                    EncoderSettings(administration_id=administration.id, name=encoder_name, external_id=external_id)
                )
            administrations.append(administration)
    return administrations


class SessionSecrets(SecretStore):
    """Secrets that live in this process only: the demo never touches the user's keyring."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._values = dict(values or {})

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        if not value.strip():
            super().set(name, value)  # the same "empty secret" error as the keyring store
        self._values[name] = value.strip()

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


class Demo:
    """The running demo; use as a context manager, or ``start()`` and ``close()``.

    ``activity_interval`` (seconds, None = never) makes the demo PMS change bookings now and then.
    """

    def __init__(
        self,
        *,
        card_delay: float = DEMO_CARD_DELAY,
        reservations: int = DEFAULT_RESERVATIONS,
        seed: int = 1,
        today: date | None = None,
        activity_interval: float | None = DEMO_ACTIVITY_INTERVAL,
    ) -> None:
        self.card_delay = card_delay
        self.activity_interval = activity_interval
        self.pms = DemoPmsServer(seed=seed, today=today, reservations=reservations)
        self.secrets = SessionSecrets({PMS_API_KEY: DEMO_API_KEY})
        self.simulators: dict[str, Simulator] = {}
        self.administrations: list[Administration] = []
        self._data_dir: Path | None = None
        self._database: Database | None = None

    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            raise RuntimeError("the demo is not running")
        return self._data_dir

    @property
    def database(self) -> Database:
        if self._database is None:
            raise RuntimeError("the demo is not running")
        return self._database

    def start(self) -> Demo:
        """Start the PMS and one simulator per administration, create the desk and preload its set-up."""
        try:
            self.pms.start()
            for record in self.pms.store.all("administration"):
                config = SimulatorConfig(card_delay=self.card_delay, rooms=site_rooms(self.pms.store, record.id))
                self.simulators[record.id] = Simulator(config).start()
            self._data_dir = Path(tempfile.mkdtemp(prefix="salto-desk-demo-"))
            self._database = open_database(data_dir=self._data_dir)
            endpoints = {pms_id: simulator.endpoint for pms_id, simulator in self.simulators.items()}
            self.administrations = preload_configuration(self._database, self.pms.store, endpoints, self.pms.base_url)
            if self.activity_interval is not None:
                self.pms.start_activity(self.activity_interval)
        except BaseException:
            self.close()
            raise
        return self

    def pms_client(self) -> BexClient:
        """A BEX client for the demo PMS with the session's API key."""
        return BexClient(self.secrets.get(PMS_API_KEY) or "", PmsSettings(base_url=self.pms.base_url))

    def close(self) -> None:
        """Stop everything and remove the temporary data folder; safe to call more than once."""
        self.pms.close()
        for simulator in self.simulators.values():
            simulator.stop()
        self.simulators.clear()
        if self._database is not None:
            self._database.dispose()
            self._database = None
        if self._data_dir is not None:
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(self._data_dir)
            self._data_dir = None

    def __enter__(self) -> Demo:
        return self.start()

    def __exit__(
        self, _type: type[BaseException] | None, _error: BaseException | None, _traceback: TracebackType | None
    ) -> None:
        self.close()
