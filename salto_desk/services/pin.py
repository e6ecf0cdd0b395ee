"""The manager PIN as the window uses it: whether one is set, unlocking, setting, changing, removing, and
after how many idle minutes the settings lock again.

The hash never leaves the core: the window asks yes/no questions and hands over what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from salto_desk.errors import Text, ValidationError
from salto_desk.pin import check_pin, hash_pin, require_pin
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository

IDLE_MINUTES = "manager_pin.idle_minutes"
"""After how many minutes without a key or mouse event in Settings they lock again (every desk)."""
DEFAULT_IDLE_MINUTES = 5
IDLE_MINUTES_RANGE = (1, 60)


@dataclass(frozen=True)
class PinState:
    """What the settings tab needs to know to lock: whether a PIN is set, and the idle time that locks."""

    is_set: bool
    idle_minutes: int = DEFAULT_IDLE_MINUTES


def check_idle_minutes(minutes: int) -> int:
    low, high = IDLE_MINUTES_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise ValidationError(
            "idle_minutes",
            Text(
                f"The settings lock after {low} to {high} idle minutes, not {minutes!r}.",
                f"De instellingen vergrendelen na {low} tot {high} minuten zonder gebruik, niet {minutes!r}.",
            ),
            Text(f"Choose a number of minutes from {low} to {high}.", f"Kies een aantal minuten van {low} tot {high}."),
        )
    return minutes


def _stored_minutes(value: str | None) -> int:
    """The stored idle time; the default when none (or something unreadable) is stored."""
    try:
        return check_idle_minutes(int(value)) if value is not None else DEFAULT_IDLE_MINUTES
    except (ValueError, ValidationError):
        return DEFAULT_IDLE_MINUTES


class ManagerPin:
    """The desk-wide manager PIN of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def is_set(self) -> bool:
        return self._stored() is not None

    def state(self) -> PinState:
        with self.database.reading() as session:
            settings = SettingsRepository(session)
            return PinState(settings.get(MANAGER_PIN) is not None, _stored_minutes(settings.get(IDLE_MINUTES)))

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

    def set_idle_minutes(self, minutes: int) -> int:
        """After how many idle minutes the settings lock again, on every desk."""
        valid = check_idle_minutes(minutes)
        with self.database.unit_of_work() as session:
            SettingsRepository(session).set(IDLE_MINUTES, None if valid == DEFAULT_IDLE_MINUTES else str(valid))
        return valid

    def _stored(self) -> str | None:
        with self.database.reading() as session:
            return SettingsRepository(session).get(MANAGER_PIN)
