"""The manager PIN as the window uses it: whether one is set, unlocking, setting, changing, removing.

The hash never leaves the core: the window asks yes/no questions and hands over what was typed.
"""

from __future__ import annotations

from salto_desk.errors import Text, ValidationError
from salto_desk.pin import check_pin, hash_pin, require_pin
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository


class ManagerPin:
    """The desk-wide manager PIN of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def is_set(self) -> bool:
        return self._stored() is not None

    def unlock(self, entered: str) -> None:
        """Nothing when the PIN is right or none is set; ``WrongPin`` otherwise."""
        stored = self._stored()
        if stored is not None:
            require_pin(entered, stored)

    def set(self, new: str, repeat: str, current: str = "") -> None:
        """Set a PIN, or change it (``current`` must then be the PIN set now)."""
        check_pin(new)
        if new.strip() != repeat.strip():
            raise ValidationError(
                "repeat",
                Text("The two new PINs differ.", "De twee nieuwe pincodes verschillen."),
                Text("Type the same PIN twice.", "Typ twee keer dezelfde pincode."),
            )
        self.unlock(current)
        digest = hash_pin(new)
        with self.database.unit_of_work() as session:
            SettingsRepository(session).set(MANAGER_PIN, digest)

    def remove(self, current: str) -> None:
        """Remove the PIN; needs the PIN set now."""
        self.unlock(current)
        with self.database.unit_of_work() as session:
            SettingsRepository(session).set(MANAGER_PIN, None)

    def _stored(self) -> str | None:
        with self.database.reading() as session:
            return SettingsRepository(session).get(MANAGER_PIN)
