"""Counted words that lists and dialogs share, so "1 card" and "2 cards" read the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from salto_desk.errors import Plural, Text

CARDS = Plural(Text("{count} card", "{count} kaart"), Text("{count} cards", "{count} kaarten"))
PHONE_KEYS = Plural(
    Text("{count} phone key", "{count} telefoonsleutel"), Text("{count} phone keys", "{count} telefoonsleutels")
)
ROOMS = Plural(Text("room {rooms}", "kamer {rooms}"), Text("rooms {rooms}", "kamers {rooms}"))


def rooms_text(rooms: Sequence[str], language: str) -> str:
    """``room 101`` or ``rooms 101, Pool``."""
    return ROOMS(len(rooms), language, rooms=", ".join(rooms))
