"""Database faults: the connection dropped mid-transaction (PostgreSQL restarted) and a full SQLite disk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from salto_desk.keys.model import AuditAction, AuditDraft, AuditState
from salto_desk.keys.rules import EncodeMode
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.storage import AuditRepository, Database, DatabaseError, KeyRepository
from tests.faults.conftest import Desk, assert_settled
from tests.storage.helpers import NOW, add_key_type, drop_every_other_connection, key_draft


@pytest.fixture
def postgres_desk(desk: Desk) -> Desk:
    if desk.database.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL server case")
    return desk


def test_a_transaction_cut_off_by_a_restart_writes_nothing_and_the_next_one_works(postgres_desk: Desk) -> None:
    desk = postgres_desk
    key_type = add_key_type(desk.database, desk.administration)
    with pytest.raises(DatabaseError) as caught, desk.database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(desk.administration, key_type), NOW)
        session.flush()
        drop_every_other_connection(Database(str(desk.database.url.render_as_string(hide_password=False))))
        KeyRepository(session).add(key_draft(desk.administration, key_type), NOW)
    assert "cannot be used" in caught.value.user_message("en")
    assert "database server runs" in caught.value.user_message("en")
    with desk.database.unit_of_work() as session:
        assert KeyRepository(session).keys(desk.administration.id) == []  # all or nothing
        KeyRepository(session).add(key_draft(desk.administration, key_type), NOW)
    with desk.database.unit_of_work() as session:
        assert len(KeyRepository(session).keys(desk.administration.id)) == 1


def test_a_restart_while_the_card_is_written_does_not_lose_the_card(postgres_desk: Desk) -> None:
    """Pooled connections are checked before use (storage/liveness.py), so a server restart between the pending
    audit row and the card's outcome costs a reconnect, not the record of a card that exists."""
    desk = postgres_desk
    key = desk.key()
    other = Database(str(desk.database.url.render_as_string(hide_password=False)))

    def restart_when_the_card_is_made(step: CardProgress) -> None:
        if step.step is CardStep.PLACE:
            drop_every_other_connection(other)

    try:
        desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW, restart_when_the_card_is_made)
    finally:
        other.dispose()
    (entry,) = desk.audit()
    assert entry.state is AuditState.OK
    assert desk.reload(key).cards.count == 1
    assert_settled(desk.database)


@pytest.fixture
def full_disk(sqlite_database: Database) -> Iterator[Database]:
    """SQLite whose file may not grow any more (as on a full disk): PRAGMA max_page_count on every connection."""
    limit: list[int] = []

    def cap(connection: Any, _record: object) -> None:
        if limit:
            connection.execute(f"PRAGMA max_page_count = {limit[0]}")

    with sqlite_database.engine.connect() as connection:
        limit.append(int(connection.exec_driver_sql("PRAGMA page_count").scalar_one()) + 2)
    event.listen(sqlite_database.engine, "connect", cap)
    sqlite_database.engine.dispose()
    yield sqlite_database
    event.remove(sqlite_database.engine, "connect", cap)


def test_a_full_sqlite_disk_is_a_clear_error_and_nothing_is_half_written(full_disk: Database) -> None:
    draft = AuditDraft(action=AuditAction.READ_CARD, command="LT", holder="x" * 150, operator="filler")
    written = 0
    with pytest.raises(DatabaseError) as caught:
        for _ in range(10_000):
            with full_disk.unit_of_work() as session:
                audit = AuditRepository(session)
                for _ in range(5):  # several rows per transaction: a failing one must take the others with it
                    audit.start(draft, desk="DESK-1", process_id=1, now=NOW)
            written += 5
    message = caught.value.user_message("en")
    assert "full" in message and "check that the disk is not full" in message
    with full_disk.unit_of_work() as session:
        assert len(AuditRepository(session).entries()) == written
