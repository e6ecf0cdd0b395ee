"""Desk-wide settings every desk shares through the database (never secrets: those are in the keyring)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from salto_desk.errors import Text, ValidationError
from salto_desk.storage.orm import SETTING_NAME_LENGTH, SettingRow

PMS_BASE_URL = "pms.base_url"
"""The BEX API address; when unset, ``salto_desk.pms.client.DEFAULT_BASE_URL``."""
MANAGER_PIN = "manager_pin"
"""The salted hash of the manager PIN (written by ``salto_desk.pin``)."""


class SettingsRepository:
    """Named text settings within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> str | None:
        row = self.session.get(SettingRow, _checked(name))
        return None if row is None else row.value

    def set(self, name: str, value: str | None) -> None:
        """Store ``value`` under ``name``; None removes the setting (back to its default)."""
        name = _checked(name)
        if value is None:
            self.session.execute(delete(SettingRow).where(SettingRow.name == name))
            return
        row = self.session.get(SettingRow, name)
        if row is None:
            self.session.add(SettingRow(name=name, value=value))
        else:
            row.value = value
        self.session.flush()


def _checked(name: str) -> str:
    if not name or len(name) > SETTING_NAME_LENGTH:
        raise ValidationError(
            "name",
            Text(
                f"A setting name must have 1 to {SETTING_NAME_LENGTH} characters, not {len(name)}.",
                f"Een instellingsnaam moet 1 tot {SETTING_NAME_LENGTH} tekens hebben, niet {len(name)}.",
            ),
        )
    return name
