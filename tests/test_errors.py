"""Messages in both languages: the singular for exactly one, the plural for every other count."""

from __future__ import annotations

from salto_desk.errors import Plural, Text

CARDS = Plural(Text("{count} card for {guest}", "{count} kaart voor {guest}"),
               Text("{count} cards for {guest}", "{count} kaarten voor {guest}"))  # fmt: skip


def test_plural_picks_the_form_by_count_and_fills_the_values() -> None:
    assert CARDS(1, "en", guest="Jansen") == "1 card for Jansen"
    assert CARDS(2, "en", guest="Jansen") == "2 cards for Jansen"
    assert CARDS(0, "nl", guest="Jansen") == "0 kaarten voor Jansen"
    assert CARDS(1, "nl", guest="Jansen") == "1 kaart voor Jansen"
