"""A SALTO site for service tests: the simulator, a database with one administration and encoder, a key service."""

from __future__ import annotations

from dataclasses import dataclass

from salto_desk.keys.model import Administration, AuditEntry, Encoder, KeyData
from salto_desk.operations.salto_operations import SaltoOperations
from salto_desk.simulator import Simulator
from salto_desk.storage import AuditRepository, Database, KeyRepository
from tests.storage.helpers import add_key


@dataclass
class Site:
    simulator: Simulator
    database: Database
    administration: Administration
    encoder: Encoder
    service: SaltoOperations

    def key(self, **changes: object) -> KeyData:
        return add_key(self.database, self.administration, "Type", **changes)

    def reload(self, key: KeyData) -> KeyData:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).get(key.id)

    def audit(self) -> list[AuditEntry]:
        with self.database.unit_of_work() as session:
            return AuditRepository(session).entries()
