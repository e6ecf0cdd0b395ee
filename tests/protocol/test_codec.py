from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.protocol.codec import (
    ACK,
    ENQ,
    ETX,
    LRC_SKIP,
    NAK,
    SEP,
    STX,
    Control,
    CorruptFrame,
    Decoder,
    Frame,
    Garbage,
    decode_all,
    encode_frame,
    lrc,
)
from salto_desk.protocol.errors import LocalProtocolError

# Reference §6 vectors.
CHECKOUT_101 = bytes.fromhex("02 B3 43 4F B3 30 B3 31 30 31 B3 03 0F")
NEW_CARD = bytes.fromhex(
    "02 B3 43 4E B3 31 B3 52 B3 31 30 31 B3 B3 B3 B3 B3 B3 31 34 30 30 32 31 31 32 32 32 B3 31 31 30 30"
    " 32 33 31 32 32 32 B3 03 5A"
)
ECHO_CN = bytes.fromhex("02 B3 43 4E B3 31 B3 03 8C")
ERROR_ES = bytes.fromhex("02 B3 45 53 B3 03 15")
READ_CARD = bytes.fromhex("02 B3 4C 54 B3 31 B3 52 B3 03 78")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([b"CO", b"0", b"101"], CHECKOUT_101),
        ([b"CN", b"1", b"R", b"101", b"", b"", b"", b"", b"", b"1400211222", b"1100231222"], NEW_CARD),
        ([b"CN", b"1"], ECHO_CN),
        ([b"ES"], ERROR_ES),
        ([b"LT", b"1", b"R"], READ_CARD),
    ],
)
def test_reference_vectors_encode_and_decode(fields: list[bytes], expected: bytes) -> None:
    assert encode_frame(fields) == expected
    assert decode_all(expected) == [Frame(tuple(fields), expected, True)]


def test_a_decoded_frame_is_a_normal_frozen_frame_with_its_text() -> None:
    (frame,) = decode_all(CHECKOUT_101)
    assert frame == Frame((b"CO", b"0", b"101"), CHECKOUT_101, True) and hash(frame) == hash(
        Frame(frame.fields, CHECKOUT_101, True)
    )
    assert frame.text_fields() == ("CO", "0", "101") == Frame(frame.fields, CHECKOUT_101, True).text_fields()
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame.raw = b""  # type: ignore[misc]


def test_lrc_covers_bytes_after_stx_up_to_etx() -> None:
    assert lrc(CHECKOUT_101[1:-1]) == 0x0F
    assert lrc(b"") == 0


def test_lrc_skip_byte_is_accepted_unchecked() -> None:
    frame = encode_frame([b"CO", b"0", b"101"], send_lrc=False)
    assert frame[-1] == LRC_SKIP
    (event,) = decode_all(frame)
    assert isinstance(event, Frame)
    assert event.fields == (b"CO", b"0", b"101")
    assert event.lrc_checked is False


def test_encode_refuses_framing_bytes_inside_a_field() -> None:
    for bad in (bytes((STX,)), bytes((ETX,)), bytes((SEP,))):
        with pytest.raises(LocalProtocolError, match="Field 1"):
            encode_frame([b"CO", b"a" + bad, b"101"])


@pytest.mark.parametrize("split", range(1, len(NEW_CARD)))
def test_any_split_in_two_gives_the_same_frame(split: int) -> None:
    decoder = Decoder()
    events = decoder.feed(NEW_CARD[:split]) + decoder.feed(NEW_CARD[split:])
    assert events == decode_all(NEW_CARD)
    assert decoder.idle


def test_byte_by_byte_feeding() -> None:
    decoder = Decoder()
    events = [event for byte in ERROR_ES + CHECKOUT_101 for event in decoder.feed(bytes((byte,)))]
    assert [e.fields for e in events if isinstance(e, Frame)] == [(b"ES",), (b"CO", b"0", b"101")]


@pytest.mark.parametrize("lrc_value", [STX, ETX, NAK, ACK, ENQ, SEP])
def test_lrc_equal_to_a_control_byte_is_read_by_position(lrc_value: int) -> None:
    # Find a field whose frame LRC is the wanted control byte, then decode it followed by another frame.
    for candidate in range(256):
        field = b"X" + bytes((candidate,)) if candidate not in (STX, ETX, SEP) else None
        if field is not None and encode_frame([b"EG", field])[-1] == lrc_value:
            break
    else:
        pytest.fail(f"no field gives LRC {lrc_value:#x}")
    frame = encode_frame([b"EG", field])
    events = decode_all(frame + ECHO_CN)
    assert [e.fields for e in events if isinstance(e, Frame)] == [(b"EG", field), (b"CN", b"1")]
    assert len(events) == 2


def test_es_frame_whose_lrc_is_nak_is_not_mistaken_for_a_nak() -> None:
    assert decode_all(ERROR_ES) == [Frame((b"ES",), ERROR_ES, True)]


def test_two_frames_in_one_read() -> None:
    events = decode_all(ECHO_CN + CHECKOUT_101)
    assert [e.command for e in events if isinstance(e, Frame)] == ["CN", "CO"]


def test_control_bytes_between_frames() -> None:
    events = decode_all(bytes((ACK,)) + ECHO_CN + bytes((NAK, ENQ)))
    assert events == [Control.ACK, Frame((b"CN", b"1"), ECHO_CN, True), Control.NAK, Control.ENQ]


def test_garbage_before_stx_is_skipped_and_reported() -> None:
    events = decode_all(b"noise\r\n" + ECHO_CN)
    assert events == [Garbage(b"noise\r\n"), Frame((b"CN", b"1"), ECHO_CN, True)]


def test_bad_lrc_is_reported_then_the_next_frame_decodes() -> None:
    broken = ECHO_CN[:-1] + bytes((ECHO_CN[-1] ^ 0xFF,))
    events = decode_all(broken + CHECKOUT_101)
    assert isinstance(events[0], CorruptFrame)
    assert "bad LRC" in events[0].reason
    assert events[0].raw == broken
    assert events[1] == Frame((b"CO", b"0", b"101"), CHECKOUT_101, True)


def test_frame_cut_off_by_a_new_stx_resynchronises() -> None:
    events = decode_all(ECHO_CN[:5] + CHECKOUT_101)
    assert isinstance(events[0], CorruptFrame)
    assert "new STX" in events[0].reason
    assert events[1].fields == (b"CO", b"0", b"101")  # type: ignore[union-attr]


def test_unfinished_frame_is_capped() -> None:
    decoder = Decoder(max_frame_bytes=64)
    events = decoder.feed(bytes((STX, SEP)) + b"A" * 100)
    assert len(events) == 1
    assert isinstance(events[0], CorruptFrame)
    assert "longer than 64 bytes" in events[0].reason
    assert decoder.idle


def test_after_an_overlong_frame_the_decoder_recovers() -> None:
    decoder = Decoder(max_frame_bytes=64)
    decoder.feed(bytes((STX,)) + b"A" * 200)
    events = decoder.feed(ECHO_CN)
    assert events[-1] == Frame((b"CN", b"1"), ECHO_CN, True)


def test_a_frame_of_two_empty_fields_is_a_frame() -> None:
    raw = bytes((STX, SEP, SEP, SEP, ETX))
    raw += bytes((lrc(raw[1:]),))
    assert decode_all(raw) == [Frame((b"", b""), raw, True)]


def test_empty_frame_is_corrupt() -> None:
    raw = bytes((STX, SEP, SEP, ETX))
    raw += bytes((lrc(raw[1:]),))
    (event,) = decode_all(raw)
    assert isinstance(event, CorruptFrame)
    assert event.reason == "empty frame"


field_values = st.binary(max_size=40).map(lambda b: bytes(x for x in b if x not in (STX, ETX, SEP)))


@given(st.lists(field_values, min_size=1, max_size=16).filter(lambda fields: fields[0] != b""), st.booleans())
def test_round_trip_of_arbitrary_fields(fields: list[bytes], send_lrc: bool) -> None:
    frame = encode_frame(fields, send_lrc=send_lrc)
    (event,) = decode_all(frame)
    assert isinstance(event, Frame)
    assert list(event.fields) == fields


@given(st.binary(max_size=600), st.integers(min_value=1, max_value=50))
def test_arbitrary_bytes_never_raise(data: bytes, chunk: int) -> None:
    decoder = Decoder(max_frame_bytes=256)
    events = []
    for start in range(0, len(data), chunk):
        events += decoder.feed(data[start : start + chunk])
    assert all(isinstance(e, Control | Frame | CorruptFrame | Garbage) for e in events)
    # Whatever came before, a clean frame after an idle decoder always decodes.
    if decoder.idle:
        assert decoder.feed(ECHO_CN)[-1] == Frame((b"CN", b"1"), ECHO_CN, True)


MEGABYTE = 1 << 20


def test_a_megabyte_of_stx_is_dropped_as_one_corrupt_frame() -> None:
    decoder = Decoder()
    events = decoder.feed(bytes((STX,)) * MEGABYTE)
    assert len(events) == 1
    assert isinstance(events[0], CorruptFrame) and events[0].reason == "frame cut off by a new STX"
    assert len(events[0].raw) == 4096  # what is kept of dropped bytes is bounded
    assert decoder.feed(ECHO_CN)[-1] == Frame((b"CN", b"1"), ECHO_CN, True)


def test_stx_a_pairs_then_a_frame() -> None:
    events = decode_all(b"\x02a" * (MEGABYTE // 2) + ECHO_CN)
    assert [type(event) for event in events] == [CorruptFrame, Frame]
    assert events[1] == Frame((b"CN", b"1"), ECHO_CN, True)


def test_one_huge_frame_without_etx_is_one_corrupt_frame() -> None:
    decoder = Decoder()
    events = decoder.feed(bytes((STX, SEP)) + b"A" * MEGABYTE)
    assert len(events) == 1 and isinstance(events[0], CorruptFrame)
    assert events[0].reason == "frame longer than 4096 bytes without ETX"
    assert decoder.idle


def test_a_megabyte_of_tiny_frames_all_decode() -> None:
    count = MEGABYTE // len(ECHO_CN)
    events = decode_all(ECHO_CN * count)
    assert len(events) == count
    assert all(event == Frame((b"CN", b"1"), ECHO_CN, True) for event in events)


def test_control_bytes_between_garbage_keep_their_order() -> None:
    events = decode_all(b"ab" + bytes((ACK, ACK)) + b"c" + bytes((NAK,)))
    assert events == [Garbage(b"ab"), Control.ACK, Control.ACK, Garbage(b"c"), Control.NAK]


def test_a_frame_split_after_its_etx_takes_the_next_byte_as_lrc() -> None:
    decoder = Decoder()
    assert decoder.feed(ERROR_ES[:-1]) == []
    assert decoder.feed(ERROR_ES[-1:] + ECHO_CN) == [
        Frame((b"ES",), ERROR_ES, True),
        Frame((b"CN", b"1"), ECHO_CN, True),
    ]


stream_parts = st.lists(
    st.one_of(
        st.sampled_from([ECHO_CN, CHECKOUT_101, ERROR_ES, NEW_CARD]),
        st.sampled_from([bytes((byte,)) for byte in (STX, ETX, ENQ, ACK, NAK, SEP, LRC_SKIP)]),
        st.binary(max_size=8),
    ),
    max_size=30,
).map(b"".join)


@given(stream_parts, st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_frames_and_handshake_bytes_do_not_depend_on_how_the_stream_is_split(data: bytes, sizes: list[int]) -> None:
    def kept(events: list[object]) -> list[object]:
        return [event for event in events if isinstance(event, Frame | Control)]

    decoder = Decoder()
    split: list[object] = []
    position = 0
    for size in sizes * (len(data) // sum(sizes) + 1):
        split += decoder.feed(data[position : position + size])
        position += size
    assert kept(split) == kept(decode_all(data))
