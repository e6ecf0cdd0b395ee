"""The desk's key operations as the tests build them: SALTO operations over key data of one desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from salto_desk.coordination import Coordinator
from salto_desk.operations.key_data import KeyDataService
from salto_desk.operations.salto_operations import ClientFactory, SaltoOperations, salto_client_for
from salto_desk.storage import Database


def salto_operations(
    database: Database,
    client_factory: ClientFactory = salto_client_for,
    *,
    operator: str | None = None,
    desk: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    coordinator: Coordinator | None = None,
) -> SaltoOperations:
    """SALTO operations of one desk; ``.key_data`` is its key data service."""
    key_data = KeyDataService(database, operator=operator, desk=desk, clock=clock)
    return SaltoOperations(key_data, client_factory, coordinator=coordinator)
