"""The demo PMS's records: JSON:API-shaped, mutable under the store's lock, with their wire forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JsonValue = object
Ref = tuple[str, str]
"""(type, id) of a related record."""
Linkage = Ref | list[Ref] | None
DEMO_ZONE = ZoneInfo("Europe/Amsterdam")
"""The demo properties' time zone: "today" is their day, not this computer's (they differ around midnight)."""


@dataclass
class DemoRecord:
    """One record of the demo PMS; mutable because the moves change it (always under the store's lock)."""

    type: str
    id: str
    administration_id: str | None
    attributes: dict[str, JsonValue]
    relationships: dict[str, Linkage] = field(default_factory=dict)

    def refs(self, relationship: str) -> list[Ref]:
        linkage = self.relationships.get(relationship)
        if linkage is None:
            return []
        return list(linkage) if isinstance(linkage, list) else [linkage]

    def add_ref(self, relationship: str, ref: Ref) -> None:
        """Append to a to-many relationship."""
        self.relationships[relationship] = [*self.refs(relationship), ref]

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "id": self.id,
            "type": self.type,
            "attributes": dict(self.attributes),
            "relationships": {name: {"data": _linkage_json(linkage)} for name, linkage in self.relationships.items()},
        }


def _linkage_json(linkage: Linkage) -> JsonValue:
    if linkage is None:
        return None
    if isinstance(linkage, list):
        return [{"type": kind, "id": identifier} for kind, identifier in linkage]
    return {"type": linkage[0], "id": linkage[1]}


@dataclass(frozen=True)
class DemoChange:
    """One move of the demo's clock; ``event`` uses BEX's webhook names (``reservation|checked_in``)."""

    event: str
    reservation_id: str
    detail: str


def timestamp(moment: datetime) -> str:
    """The wire form of a timestamp: UTC, milliseconds, ``Z`` (what Rails-style APIs send)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stay(record: DemoRecord) -> tuple[date, date]:
    """Arrival and departure of a demo reservation."""
    return date.fromisoformat(str(record.attributes["start_date"])), date.fromisoformat(
        str(record.attributes["end_date"])
    )
