"""Persistence: SQLAlchemy models, migrations and repositories that return plain dataclasses."""

from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database, default_url, open_database
from salto_desk.storage.errors import ConcurrentChangeError, DatabaseError, InUseError, NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.outbox_repository import OutboxAction, OutboxEntry, OutboxRepository, OutboxRequest
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import (
    CachedObject,
    CachedOwner,
    CachedReservation,
    FilterChoices,
    Period,
    ReservationQuery,
    SyncStatus,
)
from salto_desk.storage.settings_repository import SettingsRepository
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from salto_desk.storage.sync_key_repository import SyncedKey, SyncKeyRepository

__all__ = [
    "AuditRepository",
    "CachedObject",
    "CachedOwner",
    "CachedReservation",
    "ConcurrentChangeError",
    "ConfigRepository",
    "Database",
    "DatabaseError",
    "FilterChoices",
    "InUseError",
    "KeyRepository",
    "NotFoundError",
    "OutboxAction",
    "OutboxEntry",
    "OutboxRepository",
    "OutboxRequest",
    "Period",
    "PmsReader",
    "PmsStore",
    "ReservationQuery",
    "SettingsRepository",
    "SyncBookkeeping",
    "SyncKeyRepository",
    "SyncStatus",
    "SyncedKey",
    "default_url",
    "open_database",
]
