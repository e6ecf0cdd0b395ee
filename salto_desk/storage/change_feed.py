"""Change counters: every committed write to key data, configuration or the PMS cache bumps its topic.

The counters are bumped by session events in the same transaction as the write, whatever repository
made it (ORM flushes as well as ``insert``/``update``/``delete`` statements), so no caller can forget.
Desks poll ``versions()`` every few seconds and refresh the views whose topic moved. A counter row
per topic (never an append-only log) keeps the poll correct on PostgreSQL, where ids from a sequence
may become visible out of order.

``SITES`` is narrower than the others: it moves only with what a search looks reservations up in
(administrations, objects, object types, door names), so a search keeps those in memory and asks for one
counter instead of reading four tables (the sync rewrites the rest of the PMS cache every few minutes).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Integer, String, column, event, select, table, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker


class Topic(StrEnum):
    KEYS = "keys"
    CONFIG = "config"
    PMS = "pms"
    SITES = "sites"


TOPICS_OF_TABLE: Mapping[str, frozenset[Topic]] = {
    **dict.fromkeys(
        ("key_data", "key_rooms", "key_access", "card_serials", "mobile_deliveries", "audit_entries", "sync_keys",
         "sync_outbox"),
        frozenset({Topic.KEYS}),
    ),
    **dict.fromkeys(
        ("authorizations", "key_types", "key_type_access", "products", "product_filters", "encoders", "settings"),
        frozenset({Topic.CONFIG}),
    ),
    **dict.fromkeys(("administrations", "door_names"), frozenset({Topic.CONFIG, Topic.SITES})),
    **dict.fromkeys(
        ("pms_sync_states", "pms_catalogue", "pms_reservations", "pms_owners", "pms_agreements"),
        frozenset({Topic.PMS}),
    ),
    **dict.fromkeys(("pms_objects", "pms_rentable_types"), frozenset({Topic.PMS, Topic.SITES})),
}  # fmt: skip
_TOUCHED = "salto_desk.changed_topics"
_COUNTERS = table("change_counters", column("topic", String), column("version", Integer), column("changed_at"))
"""The table ``orm.ChangeCounterRow`` maps, named here so that this module needs no ORM model."""


def _noted(session: Session) -> set[Topic]:
    topics: set[Topic] = session.info.setdefault(_TOUCHED, set())
    return topics


def _note(session: Session, table_name: str) -> None:
    _noted(session).update(TOPICS_OF_TABLE.get(table_name, ()))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    dirty = session.dirty  # computed from the whole identity map: once per flush, not once per instance
    noted = _noted(session)
    for instance in (*session.new, *dirty, *session.deleted):
        topics = TOPICS_OF_TABLE.get(getattr(type(instance), "__tablename__", ""), frozenset())
        if not topics <= noted and (instance not in dirty or session.is_modified(instance)):
            noted.update(topics)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            _note(state.session, name)


def _before_commit(session: Session) -> None:
    session.flush()
    topics = session.info.pop(_TOUCHED, set())
    if topics:
        session.execute(
            update(_COUNTERS)
            .where(_COUNTERS.c.topic.in_(sorted(topics)))
            .values(version=_COUNTERS.c.version + 1, changed_at=datetime.now(UTC).replace(tzinfo=None))
        )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_TOUCHED, None)


def install(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` bump the counters of what it commits (``Database`` does this for
    its own sessions: no other session of the process is touched)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_execute),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        event.listen(sessions, name, listener)


def versions(connection: Connection | Session, *topics: Topic) -> dict[Topic, int]:
    """The current counter of ``topics`` (none named: every topic)."""
    statement = select(_COUNTERS.c.topic, _COUNTERS.c.version)
    if topics:
        statement = statement.where(_COUNTERS.c.topic.in_(sorted(topics)))
    rows = connection.execute(statement).all()
    known = {topic.value for topic in Topic}
    return {Topic(topic): int(version) for topic, version in rows if topic in known}
