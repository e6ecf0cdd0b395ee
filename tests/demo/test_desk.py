"""The built-in demo: simulators and demo PMS on loopback, a preloaded desk, nothing left behind."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from salto_desk.demo.desk import Demo, SessionSecrets, site_rooms
from salto_desk.demo.server import DEMO_API_KEY
from salto_desk.errors import SaltoDeskError
from salto_desk.operations.salto_operations import salto_client_for
from salto_desk.secrets import PMS_API_KEY, SERVICE_NAME
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    with Demo(card_delay=0.0, reservations=120, activity_interval=None) as running:
        yield running


def test_every_demo_administration_is_configured_against_its_own_simulator(demo: Demo) -> None:
    store = demo.pms.store
    with demo.database.unit_of_work() as session:
        config = ConfigRepository(session)
        administrations = config.administrations()
        assert sorted(each.pms_id for each in administrations) == sorted(
            record.id for record in store.all("administration")
        )
        for administration in administrations:
            simulator = demo.simulators[administration.pms_id]
            assert administration.salto_endpoint == simulator.endpoint
            assert config.authorization_names(administration.id)
            key_types = config.key_types(administration.id)
            assert key_types and all(key_type.granted for key_type in key_types)
            assert config.products_of_administration(administration.id)
            encoders = config.encoders(administration.id)
            assert {encoder.external_id for encoder in encoders} == set(simulator.config.encoders)
        assert SettingsRepository(session).get(PMS_BASE_URL) == demo.pms.base_url


def test_the_simulators_know_every_object_of_their_site(demo: Demo) -> None:
    for pms_id, simulator in demo.simulators.items():
        rooms = site_rooms(demo.pms.store, pms_id)
        assert rooms and set(rooms) <= set(simulator.config.rooms)
        assert simulator.config.card_delay == 0.0


def test_the_simulators_answer_and_the_pms_accepts_the_session_key(demo: Demo) -> None:
    for administration in demo.administrations:
        with salto_client_for(administration) as client:
            assert client.ping() >= 0
    with demo.pms_client() as client:
        assert {each.id for each in client.administrations().records} == set(demo.simulators)


def test_the_demo_key_stays_in_the_session_and_never_reaches_the_keyring(demo: Demo) -> None:
    assert demo.secrets.get(PMS_API_KEY) == DEMO_API_KEY
    assert keyring.get_password(SERVICE_NAME, PMS_API_KEY) is None


def test_session_secrets_refuse_an_empty_value_like_the_keyring_store() -> None:
    secrets = SessionSecrets()
    with pytest.raises(SaltoDeskError):
        secrets.set(PMS_API_KEY, "  ")
    secrets.set(PMS_API_KEY, " abc ")
    assert secrets.get(PMS_API_KEY) == "abc"
    secrets.delete(PMS_API_KEY)
    assert secrets.get(PMS_API_KEY) is None


def test_close_stops_everything_and_removes_the_data_folder() -> None:
    demo = Demo(card_delay=0.0, reservations=10, activity_interval=None).start()
    folder = demo.data_dir
    endpoint = next(iter(demo.simulators.values())).endpoint
    assert (folder / "salto-desk.sqlite3").exists()
    demo.close()
    assert not folder.exists()
    assert demo.simulators == {}
    with pytest.raises(RuntimeError):
        _ = demo.database
    administration = demo.administrations[0]
    assert administration.salto_endpoint == endpoint
    with pytest.raises(SaltoDeskError), salto_client_for(administration) as client:
        client.ping()
    demo.close()  # a second close is harmless
