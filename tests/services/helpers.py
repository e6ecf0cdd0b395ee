"""Counting what the application layer sends to the database: a use case costs a few statements, never one
per row, and (in the window) never runs on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event

from salto_desk.storage import Database


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
