"""Persistence: SQLAlchemy models, migrations and repositories that return plain dataclasses."""

from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database, default_url, open_database
from salto_desk.storage.errors import ConcurrentChangeError, DatabaseError, InUseError, NotFoundError
from salto_desk.storage.key_repository import KeyRepository

__all__ = [
    "AuditRepository",
    "ConcurrentChangeError",
    "ConfigRepository",
    "Database",
    "DatabaseError",
    "InUseError",
    "KeyRepository",
    "NotFoundError",
    "default_url",
    "open_database",
]
