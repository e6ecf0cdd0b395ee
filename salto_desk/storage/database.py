"""Engine, units of work and start-up migrations for any SQLAlchemy URL.

SQLite in the data folder is the default (WAL so that the GUI reads while a worker writes, foreign
keys on because SQLite leaves them off); several desks share one PostgreSQL database by URL instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from salto_desk.errors import Text
from salto_desk.paths import app_paths, private_file
from salto_desk.storage import change_feed, liveness
from salto_desk.storage.errors import ConcurrentChangeError, DatabaseError, UnstorableTextError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 10


def default_url(data_dir: Path | None = None) -> str:
    """The SQLite file in the data folder (created when missing)."""
    paths = app_paths(data_dir).ensure()
    return URL.create("sqlite+pysqlite", database=str(paths.database)).render_as_string()


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise DatabaseError(
            Text(f"The database URL {url!r} is not valid: {error}.", f"De database-URL {url!r} is ongeldig: {error}."),
            Text(
                "Use for example postgresql+psycopg://user@host/salto_desk, or leave it empty for the local file.",
                "Gebruik bijvoorbeeld postgresql+psycopg://user@host/salto_desk, of laat hem leeg voor het lokale "
                "bestand.",
            ),
        ) from None


def _connect_arguments(url: URL) -> dict[str, object]:
    """A PostgreSQL server that does not answer is reported after ``CONNECT_TIMEOUT_S`` (unless the URL
    says otherwise), not after the operating system's TCP timeout, which takes minutes on Linux."""
    if url.get_driver_name() not in ("psycopg", "psycopg2") or "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_S}


def _refuse_writes(session: Session, _context: object, _instances: object) -> None:
    raise RuntimeError("a reading session stores nothing: use Database.unit_of_work to write")


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _unstorable(value: str) -> str | None:
    """The first character PostgreSQL refuses (NUL) or no encoder can write (a lone surrogate)."""
    if "\x00" in value:
        return "\x00"
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return value[error.start]
    return None


def _texts(parameters: object) -> Iterator[str]:
    if isinstance(parameters, str):
        yield parameters
    elif isinstance(parameters, dict):
        for value in parameters.values():
            yield from _texts(value)
    elif isinstance(parameters, list | tuple):
        for value in parameters:
            yield from _texts(value)


def _refuse_unstorable_text(
    _connection: object, _cursor: object, _statement: str, parameters: object, _context: object, _many: bool
) -> None:
    """Every text written is checked the same way on SQLite and PostgreSQL, before the database sees it."""
    for value in _texts(parameters):
        if (character := _unstorable(value)) is not None:
            raise UnstorableTextError(value, character)


def _private_sqlite_files(url: URL) -> None:
    """Create the SQLite file private to this user before SQLite opens it: its write-ahead log and shared
    memory file take the database file's permissions, so they are private too (older ones are narrowed)."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return
    database = Path(url.database)
    try:
        private_file(database)
        for companion in ("-wal", "-shm", "-journal"):
            if (sibling := database.with_name(database.name + companion)).exists():
                private_file(sibling)
    except OSError:
        return  # a missing folder or a file of another user: SQLite says so when the database is used


class Database:
    """One database: hands out sessions, one per unit of work."""

    def __init__(self, url: str) -> None:
        parsed = _parse_url(url)
        try:
            # A shared server may restart between two operations of a desk: pooled connections are checked
            # before use (``liveness``); the last one used is handed out first, so it rarely needs a ping.
            server = parsed.get_backend_name() != "sqlite"
            self.engine: Engine = create_engine(parsed, pool_use_lifo=server, connect_args=_connect_arguments(parsed))
        except (NoSuchModuleError, ImportError) as error:
            raise DatabaseError(
                Text(
                    f"The database driver for {parsed.drivername!r} is not installed: {error}.",
                    f"Het databasestuurprogramma voor {parsed.drivername!r} is niet geïnstalleerd: {error}.",
                ),
                Text(
                    "For PostgreSQL install psycopg and use a postgresql+psycopg:// URL.",
                    "Installeer voor PostgreSQL psycopg en gebruik een postgresql+psycopg://-URL.",
                ),
            ) from None
        event.listen(self.engine, "before_cursor_execute", _refuse_unstorable_text)
        if server:
            liveness.install(self.engine)
        if self.engine.dialect.name == "sqlite":
            _private_sqlite_files(parsed)
            event.listen(self.engine, "connect", _configure_sqlite)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        change_feed.install(self._sessions)  # every commit of this database bumps the change counters
        # Under READ COMMITTED every statement sees what was committed when it started, in a transaction
        # or not: reads on PostgreSQL skip BEGIN and COMMIT, two round trips to a server that may be far.
        # (SQLite's driver starts no transaction for reads anyway.)
        reader = (
            self.engine
            if self.engine.dialect.name == "sqlite"
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._readers = sessionmaker(reader, expire_on_commit=False, autoflush=False)
        event.listen(self._readers, "before_flush", _refuse_writes)

    @property
    def url(self) -> URL:
        return self.engine.url

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls everything back when it raises."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except IntegrityError as error:
            raise ConcurrentChangeError(str(error.orig).strip().splitlines()[0]) from error
        except DBAPIError as error:
            raise self._unreachable(error) from error
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: fewer round trips than ``unit_of_work``; a write in it is refused."""
        session = self._readers()
        try:
            yield session
        except DBAPIError as error:
            raise self._unreachable(error) from error
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (run at every start; a no-op when current)."""
        try:
            with self.engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except DBAPIError as error:
            raise self._unreachable(error) from error

    def dispose(self) -> None:
        self.engine.dispose()

    def _unreachable(self, error: SQLAlchemyError) -> DatabaseError:
        detail = str(getattr(error, "orig", error)).strip().splitlines()[0].rstrip(".") + "."
        location = self.engine.url.render_as_string(hide_password=True)
        return DatabaseError(
            Text(
                f"The database {location} cannot be used: {detail}",
                f"De database {location} kan niet worden gebruikt: {detail}",
            ),
            Text(
                "Check that the database server runs and the URL, user and password are right; for the local "
                "file, check that the disk is not full and the folder is writable.",
                "Controleer of de databaseserver draait en URL, gebruiker en wachtwoord kloppen; controleer voor "
                "het lokale bestand of de schijf niet vol is en de map beschrijfbaar is.",
            ),
        )


def alembic_config() -> Config:
    """Alembic settings built in code: the migrations travel inside the package, no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def open_database(url: str | None = None, data_dir: Path | None = None) -> Database:
    """The configured database, migrated to the current schema."""
    database = Database(url or default_url(data_dir))
    database.upgrade()
    return database
