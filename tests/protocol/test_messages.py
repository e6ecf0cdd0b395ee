from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salto_desk.protocol.codec import Frame, decode_all, encode_frame
from salto_desk.protocol.errors import ERROR_CODES, LocalProtocolError, RemoteProtocolError, SaltoErrorReply
from salto_desk.protocol.messages import (
    Acknowledgement,
    AuditEnd,
    AuditEvent,
    BinaryMobileKey,
    BinaryMobileReply,
    CardReadout,
    CardType,
    CheckOut,
    EjectMode,
    EncodeCard,
    EncodeReply,
    MobileKey,
    MobileReply,
    ModifyCheckIn,
    ReadAudit,
    ReadCard,
    ReadTrack,
    SerialReturn,
    TrackReply,
    WireOptions,
    WriteTrack,
    audit_event_fields,
    card_readout_fields,
    parse_request,
    raise_for_error,
)

ZONE = ZoneInfo("Europe/Amsterdam")
FULL = WireOptions(site_zone=ZONE)
TRIM = WireOptions(site_zone=ZONE, trailing_fields="trim")
START = datetime(2022, 12, 21, 14, 0, tzinfo=ZONE)
END = datetime(2022, 12, 23, 11, 0, tzinfo=ZONE)


def frame(*fields: str):  # type: ignore[no-untyped-def]
    (event,) = decode_all(encode_frame([f.encode("latin-1") for f in fields]))
    return event


def test_encode_card_full_layout_has_16_fields() -> None:
    request = EncodeCard(
        "CN",
        "Online Encoder 1",
        ("101", "Pool"),
        START,
        END,
        granted=(1, 10),
        denied=(62,),
        operator="Anna",
        texts=("Welcome", "Family Müller"),
        eject=EjectMode.EJECT,
    )
    assert request.fields(FULL) == [
        b"CN",
        b"Online Encoder 1",
        b"E",
        b"101",
        b"Pool",
        b"",
        b"",
        b"1a",
        b"}",
        b"1400211222",
        b"1100231222",
        b"Anna",
        b"Welcome",
        b"Family Muller",
        b"",
        b"2",
    ]


def test_trimmed_layout_drops_only_trailing_empty_fields() -> None:
    request = EncodeCard("CN", "1", ("101",), START, END, eject=EjectMode.RETAIN, serial_return=None)
    assert request.fields(TRIM) == [b"CN", b"1", b"R", b"101", b"", b"", b"", b"", b"", b"1400211222", b"1100231222"]
    assert len(request.fields(FULL)) == 16


def test_amount_digit_follows_the_command() -> None:
    assert EncodeCard("CC", "1", ("101",), amount=3).fields(FULL)[0] == b"CC3"
    with pytest.raises(LocalProtocolError, match="1 to 9"):
        EncodeCard("CC", "1", ("101",), amount=10).fields(FULL)


def test_rooms_are_checked_before_anything_is_sent() -> None:
    with pytest.raises(LocalProtocolError, match="1 to 4 rooms"):
        EncodeCard("CN", "1", ()).fields(FULL)
    with pytest.raises(LocalProtocolError, match="1 to 4 rooms"):
        EncodeCard("CN", "1", ("1", "2", "3", "4", "5")).fields(FULL)
    with pytest.raises(LocalProtocolError, match="control character"):
        EncodeCard("CN", "1", ("\x02",)).fields(FULL)


@pytest.mark.parametrize(
    ("request_", "field", "shown"),
    [
        (CheckOut("Chalet Duinzicht Noord 12"), "room", "is 25 characters; SALTO takes at most 24"),
        (CheckOut("1\x020\x031"), "room", "U+0002"),
        (EncodeCard("CN", "1\U0001f600", ("101",)), "encoder", "'\U0001f600'"),
        (EncodeCard("CN", "1", ("101", " 102")), "rooms", "starts or ends with a space"),
        (MobileKey("CNM", "+31612345678", ("101", "Hütte")), "rooms", "'ü'"),
        (ModifyCheckIn("101", "10³", END), "new_room", "0xB3"),
        (ModifyCheckIn("", "102", END), "room", "is empty"),
        (ReadCard("encoder 1 "), "encoder", "space"),
        (ReadTrack(1, "x" * 25), "encoder", "is 25 characters"),
        (WriteTrack(1, "", "text"), "encoder", "is empty"),
        (ReadAudit("WF", "Poort\n"), "door", "U+000A"),
        (ReadAudit("WN", ""), "door", "is empty"),
    ],
)
def test_identifiers_are_refused_never_changed(request_: object, field: str, shown: str) -> None:
    with pytest.raises(LocalProtocolError) as caught:
        request_.fields(FULL)  # type: ignore[attr-defined]
    assert caught.value.field == field
    assert shown in caught.value.user_message("en")


def test_latin1_sites_send_latin1_identifiers_as_they_are() -> None:
    latin1 = WireOptions(site_zone=ZONE, encoding="latin-1")
    assert CheckOut("Hütte 3").fields(latin1) == [b"CO", b"0", "Hütte 3".encode("latin-1")]


@pytest.mark.parametrize("make", [EncodeCard, MobileKey])
def test_an_authorization_cannot_be_granted_and_denied(make: type) -> None:
    first = "CN" if make is EncodeCard else "CNM"
    request = make(first, "+31612345678" if make is MobileKey else "1", ("101",), granted=(1, 5), denied=(5,))
    with pytest.raises(LocalProtocolError, match="Authorization 5 is both granted and denied"):
        request.fields(FULL)


def test_times_outside_the_two_digit_years_are_refused() -> None:
    late = datetime(2100, 1, 1, 12, 0, tzinfo=ZONE)
    with pytest.raises(LocalProtocolError, match="2000 to 2099") as caught:
        EncodeCard("CN", "1", ("101",), START, late).fields(FULL)
    assert caught.value.field == "end"


def test_end_before_start_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="expire"):
        EncodeCard("CN", "1", ("101",), END, START).fields(FULL)


def test_more_than_three_text_lines_are_refused() -> None:
    with pytest.raises(LocalProtocolError, match="3 text lines"):
        EncodeCard("CN", "1", ("101",), texts=("a", "b", "c", "d")).fields(FULL)


def test_mobile_key_layout_and_phone_check() -> None:
    request = MobileKey("CNM", "+34 619 123 456", ("101",), START, END, message="Wélcome")
    fields = request.fields(FULL)
    assert len(fields) == 16
    assert fields[:2] == [b"CNM", b"+34619123456"]
    assert fields[8:10] == [b"1400211222", b"1100231222"]
    assert fields[14] == b"Welcome"
    with pytest.raises(LocalProtocolError, match=r"E\.164"):
        MobileKey("CNM", "0612345678", ("101",)).fields(FULL)


def test_reference_mobile_vector_lrc() -> None:
    request = MobileKey("CNM", "+34619123456", ("101",), START, END)
    wire = encode_frame(request.fields(TRIM))
    assert len(wire) == 52
    assert wire[-1] == 0xD2


def test_binary_mobile_key_asks_for_installation_id() -> None:
    request = BinaryMobileKey("CNMB", "+34619123456", ("101",), return_installation_id=True)
    assert request.fields(FULL)[14] == b"1"
    reply = request.parse_reply(frame("CNMB", "+34619123456", "0A0B", "inst-7"), FULL)
    assert reply == BinaryMobileReply("CNMB", "+34619123456", "0A0B", "inst-7")


def test_checkout_and_modify_fields() -> None:
    assert CheckOut("101").fields(FULL) == [b"CO", b"0", b"101"]
    assert ModifyCheckIn("101", "102", END).fields(FULL) == [b"MC", b"101", b"102", b"1100231222", b""]
    assert ModifyCheckIn("101", "", END).fields(TRIM) == [b"MC", b"101", b"", b"1100231222", b""]  # same room
    assert CheckOut("101").parse_reply(frame("CO", "0", "101"), FULL) == Acknowledgement("CO", ("0", "101"))


def test_encode_reply_with_serial_numbers() -> None:
    request = EncodeCard("CN", "1", ("101",), amount=2)
    reply = request.parse_reply(frame("CN2", "1", "04A1B2C3D4E5F6", "04A1B2C3D4E5F7"), FULL)
    assert reply == EncodeReply("CN2", "1", ("04A1B2C3D4E5F6", "04A1B2C3D4E5F7"))


def test_mobile_reply_echo() -> None:
    reply = MobileKey("CCM", "+34619123456", ("101",)).parse_reply(frame("CCM", "+34619123456"), FULL)
    assert reply == MobileReply("CCM", "+34619123456")


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_error_code_raises_with_english_and_dutch_guidance(code: str) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        EncodeCard("CN", "1", ("101",)).parse_reply(frame(code, "1", "phone not registered"), FULL)
    error = caught.value
    assert error.code == code
    assert error.user_message("en") != error.user_message("nl")
    assert error.action is not None and error.action.en and error.action.nl


def test_eg_carries_salto_description() -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        MobileKey("CNM", "+34619123456", ("101",)).parse_reply(frame("EG", "+34619123456", "Not registered"), FULL)
    assert caught.value.detail == "Not registered"
    assert "Not registered" in caught.value.user_message("en")
    assert "JustIN" in caught.value.user_message("en")


def test_reply_for_another_command_is_a_remote_error() -> None:
    with pytest.raises(RemoteProtocolError, match="'LT'"):
        EncodeCard("CN", "1", ("101",)).parse_reply(frame("LT", "1"), FULL)


def test_read_card_guest_card() -> None:
    reply = ReadCard("1").parse_reply(
        frame("LT", "1", "101", "Pool", "", "", "CI", "1", "1a}", "1400211222", "1100231222", "Anna"), FULL
    )
    assert reply == CardReadout("1", CardType.GUEST, ("101", "Pool"), True, "1", (1, 10, 62), START, END, "Anna")
    assert reply.copy_label.en == "copy 1"


@pytest.mark.parametrize(
    ("code", "card_type"),
    [("LM", CardType.STAFF), ("LR", CardType.SPARE), ("LC", CardType.INVALID), ("LD", CardType.UNKNOWN)],
)
def test_read_card_special_cards(code: str, card_type: CardType) -> None:
    assert ReadCard("1").parse_reply(frame("LT", "1", code), FULL) == CardReadout("1", card_type)


def test_read_card_checked_out_third_copy() -> None:
    reply = ReadCard("1").parse_reply(frame("LT", "1", "101", "", "", "", "CO", "I", "", "", "", ""), FULL)
    assert reply.checked_in is False
    assert reply.copy_label.en == "third or later copy"


def test_read_card_garbled_readout_is_a_remote_error() -> None:
    with pytest.raises(RemoteProtocolError, match="cannot be decoded"):
        ReadCard("1").parse_reply(frame("LT", "1", "101", "", "", "", "XX", "0"), FULL)


def test_card_readout_fields_round_trip() -> None:
    card = CardReadout("2", CardType.GUEST, ("101",), False, "2", (5,), START, END, "Bob")
    assert ReadCard("2").parse_reply(frame(*[f.decode() for f in card_readout_fields(card, FULL)]), FULL) == card
    staff = CardReadout("2", CardType.STAFF)
    assert ReadCard("2").parse_reply(frame(*[f.decode() for f in card_readout_fields(staff, FULL)]), FULL) == staff


def test_tracks() -> None:
    assert ReadTrack(2, "1").fields(FULL) == [b"L2", b"1", b"E"]
    assert ReadTrack(2, "1").parse_reply(frame("L2", "1", "hello"), FULL) == TrackReply(2, "1", "hello")
    assert WriteTrack(3, "1", "Plate AB-12-CD").fields(FULL) == [b"P3", b"1", b"E", b"Plate AB-12-CD"]
    with pytest.raises(LocalProtocolError, match="Track 4"):
        ReadTrack(4, "1").fields(FULL)


@pytest.mark.parametrize(("order", "day", "month"), [("dm", 5, 11), ("md", 11, 5)])
def test_audit_event_date_order_is_a_setting(order: str, day: int, month: int) -> None:
    options = WireOptions(site_zone=ZONE, audit_date_order=order)  # type: ignore[arg-type]
    reply = frame("WF", "101", "05/11", "14:02", "0", "I", "101     ", "#1", "Anna")
    event = ReadAudit("WF", "101").parse_reply(reply, options)
    assert event == AuditEvent("101", day, month, "14:02", "0", "I", "101", "#1", "Anna")
    assert event.incident_name == "open"


def test_audit_end_and_error() -> None:
    assert ReadAudit("WN", "101").parse_reply(frame("WO", "101"), FULL) == AuditEnd("101")
    with pytest.raises(SaltoErrorReply) as caught:
        ReadAudit("WF", "999").parse_reply(frame("WE", "999", "Unknown door"), FULL)
    assert caught.value.code == "WE"


requests = st.one_of(
    st.builds(
        EncodeCard,
        command=st.sampled_from(["CN", "CC", "CA"]),
        encoder=st.sampled_from(["1", "Online Encoder 1"]),
        rooms=st.lists(st.sampled_from(["101", "102", "Pool", "Gate"]), min_size=1, max_size=4).map(tuple),
        start=st.just(START),
        end=st.just(END),
        granted=st.lists(st.integers(1, 31), unique=True, max_size=5).map(tuple),
        denied=st.lists(st.integers(32, 62), unique=True, max_size=5).map(tuple),
        operator=st.sampled_from(["", "Anna"]),
        texts=st.lists(st.sampled_from(["Welcome", "Park"]), max_size=3).map(tuple),
        eject=st.sampled_from(list(EjectMode)),
        serial_return=st.sampled_from([None, *SerialReturn]),
        amount=st.sampled_from([None, 1, 2, 9]),
    ),
    st.builds(
        MobileKey,
        command=st.sampled_from(["CNM", "CCM"]),
        phone=st.just("+31612345678"),
        rooms=st.just(("101",)),
        start=st.just(START),
        end=st.just(END),
        message=st.sampled_from(["", "Hi"]),
    ),
    st.builds(CheckOut, room=st.sampled_from(["101", "Pool"])),
    st.builds(ReadCard, encoder=st.just("1"), eject=st.sampled_from(list(EjectMode))),
    st.builds(ReadTrack, track=st.sampled_from([1, 2, 3]), encoder=st.just("2")),
    st.builds(WriteTrack, track=st.sampled_from([1, 2, 3]), encoder=st.just("2"), text=st.just("abc")),
    st.builds(ModifyCheckIn, room=st.just("101"), new_room=st.sampled_from(["102", ""]), new_end=st.just(END)),
    st.builds(ReadAudit, command=st.sampled_from(["WF", "WN"]), door=st.just("101")),
    st.just(ReadAudit("WR")),
    st.builds(
        BinaryMobileKey,
        command=st.sampled_from(["CNMB", "CCMB"]),
        phone=st.just("+31612345678"),
        rooms=st.just(("101", "Pool")),
        start=st.just(START),
        end=st.just(END),
        return_installation_id=st.booleans(),
    ),
)


@given(requests, st.sampled_from([FULL, TRIM]))
def test_parse_request_inverts_fields(request: object, options: WireOptions) -> None:
    wire = encode_frame(request.fields(options))  # type: ignore[attr-defined]
    (event,) = decode_all(wire)
    assert parse_request(event, options) == request


def test_parse_request_rejects_unknown_and_malformed_commands() -> None:
    with pytest.raises(LocalProtocolError, match="Unknown command"):
        parse_request(frame("ZZ", "1"), FULL)
    with pytest.raises(LocalProtocolError, match="Invalid CN"):
        parse_request(frame("CN", "1", "Q", "101"), FULL)


# --- nothing SALTO sends makes a parser raise anything but the project's protocol errors -----------

LATIN1_DIGIT_LIKE = "²³¹¼½¾"  # str.isdigit()/isnumeric() say yes, int() says no
TOKENS = [
    "CN",
    "CC",
    "CA",
    "CN2",
    "CN²",
    "CC¹",
    "CNM",
    "CCM",
    "CNMB",
    "CCMB",
    "CO",
    "CO1",
    "MC",
    "LT",
    "L1",
    "L2",
    "L²",
    "L4",
    "P1",
    "P3",
    "WF",
    "WN",
    "WR",
    "WO",
    "WE",
    "EG",
    "ES",
    "TD",
    "LM",
    "LR",
    "LC",
    "LD",
    "CI",
    "0",
    "1",
    "2",
    "I",
    "A",
    "E",
    "R",
    "T",
    "",
    " ",
    "1400211222",
    "2500211222",
    "14002112²2",
    "0000000000",
    "9999999999",
    "140021122",
    "05/11",
    "31/02",
    "²/¹",
    "13/13",
    "00/00",
    "1/",
    "//",
    "12a}",
    "~",
    "1~",
    "+34619123456",
    "101",
    " 101 ",
    "STAFF   ",
    "04A1B2C3",
    "\x00",
    "ÿ",
    LATIN1_DIGIT_LIKE,
]
field_values = st.one_of(
    st.sampled_from(TOKENS).map(lambda token: token.encode("latin-1")),
    st.binary(max_size=12),
    st.text(alphabet=LATIN1_DIGIT_LIKE + "0123456789/", max_size=10).map(lambda text: text.encode("latin-1")),
)
VALID_REPLIES = [
    (b"LT", b"1", b"101", b"Pool", b"", b"", b"CI", b"1", b"1a}", b"1400211222", b"1100231222", b"Anna"),
    (b"LT", b"1", b"LM"),
    (b"WF", b"101", b"05/11", b"14:02", b"0", b"I", b"101     ", b"#1", b"Anna"),
    (b"WO", b"101"),
    (b"CN2", b"1", b"04A1B2C3D4E5F6", b"04A1B2C3D4E5F7"),
    (b"CNMB", b"+34619123456", b"0A0B", b"inst-7"),
    (b"CNM", b"+34619123456"),
    (b"L2", b"1", b"hello"),
    (b"CO", b"0", b"101"),
    (b"EG", b"+34619123456", b"Not registered"),
]


def _mutate(valid: tuple[bytes, ...], changes: list[tuple[int, bytes]], length: int) -> tuple[bytes, ...]:
    fields = list(valid) + [b""] * 16
    for position, value in changes:
        fields[position] = value
    return tuple(fields[:length])


frames_from_salto = st.one_of(
    st.lists(field_values, max_size=20),
    st.builds(
        _mutate,
        st.sampled_from(VALID_REPLIES),
        st.lists(st.tuples(st.integers(0, 15), field_values), max_size=3),
        st.integers(0, 16),
    ),
).map(lambda fields: Frame(tuple(fields), b"", True))

EVERY_REQUEST = [
    *[EncodeCard(command, "1", ("101",)) for command in ("CN", "CC", "CA")],
    EncodeCard("CN", "1", ("101",), amount=2),
    MobileKey("CNM", "+34619123456", ("101",)),
    MobileKey("CCM", "+34619123456", ("101",)),
    BinaryMobileKey("CNMB", "+34619123456", ("101",)),
    BinaryMobileKey("CCMB", "+34619123456", ("101",)),
    CheckOut("101"),
    ModifyCheckIn("101", "", END),
    ReadCard("1"),
    *[ReadTrack(track, "1") for track in (1, 2, 3)],
    *[WriteTrack(track, "1", "text") for track in (1, 2, 3)],
    ReadAudit("WF", "101"),
    ReadAudit("WN", "101"),
    ReadAudit("WR"),
]
SITES = [FULL, WireOptions(site_zone=ZONE, encoding="latin-1", audit_date_order="md")]


@settings(max_examples=1000)
@given(frames_from_salto, st.sampled_from(EVERY_REQUEST), st.sampled_from(SITES))
def test_any_reply_is_parsed_or_refused_with_a_protocol_error(
    reply: Frame, request: object, options: WireOptions
) -> None:
    try:
        request.parse_reply(reply, options)  # type: ignore[attr-defined]
    except (RemoteProtocolError, SaltoErrorReply) as error:
        assert error.user_message("en") and error.user_message("nl")


@settings(max_examples=500)
@given(frames_from_salto)
def test_raise_for_error_raises_only_error_replies(reply: Frame) -> None:
    try:
        raise_for_error(reply)
    except SaltoErrorReply as error:
        assert error.code in ERROR_CODES


@settings(max_examples=1000)
@given(frames_from_salto, st.sampled_from(SITES))
def test_any_request_frame_is_parsed_or_refused_with_a_local_error(request: Frame, options: WireOptions) -> None:
    try:
        parse_request(request, options)
    except LocalProtocolError as error:
        assert error.user_message("en") and error.user_message("nl")


@pytest.mark.parametrize("command", ["CN²", "CN¹", "CN½"])
def test_a_command_with_a_digit_like_character_is_a_protocol_error(command: str) -> None:
    with pytest.raises(RemoteProtocolError, match="answered"):
        EncodeCard("CN", "1", ("101",)).parse_reply(frame(command, "1"), FULL)
    with pytest.raises(LocalProtocolError, match="Unknown command"):
        parse_request(frame(command, "1", "E", "101"), FULL)


def test_a_garbled_audit_date_is_a_remote_error() -> None:
    for date in ("²/¹", "32/01", "05/13", "5-11"):
        with pytest.raises(RemoteProtocolError, match="audit date"):
            ReadAudit("WF", "101").parse_reply(frame("WF", "101", date, "14:02"), FULL)


@pytest.mark.parametrize("order", ["dm", "md"])
def test_audit_event_fields_round_trip(order: str) -> None:
    options = WireOptions(site_zone=ZONE, audit_date_order=order)  # type: ignore[arg-type]
    event = AuditEvent("101", 5, 11, "14:02", "3", "O", "STAFF", "S1", "Jan")
    fields = audit_event_fields("WN", event, options)
    assert fields[2] == (b"05/11" if order == "dm" else b"11/05") and fields[6] == b"STAFF   "
    assert ReadAudit("WN", "101").parse_reply(frame(*[f.decode() for f in fields]), options) == event
