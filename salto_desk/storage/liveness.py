"""Pooled connections to a database server are checked before each use, with a round trip only when needed.

SQLAlchemy's pre-ping asks the server at every checkout, and a far server charges a round trip for it:
one search in five. A server that restarts or ends a connection tells the connection so (an error message,
then end of file), so the socket of a connection the desk is not using has something to read: seeing that
costs no round trip. What it cannot see (a server gone without a word, a firewall forgetting an idle
connection) becomes likely only with time; so a connection is pinged as before when its socket has
something to read or when it was idle for ``PING_AFTER_IDLE_S``, and else handed out as it is.
"""

from __future__ import annotations

import select
from time import monotonic
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_S = 30.0
_USED_AT = "salto_desk.used_at"


def _quiet(dbapi_connection: Any) -> bool:
    """Open, and nothing arrived on it unasked (a socket the platform cannot check counts as not quiet)."""
    try:
        if dbapi_connection.closed:
            return False
        readable, _writable, _failed = select.select([dbapi_connection.fileno()], [], [], 0)
    except Exception:  # a closed connection's driver error, or a socket select() cannot watch: ping it
        return False
    return not readable


def install(engine: Engine, ping_after_idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Check ``engine``'s pooled connections at checkout this way (instead of ``pool_pre_ping``)."""
    dialect = engine.dialect

    def used(_dbapi_connection: Any, record: Any) -> None:
        record.info[_USED_AT] = monotonic()

    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle = monotonic() - record.info.get(_USED_AT, float("-inf"))
        if idle < ping_after_idle_s and _quiet(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises, the pool opens a new connection instead
            raise DisconnectionError(f"the pooled connection does not answer: {error}") from error

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", check)
