"""Shared by the application-layer tests: key data that blocks a delete, and counting what a use case sends
to the database (a few statements, never one per row; in the window never from the GUI thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event

from salto_desk.keys.model import Administration, KeyData, KeyType
from salto_desk.storage import Database, KeyRepository
from tests.storage.helpers import NOW, key_draft


@dataclass(frozen=True)
class Statement:
    sql: str
    on_main_thread: bool


@contextmanager
def statements(database: Database) -> Iterator[list[Statement]]:
    """Every SQL statement sent meanwhile, with whether the main (GUI) thread sent it."""
    sent: list[Statement] = []

    def record(_connection: object, _cursor: object, sql: str, *_args: object) -> None:
        sent.append(Statement(sql, threading.current_thread() is threading.main_thread()))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def add_key(database: Database, administration: Administration, key_type: KeyType) -> KeyData:
    """Key data of the key type: what keeps a key type or administration from being deleted."""
    with database.unit_of_work() as session:
        return KeyRepository(session).add(key_draft(administration, key_type), NOW)
