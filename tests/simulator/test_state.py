"""The site's rules as a client sees them over the wire: every error code and every state change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from salto_desk.errors import ValidationError
from salto_desk.protocol.codec import Frame
from salto_desk.protocol.messages import (
    AuditEvent,
    BinaryMobileKey,
    CardReadout,
    CardType,
    CheckOut,
    EncodeCard,
    MobileKey,
    ModifyCheckIn,
    ReadAudit,
    ReadCard,
    ReadTrack,
    Request,
    SerialReturn,
    WireOptions,
    WriteTrack,
)
from salto_desk.simulator import AuditRecord, SimCard, Simulator
from salto_desk.simulator.state import installation_id
from tests.simulator.conftest import END, OPTIONS, START, ZONE, RawClient

PHONE = "+31612345678"


def reply(client: RawClient, request: Request, options: WireOptions = OPTIONS) -> Frame:
    return client.exchange(request.fields(options))


def code(client: RawClient, request: Request) -> str:
    return reply(client, request).command


def check_in(room: str = "101", encoder: str = "1", **changes: object) -> EncodeCard:
    return EncodeCard("CN", encoder, (room,), START, END, **changes)  # type: ignore[arg-type]


def copy_of(room: str = "101", encoder: str = "1") -> EncodeCard:
    return EncodeCard("CC", encoder, (room,), START, END)


def read(client: RawClient, encoder: str = "1") -> CardReadout:
    request = ReadCard(encoder)
    return request.parse_reply(reply(client, request), OPTIONS)


# --- CN / CC / CA ----------------------------------------------------------------------------------


def test_check_in_writes_a_guest_card_and_starts_a_stay(simulator: Simulator, client: RawClient) -> None:
    request = check_in(granted=(1, 10, 62), operator="Anna", texts=("Welcome",))
    echo = request.parse_reply(reply(client, request), OPTIONS)
    card = simulator.card_on("1")
    assert card is not None and card.card_type is CardType.GUEST
    assert echo.command == "CN" and echo.encoder == "1" and echo.serials == (card.uid,)
    stay = simulator.state.occupant("101")
    assert stay is not None and stay.rooms == ("101",) and stay.end == END and stay.cards == 1
    assert read(client) == CardReadout("1", CardType.GUEST, ("101",), True, "0", (1, 10, 62), START, END, "Anna")


def test_a_new_check_in_voids_the_older_cards_of_the_room(client: RawClient) -> None:
    assert code(client, check_in(encoder="1")) == "CN"
    assert code(client, check_in(encoder="2")) == "CN"
    assert read(client, "1").checked_in is False
    assert read(client, "2").checked_in is True


def test_copies_are_numbered_1_2_then_I(client: RawClient) -> None:
    assert code(client, check_in()) == "CN"
    copies = []
    for _ in range(4):
        assert code(client, copy_of()) == "CC"
        copies.append(read(client).copy)
    assert copies == ["1", "2", "I", "I"]


def test_a_copy_keeps_the_earlier_cards_valid(client: RawClient) -> None:
    assert code(client, check_in(encoder="1")) == "CN"
    assert code(client, copy_of(encoder="2")) == "CC"
    assert read(client, "1").checked_in and read(client, "2").checked_in


def test_copy_of_a_room_never_checked_in_is_EA(client: RawClient) -> None:
    assert code(client, copy_of("102")) == "EA"


def test_copy_after_check_out_is_EA(client: RawClient) -> None:
    assert code(client, check_in()) == "CN"
    assert code(client, CheckOut("101")) == "CO"
    assert code(client, copy_of()) == "EA"


def test_copy_with_a_room_outside_the_stay_is_EA(client: RawClient) -> None:
    assert code(client, check_in()) == "CN"
    assert code(client, EncodeCard("CC", "1", ("101", "102"), START, END)) == "EA"


def test_one_shot_key_does_not_occupy_the_room_and_a_check_in_voids_it(simulator: Simulator, client: RawClient) -> None:
    assert code(client, EncodeCard("CA", "1", ("102",))) == "CA"
    one_shot = read(client, "1")
    assert (one_shot.copy, one_shot.checked_in, one_shot.start, one_shot.end) == ("A", True, None, None)
    assert simulator.state.occupant("102") is None
    assert code(client, copy_of("102")) == "EA"
    assert code(client, check_in("102", encoder="2")) == "CN"
    assert read(client, "1").checked_in is False


def test_amount_encodes_that_many_cards(simulator: Simulator, client: RawClient) -> None:
    request = EncodeCard("CN", "1", ("101",), START, END, amount=3, serial_return=SerialReturn.ALL)
    frame = reply(client, request)
    assert frame.text_fields()[:2] == ("CN3", "1")
    serials = request.parse_reply(frame, OPTIONS).serials
    assert len(set(serials)) == 3 and all(len(serial) == 14 and serial.startswith("04") for serial in serials)
    card = simulator.card_on("1")
    assert card is not None and card.uid == serials[-1]
    assert read(client).copy == "2"
    stay = simulator.state.occupant("101")
    assert stay is not None and stay.cards == 3


@pytest.mark.parametrize(
    ("serial_return", "count"), [(SerialReturn.NONE, 0), (SerialReturn.LAST, 1), (SerialReturn.ALL, 2), (None, 0)]
)
def test_serial_return_field(client: RawClient, serial_return: SerialReturn | None, count: int) -> None:
    request = EncodeCard("CN", "1", ("101",), START, END, amount=2, serial_return=serial_return)
    serials = request.parse_reply(reply(client, request), OPTIONS).serials
    assert len(serials) == count


def test_unknown_room_is_TD_and_out_of_service_is_OS(client: RawClient) -> None:
    assert code(client, check_in("999")) == "TD"
    assert code(client, check_in("103")) == "OS"
    assert code(client, EncodeCard("CN", "1", ("101", "999"), START, END)) == "TD"


def test_room_put_out_of_service_while_running(simulator: Simulator, client: RawClient) -> None:
    simulator.state.set_in_service("101", False)
    assert code(client, check_in("101")) == "OS"
    simulator.state.set_in_service("103", True)
    assert code(client, check_in("103")) == "CN"


def test_unknown_or_switched_off_encoder_is_NC(simulator: Simulator, client: RawClient) -> None:
    assert code(client, check_in(encoder="9")) == "NC"
    simulator.state.set_online("2", False)
    assert code(client, check_in(encoder="2")) == "NC"
    assert code(client, ReadCard("2")) == "NC"


def test_staff_card_on_the_encoder_is_EV_then_a_blank_card_is_used(simulator: Simulator, client: RawClient) -> None:
    staff = SimCard.staff()
    for command in ("CN", "CA"):
        simulator.place_card("1", staff)
        assert code(client, EncodeCard(command, "1", ("101",), START, END)) == "EV"
    assert code(client, check_in()) == "CN"
    simulator.place_card("1", staff)
    assert code(client, copy_of()) == "EV"
    assert simulator.card_on("1") == staff  # the staff card was not overwritten
    assert code(client, copy_of()) == "CC"  # the receptionist took it off and used a blank card


def test_card_of_another_system_is_EF_and_reads_as_unidentified(simulator: Simulator, client: RawClient) -> None:
    simulator.place_card("1", SimCard.from_other_system())
    assert code(client, check_in()) == "EF"
    assert read(client).card_type is CardType.UNKNOWN
    assert code(client, ReadTrack(1, "1")) == "EF"
    assert code(client, WriteTrack(1, "1", "x")) == "EF"


@pytest.mark.parametrize(
    ("card", "card_type"),
    [
        (SimCard.blank(), CardType.UNKNOWN),
        (SimCard.staff(), CardType.STAFF),
        (SimCard.spare(), CardType.SPARE),
        (SimCard.invalid(), CardType.INVALID),
    ],
)
def test_read_reports_the_type_of_the_card(
    simulator: Simulator, client: RawClient, card: SimCard, card_type: CardType
) -> None:
    simulator.place_card("1", card)
    assert read(client) == CardReadout("1", card_type)


def test_read_without_any_card_gets_a_blank_one(client: RawClient) -> None:
    frame = reply(client, ReadCard("2"))
    assert frame.text_fields() == ("LT", "2", "LD")


@pytest.mark.parametrize(
    "fields",
    [
        [b"XX", b"1"],  # unknown command
        [b"CN", b"1", b"Q", b"101"],  # bad eject mode
        [b"CN", b"1", b"E", b"101", b"", b"", b"", b"", b"", b"9999999999", b"1100050730"],  # bad date
        [b"CN", b"1", b"E", b"101"],  # a guest card must expire
        [b"CN", b"1", b"E", b"", b"", b"", b"", b"", b"", b"1500010730", b"1100040730"],  # no room
        [b"CN", b"1", b"E", b"101", b"", b"", b"", b"", b"", b"1500040730", b"1100040730"],  # ends before it starts
        [b"MC", b"101", b"102"],  # MC without expiry
    ],
)
def test_syntax_errors_are_ES(client: RawClient, fields: list[bytes]) -> None:
    assert client.exchange(fields).fields == (b"ES",)


def test_track_text_of_a_check_in_and_track_writes(client: RawClient) -> None:
    assert code(client, check_in(texts=("Line one", "Line two"))) == "CN"
    assert ReadTrack(2, "1").parse_reply(reply(client, ReadTrack(2, "1")), OPTIONS).text == "Line two"
    assert reply(client, WriteTrack(3, "1", "Parking P2")).text_fields() == ("P3", "1")
    assert ReadTrack(3, "1").parse_reply(reply(client, ReadTrack(3, "1")), OPTIONS).text == "Parking P2"
    assert read(client).rooms == ("101",)  # the key survived the track write


# --- CO / MC ---------------------------------------------------------------------------------------


def test_check_out_voids_every_guest_card_of_the_room(simulator: Simulator, client: RawClient) -> None:
    assert code(client, check_in(encoder="1")) == "CN"
    assert code(client, copy_of(encoder="2")) == "CC"
    assert reply(client, CheckOut("101")).text_fields() == ("CO", "0", "101")
    assert not read(client, "1").checked_in and not read(client, "2").checked_in
    assert simulator.state.occupant("101") is None


def test_check_out_of_an_unknown_room_is_TD_and_of_an_empty_room_is_accepted(client: RawClient) -> None:
    assert code(client, CheckOut("999")) == "TD"
    assert code(client, CheckOut("102")) == "CO"


def test_modify_moves_the_stay_and_the_card_follows(simulator: Simulator, client: RawClient) -> None:
    assert code(client, check_in("101")) == "CN"
    new_end = END + timedelta(days=2)
    assert reply(client, ModifyCheckIn("101", "102", new_end)).text_fields() == ("MC", "101", "102")
    assert simulator.state.occupant("101") is None
    stay = simulator.state.occupant("102")
    assert stay is not None and stay.end == new_end
    card = read(client)
    assert (card.rooms, card.end, card.checked_in) == (("102",), new_end, True)
    assert code(client, copy_of("102")) == "CC"


def test_modify_only_the_expiry(simulator: Simulator, client: RawClient) -> None:
    assert code(client, check_in("101")) == "CN"
    new_end = END + timedelta(hours=5)
    assert code(client, ModifyCheckIn("101", "101", new_end)) == "MC"
    stay = simulator.state.occupant("101")
    assert stay is not None and stay.rooms == ("101",) and stay.end == new_end


def test_modify_without_a_new_room_changes_only_the_expiry(simulator: Simulator, client: RawClient) -> None:
    """The PHP client sends MC with an empty new room to extend a stay ("same room")."""
    assert code(client, check_in("101")) == "CN"
    new_end = END + timedelta(days=1)
    assert reply(client, ModifyCheckIn("101", "", new_end)).text_fields() == ("MC", "101", "")
    stay = simulator.state.occupant("101")
    assert stay is not None and stay.rooms == ("101",) and stay.end == new_end
    card = read(client)
    assert (card.rooms, card.end, card.checked_in) == (("101",), new_end, True)


def test_modify_without_a_new_room_still_needs_a_known_occupied_room(client: RawClient) -> None:
    assert code(client, ModifyCheckIn("999", "", END)) == "TD"
    assert code(client, ModifyCheckIn("102", "", END)) == "EA"
    assert code(client, check_in("101")) == "CN"
    assert code(client, ModifyCheckIn("101", "", START - timedelta(days=1))) == "ES"


def test_modify_errors(client: RawClient) -> None:
    assert code(client, ModifyCheckIn("101", "102", END)) == "EA"  # not occupied
    assert code(client, ModifyCheckIn("999", "102", END)) == "TD"
    assert code(client, check_in("101", encoder="1")) == "CN"
    assert code(client, check_in("102", encoder="2")) == "CN"
    assert code(client, ModifyCheckIn("101", "998", END)) == "TD"
    assert code(client, ModifyCheckIn("101", "103", END)) == "OS"
    assert code(client, ModifyCheckIn("101", "101", START - timedelta(days=1))) == "ES"
    occupied = reply(client, ModifyCheckIn("101", "102", END)).text_fields()
    assert occupied == ("EG", "102", "Room 102 is occupied by another stay")


# --- JustIN Mobile ---------------------------------------------------------------------------------


def test_mobile_key_echoes_the_phone_and_starts_a_stay(simulator: Simulator, client: RawClient) -> None:
    assert code(client, check_in("101")) == "CN"
    request = MobileKey("CNM", PHONE, ("101",), START, END, granted=(3,))
    assert reply(client, request).text_fields() == ("CNM", PHONE)
    (key,) = simulator.state.mobile_keys
    assert (key.command, key.phone, key.rooms, key.granted, key.key_hex) == ("CNM", PHONE, ("101",), (3,), "")
    assert read(client).checked_in is False  # like CN, CNM started a new stay
    assert reply(client, MobileKey("CCM", "+4915112345678", ("101",), START, END)).text_fields()[0] == "CCM"


def test_mobile_copy_without_a_stay_is_EA(client: RawClient) -> None:
    assert code(client, MobileKey("CCM", PHONE, ("102",), START, END)) == "EA"


def test_mobile_key_to_an_unknown_room_is_TD(client: RawClient) -> None:
    assert code(client, MobileKey("CNM", PHONE, ("999",), START, END)) == "TD"


def test_binary_mobile_key_returns_hex_key_and_installation_id(client: RawClient) -> None:
    with_id = BinaryMobileKey("CNMB", PHONE, ("101",), START, END, return_installation_id=True)
    answer = with_id.parse_reply(reply(client, with_id), OPTIONS)
    assert answer.phone == PHONE and answer.installation_id == installation_id(PHONE)
    assert len(answer.key_hex) == 64 and int(answer.key_hex, 16) >= 0
    without_id = BinaryMobileKey("CCMB", PHONE, ("101",), START, END)
    fields = reply(client, without_id).text_fields()
    assert fields[:2] == ("CCMB", PHONE) and len(fields) == 3 and fields[2] != answer.key_hex


def test_phone_not_registered_in_justin_is_EG(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(phones=(PHONE,))
    client = RawClient(simulator.endpoint)
    try:
        assert reply(client, MobileKey("CNM", PHONE, ("101",), START, END)).command == "CNM"
        fields = reply(client, MobileKey("CNM", "+31687654321", ("101",), START, END)).text_fields()
        assert fields == ("EG", "+31687654321", "Phone +31687654321 is not registered in JustIN Mobile")
    finally:
        client.close()
    assert simulator.state.is_registered(PHONE) and not simulator.state.is_registered("+31687654321")


def test_phone_not_in_international_format_is_EG(client: RawClient) -> None:
    fields = [b"CNM", b"0612345678", b"101", b"", b"", b"", b"", b"", b"1500010730", b"1100040730"]
    assert client.exchange(fields).text_fields() == (
        "EG",
        "0612345678",
        "The phone number is not in international format",
    )


# --- audit trail -----------------------------------------------------------------------------------


def test_audit_trail_first_next_repeat_and_end(simulator: Simulator, client: RawClient) -> None:
    first = AuditRecord(START, "0", "I", "101", "#0", "")
    second = AuditRecord(START + timedelta(minutes=5), "3", "O", "STAFF", "S1", "Jan")
    simulator.state.record_audit("101", first)
    simulator.state.record_audit("101", second)
    assert reply(client, ReadAudit("WF", "101")).text_fields() == (
        "WF",
        "101",
        "01/07",
        "15:00",
        "0",
        "I",
        "101     ",
        "#0",
        "",
    )
    event = ReadAudit("WN", "101").parse_reply(reply(client, ReadAudit("WN", "101")), OPTIONS)
    assert isinstance(event, AuditEvent)
    assert (event.day, event.month, event.time, event.incident, event.card_id, event.user) == (
        1,
        7,
        "15:05",
        "3",
        "STAFF",
        "Jan",
    )
    assert reply(client, ReadAudit("WR")).text_fields()[:4] == ("WR", "101", "01/07", "15:05")
    assert reply(client, ReadAudit("WN", "101")).text_fields() == ("WO", "101")
    assert reply(client, ReadAudit("WF", "101")).text_fields()[3] == "15:00"


def test_audit_trail_records_encoded_cards(client: RawClient) -> None:
    assert code(client, check_in("102", operator="Piet")) == "CN"
    fields = reply(client, ReadAudit("WF", "102")).text_fields()
    assert (fields[0], fields[1], fields[4], fields[5], fields[6], fields[7], fields[8]) == (
        "WF",
        "102",
        "0",
        "I",
        "102     ",
        "#0",
        "Piet",
    )


def test_audit_of_a_door_without_events_is_WO_and_of_an_unknown_door_WE(client: RawClient) -> None:
    assert reply(client, ReadAudit("WR")).text_fields() == ("WE", "", "No audit event was read yet")
    assert reply(client, ReadAudit("WF", "102")).text_fields() == ("WO", "102")
    assert reply(client, ReadAudit("WF", "999")).text_fields() == ("WE", "999", "Unknown door 999")


def test_audit_dates_follow_the_date_order_setting(make_simulator: Callable[..., Simulator]) -> None:
    options = WireOptions(site_zone=ZONE, audit_date_order="md")
    simulator = make_simulator(options=options)
    simulator.state.record_audit("Garage", AuditRecord(START.replace(day=2)))
    client = RawClient(simulator.endpoint)
    try:
        event = ReadAudit("WF", "Garage").parse_reply(reply(client, ReadAudit("WF", "Garage"), options), options)
    finally:
        client.close()
    assert isinstance(event, AuditEvent)
    assert (event.door, event.day, event.month) == ("Garage", 2, 7)


# --- the inspection and set-up API -------------------------------------------------------------------


def test_set_up_api_refuses_unknown_rooms_and_encoders(simulator: Simulator) -> None:
    with pytest.raises(ValidationError) as unknown_encoder:
        simulator.place_card("7", SimCard.blank())
    assert unknown_encoder.value.field == "encoder" and "'7'" in unknown_encoder.value.user_message("nl")
    with pytest.raises(ValidationError):
        simulator.state.set_in_service("999", False)


def test_take_card_empties_the_encoder(simulator: Simulator) -> None:
    card = SimCard.spare()
    simulator.place_card("2", card)
    assert simulator.state.take_card("2") == card
    assert simulator.card_on("2") is None


def test_requests_log_lists_every_accepted_command(simulator: Simulator, client: RawClient) -> None:
    assert code(client, CheckOut("101")) == "CO"
    client.exchange([b"XX"])
    assert simulator.state.requests == ("CO", "XX")


def test_mobile_check_in_can_join_the_current_stay(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(mobile_check_in_new_stay=False)
    client = RawClient(simulator.endpoint)
    try:
        assert code(client, check_in("101")) == "CN"
        stay = simulator.state.occupant("101")
        assert stay is not None
        assert code(client, MobileKey("CNM", PHONE, ("101",), START, END)) == "CNM"
        assert read(client).checked_in is True  # the printed card stays valid
        assert simulator.state.occupant("101") == stay
        assert simulator.state.mobile_keys[0].stay_id == stay.stay_id
        assert code(client, MobileKey("CNM", PHONE, ("102",), START, END)) == "CNM"  # empty room: new stay
        assert simulator.state.occupant("102") is not None
    finally:
        client.close()
