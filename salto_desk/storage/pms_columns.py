"""How BEX texts sit in the cache's columns: lists and catalogue pairs in one text, folded and storable text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from salto_desk.pms.models import OrderedItem

_LINES = "\n"
_FIELDS = "\t"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL and lone surrogates: PostgreSQL and UTF-8 cannot hold them, so a cached text gets U+FFFD in their place."""


def fold(text: str) -> str:
    """Text for comparing: accents removed, case folded ("Joëlle" -> "joelle", "Groß" -> "gross")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def storable(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values with every text as BEX sent it, except for what no database can store."""
    return {
        name: _UNSTORABLE.sub("\ufffd", value) if isinstance(value, str) and _UNSTORABLE.search(value) else value
        for name, value in values.items()
    }


def join_lines(values: Iterable[str]) -> str:
    """Texts (an object's labels) as one column, one a line; a line break inside one becomes a space."""
    return _LINES.join(value.replace(_LINES, " ") for value in values)


def split_lines(text: str) -> tuple[str, ...]:
    """The texts ``join_lines`` put in one column."""
    return tuple(text.split(_LINES)) if text else ()


def join_items(items: Iterable[OrderedItem], kind: str) -> str:
    """The ordered items of one kind (extras or costs) as one column: catalogue id and name, one a line."""
    return _LINES.join(f"{item.catalogue_id}{_FIELDS}{item.name or ''}" for item in items if item.kind == kind)


def split_items(text: str) -> list[tuple[str, str]]:
    """The (catalogue id, name) pairs ``join_items`` put in one column."""
    pairs = []
    for line in text.split(_LINES) if text else ():
        identifier, _, name = line.partition(_FIELDS)
        pairs.append((identifier, name))
    return pairs
