"""The ``database`` fixtures (SQLite, and PostgreSQL when configured), shared through ``tests.storage.helpers``."""

from tests.storage.helpers import database as database
from tests.storage.helpers import sqlite_database as sqlite_database
