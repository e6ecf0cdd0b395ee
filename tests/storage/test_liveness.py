"""Pooled connections are checked before use: a ping only when the server spoke unasked or after idling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from salto_desk.storage import ConfigRepository, Database, liveness
from tests.storage.helpers import drop_every_other_connection, emptied_postgres


@pytest.fixture
def postgres() -> Iterator[Database]:
    database = emptied_postgres()
    yield database
    database.dispose()


@pytest.fixture
def pings(postgres: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every ping the pool's check sends."""
    sent: list[object] = []
    real = postgres.engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(postgres.engine.dialect, "do_ping", counted)
    return sent


def read(database: Database) -> None:
    with database.reading() as session:
        ConfigRepository(session).administrations()


def end_the_desks_connections(database: Database) -> int:
    """What a server restart does to the connections of the desks (all but the one asking)."""
    other = Database(database.url.render_as_string(hide_password=False))
    try:
        return drop_every_other_connection(other)
    finally:
        other.dispose()


def test_a_connection_used_moments_ago_goes_out_without_a_ping(postgres: Database, pings: list[object]) -> None:
    read(postgres)
    read(postgres)
    read(postgres)
    assert pings == []


def test_a_connection_the_server_ended_is_pinged_and_replaced(postgres: Database, pings: list[object]) -> None:
    read(postgres)
    assert end_the_desks_connections(postgres) >= 1
    read(postgres)  # no error: the ended connection was noticed without asking, then replaced
    assert len(pings) == 1


def test_a_connection_idle_for_long_is_pinged(
    postgres: Database, pings: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    read(postgres)
    later = liveness.monotonic() + liveness.PING_AFTER_IDLE_S + 1
    monkeypatch.setattr(liveness, "monotonic", lambda: later)
    read(postgres)
    assert len(pings) == 1


def test_a_connection_whose_socket_cannot_be_watched_is_pinged_every_time(tmp_path: Any) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    pinged: list[object] = []
    engine.dialect.do_ping = lambda dbapi_connection: bool(pinged.append(dbapi_connection)) or True  # type: ignore[method-assign]
    liveness.install(engine)
    for _again in range(2):
        with engine.connect() as connection:
            assert connection.scalar(select(1)) == 1
    engine.dispose()
    assert len(pinged) == 2
