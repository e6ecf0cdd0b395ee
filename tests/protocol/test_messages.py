from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.protocol.codec import decode_all, encode_frame
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
    card_readout_fields,
    parse_request,
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
        "CN", "Online Encoder 1", ("101", "Pool"), START, END, granted=(1, 10), denied=(62,),
        operator="Anna", texts=("Welcome", "Family Müller"), eject=EjectMode.EJECT,
    )
    assert request.fields(FULL) == [
        b"CN", b"Online Encoder 1", b"E", b"101", b"Pool", b"", b"", b"1a", b"}", b"1400211222", b"1100231222",
        b"Anna", b"Welcome", b"Family Muller", b"", b"2",
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
    with pytest.raises(LocalProtocolError, match="empty"):
        EncodeCard("CN", "1", ("\x02",)).fields(FULL)


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


@pytest.mark.parametrize(("code", "card_type"), [("LM", CardType.STAFF), ("LR", CardType.SPARE),
                                                 ("LC", CardType.INVALID), ("LD", CardType.UNKNOWN)])
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
        granted=st.lists(st.integers(1, 62), unique=True, max_size=5).map(tuple),
        denied=st.lists(st.integers(1, 62), unique=True, max_size=5).map(tuple),
        operator=st.sampled_from(["", "Anna"]),
        texts=st.lists(st.sampled_from(["Welcome", "Park"]), max_size=3).map(tuple),
        eject=st.sampled_from(list(EjectMode)),
        serial_return=st.sampled_from([None, *SerialReturn]),
        amount=st.sampled_from([None, 1, 2, 9]),
    ),
    st.builds(MobileKey, command=st.sampled_from(["CNM", "CCM"]), phone=st.just("+31612345678"),
              rooms=st.just(("101",)), start=st.just(START), end=st.just(END), message=st.sampled_from(["", "Hi"])),
    st.builds(CheckOut, room=st.sampled_from(["101", "Pool"])),
    st.builds(ReadCard, encoder=st.just("1"), eject=st.sampled_from(list(EjectMode))),
    st.builds(ReadTrack, track=st.sampled_from([1, 2, 3]), encoder=st.just("2")),
    st.builds(WriteTrack, track=st.sampled_from([1, 2, 3]), encoder=st.just("2"), text=st.just("abc")),
    st.builds(ModifyCheckIn, room=st.just("101"), new_room=st.just("102"), new_end=st.just(END)),
    st.builds(ReadAudit, command=st.sampled_from(["WF", "WN"]), door=st.just("101")),
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
