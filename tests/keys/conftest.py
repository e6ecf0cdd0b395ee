"""The ``database`` fixture, shared with the key tests through ``tests.storage.helpers``."""

from tests.storage.helpers import database as database
