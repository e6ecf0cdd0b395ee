"""The BEX connection as the settings window edits it: the address (shared by every desk, in the database)
and the API key (this computer's keyring only).

The key never travels back to the window: the window learns whether one is stored and, for a key long
enough to spare them, its last few characters, so a manager can tell which key is in use.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import DEFAULT_BASE_URL, PmsSettings, RetryPolicy
from salto_desk.secrets import PMS_API_KEY, InsecureKeyringError, SecretStore
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository

LISTED_IN_MESSAGE = 5
"""How many of the administrations BEX lists an "unknown id" message names."""
SHOWN_KEY_END = 4
"""How many last characters of a stored key the window shows; only for keys at least three times longer."""


class MissingApiKey(SaltoDeskError):
    def __init__(self) -> None:
        super().__init__(
            Text("No BEX API key is stored or entered.", "Er is geen BEX-API-sleutel opgeslagen of ingevuld."),
            Text(
                "Paste the key from the app's page in BEX into the API key field.",
                "Plak de sleutel van de app-pagina in BEX in het veld API-sleutel.",
            ),
        )


@dataclass(frozen=True)
class PmsConnectionState:
    """What the PMS connection page shows."""

    base_url: str
    """The stored BEX address; "" when the default is used."""
    key_stored: bool = False
    key_ending: str = ""
    """The stored key's last characters when it is long enough to show them, else ""."""
    keyring_problem: SaltoDeskError | None = None
    """Why the keyring could not be read (then nothing is known about the key)."""
    keyring_usable: bool = True
    """False when this computer has no secure keyring at all, so no key can be stored."""


@dataclass(frozen=True)
class AdministrationCheck:
    """What BEX says of an administration id typed on the administration page.

    ``known`` is None when it could not be asked (no key, BEX unreachable...): then ``said`` says why, and the
    id is not refused for it."""

    pms_id: str
    known: bool | None
    said: Text


def _listed(records: list[tuple[str, str | None]]) -> str:
    shown = [f"{pms_id} ({name})" if name else pms_id for pms_id, name in records[:LISTED_IN_MESSAGE]]
    return ", ".join(shown) + (", ..." if len(records) > LISTED_IN_MESSAGE else "")


def _settings(base_url: str) -> PmsSettings:
    """The connection settings for an address as typed (empty: the default); refuses a bad address."""
    return PmsSettings(base_url=base_url.strip() or DEFAULT_BASE_URL)


class PmsConnection:
    """The BEX address of one database and the API key of this computer's keyring."""

    def __init__(self, database: Database, secrets: SecretStore) -> None:
        self.database = database
        self.secrets = secrets

    def state(self) -> PmsConnectionState:
        with self.database.reading() as session:
            base_url = SettingsRepository(session).get(PMS_BASE_URL) or ""
        try:
            stored = self.secrets.get(PMS_API_KEY)
        except InsecureKeyringError as error:
            return PmsConnectionState(base_url, keyring_problem=error, keyring_usable=False)
        except SaltoDeskError as error:
            return PmsConnectionState(base_url, keyring_problem=error)
        if stored is None:
            return PmsConnectionState(base_url)
        ending = stored[-SHOWN_KEY_END:] if len(stored) >= 3 * SHOWN_KEY_END else ""
        return PmsConnectionState(base_url, key_stored=True, key_ending=ending)

    def save(self, base_url: str, api_key: str = "") -> None:
        """Store the address (empty: the default) and, when one is given, a new API key in the keyring.
        Both are checked before anything is stored."""
        settings = _settings(base_url)
        key = api_key.strip()
        if key:
            BexClient(key, settings).close()  # refuses a key no API key can look like
        with self.database.unit_of_work() as session:
            SettingsRepository(session).set(PMS_BASE_URL, base_url.strip() or None)
        if key:
            self.secrets.set(PMS_API_KEY, key)

    def remove_key(self) -> None:
        self.secrets.delete(PMS_API_KEY)

    def check(self, base_url: str, api_key: str = "") -> list[str]:
        """Ask BEX at the address as typed for the administrations the key sees (the stored key when none is
        typed); their names. Nothing is stored."""
        settings = _settings(base_url)
        key = api_key.strip() or self.secrets.get(PMS_API_KEY)
        if not key:
            raise MissingApiKey()
        with BexClient(key, settings) as client:
            pulled = client.administrations()
        return [each.name or each.id for each in pulled.records]

    def check_administration(self, pms_id: str) -> AdministrationCheck:
        """Whether BEX lists ``pms_id`` among the administrations the stored key sees; a BEX that cannot be
        asked makes the answer "unknown", never a refusal."""
        wanted = pms_id.strip()
        try:
            key = self.secrets.get(PMS_API_KEY)
            if not key:
                raise MissingApiKey()
            with self.database.reading() as session:
                base_url = SettingsRepository(session).get(PMS_BASE_URL) or ""
            once = replace(_settings(base_url), retry=RetryPolicy(attempts=1))  # asked while typing: no waiting
            with BexClient(key, once) as client:
                records = [(each.id, each.name) for each in client.administrations().records]
        except SaltoDeskError as error:
            return AdministrationCheck(
                wanted,
                None,
                Text(
                    f"Could not check this id with BEX: {error.message.en}",
                    f"Dit id kon niet bij BEX worden gecontroleerd: {error.message.nl}",
                ),
            )
        names = dict(records)
        if wanted in names:
            name = names[wanted] or wanted
            return AdministrationCheck(wanted, True, Text(f"BEX knows this administration: {name}.",
                                                          f"BEX kent deze administratie: {name}."))  # fmt: skip
        listed = _listed(records)
        return AdministrationCheck(
            wanted,
            False,
            Text(
                f"BEX does not know the administration id {wanted!r} for this API key. It lists: {listed or 'none'}.",
                f"BEX kent het administratie-id {wanted!r} niet voor deze API-sleutel. BEX toont: {listed or 'geen'}.",
            ),
        )
