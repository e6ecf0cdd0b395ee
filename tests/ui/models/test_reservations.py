"""The reservations table model: texts, typed sorting, the re-encode highlight and the key-state chips."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from salto_desk.keys.model import Administration, CardsEncoded, KeyData, KeyState, KeyType
from salto_desk.services.front_desk import ReservationRow
from salto_desk.storage.pms_values import CachedReservation
from tests.storage.helpers import NOW, key_draft
from ui.models.reservations import (
    KEY_CHIPS,
    KEY_STATES,
    Column,
    ReservationsModel,
    ReservationsProxy,
    key_chip,
    key_text,
)
from ui.style import Chip, chip_colours


def cached(pms_id: str, start: date, **changes: object) -> CachedReservation:
    values: dict[str, object] = {
        "administration_id": 1, "pms_id": pms_id, "booking_nr": f"30-{pms_id}", "state": "confirmed",
        "start_date": start, "end_date": start + timedelta(days=2), "checked_in_at": None, "checked_out_at": None,
        "guest_name": f"Guest {pms_id}", "phone": None, "email": None, "object_pms_id": "10",
        "object_name": "Chalet 10", "door_name": "Chalet 10", "object_type": "Chalet", "labels": (), "extras": (),
        "costs": (), "license_plate": None,
    }  # fmt: skip
    values.update(changes)
    return CachedReservation(**values)  # type: ignore[arg-type]


def key(state: KeyState, cards: int = 0) -> KeyData:
    administration = Administration(id=1, pms_id="1", name="Park", salto_endpoint="127.0.0.1:8090")
    key_type = KeyType(id=1, administration_id=1, name="Guest")
    draft = key_draft(administration, key_type, state=state)
    return KeyData(**draft.__dict__, id=1, cards=CardsEncoded(count=cards))


def test_dates_sort_as_dates_not_as_text() -> None:
    model = ReservationsModel()
    proxy = ReservationsProxy()
    proxy.setSourceModel(model)
    # As text "Mon 01-..." < "Tue 31-...", but 31 December comes first.
    model.set_rows([
        ReservationRow(cached("1", date(2031, 1, 6)), (), "Park"),
        ReservationRow(cached("2", date(2030, 12, 31)), (), "Park"),
    ])  # fmt: skip
    assert [proxy.row(row).reservation.pms_id for row in range(2)] == ["1", "2"]  # the repository's order
    proxy.sort(Column.ARRIVAL, Qt.SortOrder.AscendingOrder)
    assert [proxy.row(row).reservation.pms_id for row in range(2)] == ["2", "1"]


def test_texts_of_a_row() -> None:
    model = ReservationsModel()
    checked_in = cached("1", NOW.date(), door_name="C-10", checked_in_at=NOW)
    model.set_rows([ReservationRow(checked_in, (key(KeyState.ISSUED, cards=2),), "Park")])
    text = {column: model.index(0, column).data() for column in Column}
    assert text[Column.ACCOMMODATION] == "Chalet 10 (C-10)"
    assert text[Column.STATE] == "Confirmed · checked in"
    assert text[Column.KEY] == "Issued · 2 cards"
    assert text[Column.ADMINISTRATION] == "Park"


def test_only_rows_needing_reencoding_are_highlighted() -> None:
    model = ReservationsModel("nl")
    model.set_rows([
        ReservationRow(cached("1", NOW.date()), (key(KeyState.NEEDS_REENCODE, cards=1),), "Park"),
        ReservationRow(cached("2", NOW.date()), (key(KeyState.READY),), "Park"),
        ReservationRow(cached("3", NOW.date()), (), "Park"),
    ])  # fmt: skip
    backgrounds = [model.index(row, Column.GUEST).data(Qt.ItemDataRole.BackgroundRole) for row in range(3)]
    assert backgrounds[0] is not None and backgrounds[1] is None and backgrounds[2] is None
    assert model.index(0, Column.KEY).data(Qt.ItemDataRole.ToolTipRole).startswith("De boeking is gewijzigd")
    assert model.index(2, Column.KEY).data() == "Geen sleutelgegevens"


def test_key_text_lists_every_key_of_a_reservation() -> None:
    assert key_text((key(KeyState.READY), key(KeyState.WAITING_FOR_CHECK_IN)), "en") == (
        "Ready to print; Waits for check-in"
    )


def test_the_key_column_is_a_chip_of_the_key_state_with_its_word() -> None:
    model = ReservationsModel()
    states = [KeyState.READY, KeyState.ISSUED, KeyState.WAITING_FOR_CHECK_IN, KeyState.REVOKING]
    rows = [ReservationRow(cached(str(n), NOW.date()), (key(state),), "Park") for n, state in enumerate(states)]
    model.set_rows([*rows, ReservationRow(cached("9", NOW.date()), (), "Park")])
    for row, chip in enumerate([Chip.READY, Chip.ISSUED, Chip.WAITING, Chip.REVOKING, Chip.NONE]):
        cell = model.index(row, Column.KEY)
        colours = chip_colours(chip)
        assert cell.data(Qt.ItemDataRole.BackgroundRole) == colours[Qt.ItemDataRole.BackgroundRole]
        assert cell.data(Qt.ItemDataRole.ForegroundRole) == colours[Qt.ItemDataRole.ForegroundRole]
        if row < len(states):
            assert cell.data() == KEY_STATES[states[row]]("en")  # the word, never the colour alone
    assert model.index(0, Column.GUEST).data(Qt.ItemDataRole.BackgroundRole) is None  # only the key column


def test_a_row_of_several_keys_shows_the_chip_that_needs_the_desk_first() -> None:
    assert key_chip((key(KeyState.ISSUED), key(KeyState.NEEDS_REENCODE))) is Chip.NEEDS_REENCODE
    assert key_chip((key(KeyState.ISSUED), key(KeyState.READY))) is Chip.READY
    assert key_chip(()) is Chip.NONE
    assert set(KEY_CHIPS) == set(KeyState)  # every state has its chip
