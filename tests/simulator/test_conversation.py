"""SALTO's side of the handshake, byte by byte."""

from __future__ import annotations

from collections.abc import Callable

from salto_desk.protocol.codec import (
    ACK,
    ENQ,
    LRC_SKIP,
    NAK,
    STX,
    Control,
    CorruptFrame,
    Decoder,
    Frame,
    encode_frame,
)
from salto_desk.protocol.messages import WireOptions
from salto_desk.simulator import Simulator
from salto_desk.simulator.conversation import corrupt_lrc, show
from tests.simulator.conftest import ZONE, RawClient

CHECK_OUT = [b"CO", b"0", b"101"]
CHECK_OUT_REPLY = (b"CO", b"0", b"101")


def test_enq_is_answered_with_ack(client: RawClient) -> None:
    client.send(bytes((ENQ,)))
    assert client.event() is Control.ACK


def test_frame_is_acknowledged_before_the_reply(client: RawClient) -> None:
    client.send_fields(CHECK_OUT)  # no ready check first: it is optional
    first, second = client.events(2)
    assert first is Control.ACK
    assert isinstance(second, Frame) and second.fields == CHECK_OUT_REPLY and second.lrc_checked


def test_bad_lrc_is_refused_with_nak_and_not_processed(simulator: Simulator, client: RawClient) -> None:
    frame = encode_frame(CHECK_OUT)
    client.send(frame[:-1] + bytes((frame[-1] ^ 0x40,)))
    assert client.event() is Control.NAK
    assert simulator.state.requests == ()
    client.send(frame)
    assert client.event() is Control.ACK
    assert client.frame().fields == CHECK_OUT_REPLY


def test_lrc_skip_byte_is_accepted(client: RawClient) -> None:
    client.send(encode_frame(CHECK_OUT, send_lrc=False))
    assert client.event() is Control.ACK
    assert client.frame().fields == CHECK_OUT_REPLY


def test_garbage_and_cut_off_frames_are_ignored_until_the_next_stx(simulator: Simulator, client: RawClient) -> None:
    client.send(b"noise\x7f" + bytes((STX,)) + b"\xb3CN\xb31" + encode_frame(CHECK_OUT))
    assert client.event() is Control.ACK
    assert client.frame().fields == CHECK_OUT_REPLY
    assert simulator.state.requests == ("CO",)


def test_nak_after_a_reply_resends_it(client: RawClient) -> None:
    reply = client.exchange(CHECK_OUT)
    client.send(bytes((NAK,)))
    again = client.frame()
    assert again.raw == reply.raw
    client.send(bytes((NAK,)))
    assert client.frame().raw == reply.raw


def test_ack_after_a_reply_is_ignored_and_a_later_nak_resends_nothing(client: RawClient) -> None:
    client.exchange(CHECK_OUT)
    client.send(bytes((ACK, NAK)))
    assert client.quiet_for(0.2)
    client.ready()


def test_nak_without_a_reply_is_ignored(client: RawClient) -> None:
    client.send(bytes((NAK,)))
    assert client.quiet_for(0.2)
    client.ready()


def test_several_requests_on_one_connection(client: RawClient) -> None:
    for room in (b"101", b"102", b"101"):
        assert client.exchange([b"CO", b"0", room]).fields == (b"CO", b"0", room)


def test_replies_carry_the_lrc_skip_byte_when_the_site_sends_no_lrc(
    make_simulator: Callable[..., Simulator],
) -> None:
    simulator = make_simulator(options=WireOptions(site_zone=ZONE, send_lrc=False))
    client = RawClient(simulator.endpoint)
    try:
        reply = client.exchange(CHECK_OUT)
    finally:
        client.close()
    assert reply.raw[-1] == LRC_SKIP and reply.fields == CHECK_OUT_REPLY


def test_corrupt_lrc_is_never_the_skip_byte() -> None:
    for good in range(256):
        frame = bytes((STX, good, good))  # the body is one byte, so its LRC is that byte
        corrupted = corrupt_lrc(frame)
        assert corrupted[-1] not in (LRC_SKIP, good)
        assert corrupted[:-1] == frame[:-1]


def test_log_lines_mask_phone_numbers_and_stay_short() -> None:
    assert show([b"CNM", b"+31612345678", b"101"]) == "CNM|+********678|101"
    assert len(show([b"x" * 500])) == 120


def test_corrupt_frame_reason_used_for_nak_is_the_codecs() -> None:
    frame = encode_frame(CHECK_OUT)
    (event,) = Decoder().feed(frame[:-1] + bytes((frame[-1] ^ 1,)))
    assert isinstance(event, CorruptFrame) and event.reason.startswith("bad LRC")
