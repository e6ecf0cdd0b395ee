"""The BEX client this desk is set up with: the shared address, the API key from this computer's keyring."""

from __future__ import annotations

import pytest

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.pms.settings import DEFAULT_BASE_URL
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.storage import Database, SettingsRepository
from salto_desk.storage.settings_repository import PMS_BASE_URL
from salto_desk.sync.connection import PmsNotConfigured, pms_client_from_settings, stored_base_url
from tests.storage.helpers import database as database


def test_the_client_takes_the_stored_address_and_the_key_from_the_keyring(
    database: Database, demo: DemoPmsServer
) -> None:
    with pytest.raises(PmsNotConfigured) as missing:
        pms_client_from_settings(database)
    assert "No BEX API key" in missing.value.user_message("en") and missing.value.action is not None
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    with pms_client_from_settings(database) as client:
        assert client.settings.base_url == DEFAULT_BASE_URL and stored_base_url(database) is None
    with database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, demo.base_url)
    assert stored_base_url(database) == demo.base_url
    with pms_client_from_settings(database) as client:
        assert [each.id for each in client.administrations().records] == ["1", "2"]
