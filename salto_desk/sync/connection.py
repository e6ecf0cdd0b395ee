"""The BEX client of this desk: the address from the shared settings, the API key from this computer's keyring."""

from __future__ import annotations

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import DEFAULT_BASE_URL, PmsSettings
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository


class PmsNotConfigured(SaltoDeskError):
    """No BEX API key is stored on this computer."""


def stored_base_url(database: Database) -> str | None:
    """The BEX address every desk uses (``pms set-url`` or the settings window), None when left at the default."""
    with database.unit_of_work() as session:
        return SettingsRepository(session).get(PMS_BASE_URL)


def pms_client_from_settings(database: Database, secrets: SecretStore | None = None) -> BexClient:
    """A BEX client with the base URL from the desk settings and the API key from this computer's keyring."""
    base_url = stored_base_url(database) or DEFAULT_BASE_URL
    api_key = (secrets or SecretStore()).get(PMS_API_KEY)
    if not api_key:
        raise PmsNotConfigured(
            Text(
                "No BEX API key is stored on this computer.",
                "Er is op deze computer geen BEX-API-sleutel opgeslagen.",
            ),
            Text(
                "Enter the API key of the Salto Desk app in BEX in the settings (PMS); it is kept in the "
                "system keyring.",
                "Vul de API-sleutel van de Salto Desk-app in BEX in bij de instellingen (PMS); die wordt in de "
                "sleutelbos van het systeem bewaard.",
            ),
        )
    return BexClient(api_key, PmsSettings(base_url=base_url))
