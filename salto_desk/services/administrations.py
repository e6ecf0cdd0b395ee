"""The administrations as the settings window edits them: the chooser's list, one form, save, delete.

The settings and the authorization names of an administration travel together: one read fills the
page, one unit of work stores both (a refused name leaves the settings unchanged too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from salto_desk.keys.model import Administration, AdministrationSettings, AuthorizationName
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database


@dataclass(frozen=True)
class AdministrationForm:
    """What the administration page shows: the stored settings and the named authorizations."""

    administration: Administration
    names: tuple[AuthorizationName, ...]


class Administrations:
    """Administrations of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def all(self) -> list[Administration]:
        """Every administration, by name."""
        with self.database.reading() as session:
            return ConfigRepository(session).administrations()

    def form(self, administration_id: int) -> AdministrationForm:
        with self.database.reading() as session:
            config = ConfigRepository(session)
            return AdministrationForm(
                config.administration(administration_id), config.authorization_names(administration_id)
            )

    def save(
        self, administration_id: int | None, settings: AdministrationSettings, names: Sequence[AuthorizationName]
    ) -> AdministrationForm:
        """Add (``administration_id`` None) or change an administration with its authorization names; both or
        neither are stored."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            if administration_id is None:
                stored = config.add_administration(settings)
            else:
                stored = config.update_administration(administration_id, settings)
            return AdministrationForm(stored, config.replace_authorization_names(stored.id, names))

    @staticmethod
    @cache
    def time_zones() -> tuple[str, ...]:
        """The IANA zones this computer knows, sorted; read once (it opens some 600 files)."""
        return tuple(sorted(available_timezones()))

    def delete(self, administration_id: int) -> None:
        """Remove an administration with its key types, products, encoders and door names (refused while
        key data uses it)."""
        with self.database.unit_of_work() as session:
            ConfigRepository(session).delete_administration(administration_id)
