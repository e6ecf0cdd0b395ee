"""Simulated cards: types, the UID format returned as serial number, and track edits."""

from __future__ import annotations

import re

import pytest

from salto_desk.errors import ValidationError
from salto_desk.protocol.messages import CardType
from salto_desk.simulator import SimCard
from salto_desk.simulator.cards import GuestKey, new_uid


def test_uid_is_a_7_byte_nxp_uid_in_hex() -> None:
    uids = {new_uid() for _ in range(50)}
    assert len(uids) == 50
    assert all(re.fullmatch(r"04[0-9A-F]{12}", uid) for uid in uids)


def test_factories_give_the_lt_card_types() -> None:
    assert [card.card_type for card in (SimCard.blank(), SimCard.staff(), SimCard.spare(), SimCard.invalid())] == [
        CardType.UNKNOWN,
        CardType.STAFF,
        CardType.SPARE,
        CardType.INVALID,
    ]
    foreign = SimCard.from_other_system()
    assert foreign.card_type is CardType.UNKNOWN and foreign.other_system


def test_a_guest_card_needs_a_key_and_only_a_guest_card_has_one() -> None:
    key = GuestKey(1, ("101",), "0", (), None, None, "")
    assert SimCard(CardType.GUEST, key).key == key
    with pytest.raises(ValidationError):
        SimCard(CardType.GUEST)
    with pytest.raises(ValidationError):
        SimCard(CardType.STAFF, key)
    with pytest.raises(ValidationError) as foreign_staff:
        SimCard(CardType.STAFF, other_system=True)
    assert "ander systeem" in foreign_staff.value.user_message("nl")


def test_with_track_rewrites_one_track_and_keeps_the_card() -> None:
    card = SimCard.staff()
    written = card.with_track(2, "Garage")
    assert written.tracks == ("", "Garage", "") and written.uid == card.uid and card.tracks == ("", "", "")
