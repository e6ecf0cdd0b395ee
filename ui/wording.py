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


# SALTO settings as words (the stored value stays in the item's data; the manager reads the words).
PARITY_WORDS = {
    "N": Text("None", "Geen"),
    "E": Text("Even", "Even"),
    "O": Text("Odd", "Oneven"),
    "M": Text("Mark", "Mark"),
    "S": Text("Space", "Space"),
}
TEXT_ENCODING_WORDS = {
    "ascii": Text("ASCII: letters without accents", "ASCII: letters zonder accenten"),
    "latin-1": Text("Latin-1: accents such as é and ü", "Latin-1: met accenten zoals é en ü"),
}
TRAILING_FIELD_WORDS = {
    "full": Text("Send all fields", "Alle velden versturen"),
    "trim": Text("Leave out empty fields at the end", "Lege velden aan het eind weglaten"),
}
DATE_ORDER_WORDS = {
    "dm": Text("Day first (31-12)", "Dag eerst (31-12)"),
    "md": Text("Month first (12-31)", "Maand eerst (12-31)"),
}
