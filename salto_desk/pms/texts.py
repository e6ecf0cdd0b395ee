"""BEX texts are cached exactly as BEX sent them; shown or printed, they lose what would disturb the screen.

A guest name can hold anything a booking site let through: a tab, a line break, an escape sequence
that recolours a terminal, a right-to-left override that reverses what follows it. Kept as sent, the
cache still matches BEX; ``shown`` is the form for lists, key labels and command output.
"""

from __future__ import annotations

import re
import unicodedata

_LAYOUT_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")
_DIRECTION_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(text: str) -> str:
    """``text`` without control characters: line breaks and tabs become one space, others go."""
    spaced = _LAYOUT_BREAKS.sub(" ", text)
    if spaced.isprintable():  # the common case: nothing else to look at
        return spaced
    return "".join(char for char in spaced if unicodedata.category(char) != "Cc" and char not in _DIRECTION_CONTROLS)
