"""Every injectable fault, seen from the wire, and the validation of the fault API."""

from __future__ import annotations

import time

import pytest

from salto_desk.errors import ValidationError
from salto_desk.protocol.codec import NAK, Control, CorruptFrame, Garbage, encode_frame
from salto_desk.simulator import Fault, Faults, Simulator
from salto_desk.simulator.conversation import GARBAGE
from tests.simulator.conftest import RawClient

CHECK_OUT = [b"CO", b"0", b"101"]
CHECK_OUT_REPLY = (b"CO", b"0", b"101")
CHECK_IN = [b"CN", b"1", b"E", b"101", b"", b"", b"", b"", b"", b"1500010730", b"1100040730"]


def test_nak_next_frames_refuses_them_unprocessed(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.nak_next(2)
    for _ in range(2):
        client.send_fields(CHECK_OUT)
        assert client.event() is Control.NAK
    assert simulator.state.requests == ()
    assert client.exchange(CHECK_OUT).fields == CHECK_OUT_REPLY
    assert simulator.faults.pending(Fault.NAK) == 0


def test_garbage_instead_of_ack_drops_the_frame(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.garbage_ack_next(1)
    client.send_fields(CHECK_OUT)
    assert client.event() == Garbage(GARBAGE)
    assert client.quiet_for(0.2)
    assert simulator.state.requests == ()
    assert client.exchange(CHECK_OUT).fields == CHECK_OUT_REPLY


def test_corrupt_lrc_then_a_good_resend_after_nak(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.corrupt_lrc_next(1)
    client.ready()
    client.send_fields(CHECK_OUT)
    ack, bad = client.events(2)
    assert ack is Control.ACK
    assert isinstance(bad, CorruptFrame) and bad.reason.startswith("bad LRC")
    client.send(bytes((NAK,)))
    assert client.frame().raw == encode_frame(list(CHECK_OUT_REPLY))


def test_each_transmission_counts_for_corrupt_lrc(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.corrupt_lrc_next(2)
    client.send_fields(CHECK_OUT)
    assert client.event() is Control.ACK
    assert isinstance(client.event(), CorruptFrame)
    client.send(bytes((NAK,)))
    assert isinstance(client.event(), CorruptFrame)
    client.send(bytes((NAK,)))
    assert client.frame().fields == CHECK_OUT_REPLY


def test_drop_mid_reply_closes_after_half_a_reply_but_the_work_is_done(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.drop_mid_reply_next(1)
    client.send_fields(CHECK_IN)
    assert client.event() is Control.ACK
    assert client.closed_by_peer()
    assert client.pending == []  # half a frame decodes to nothing yet
    assert not client.decoder.idle
    assert simulator.state.occupant("101") is not None
    again = RawClient(simulator.endpoint)
    try:
        assert again.exchange(CHECK_OUT).fields == CHECK_OUT_REPLY
    finally:
        again.close()


def test_ack_delay_holds_back_every_ack(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.ack_delay = 0.3
    began = time.monotonic()
    client.ready()
    client.send_fields(CHECK_OUT)
    assert client.event() is Control.ACK
    assert time.monotonic() - began >= 0.6  # a lower bound only: a slow machine makes it longer, not shorter
    assert client.frame().fields == CHECK_OUT_REPLY


def test_error_reply_replaces_the_answer_without_processing(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.error_reply_next("NF")
    simulator.faults.error_reply_next("EO")
    assert client.exchange(CHECK_IN).fields == (b"NF",)
    assert client.exchange(CHECK_IN).fields == (b"EO",)
    assert simulator.state.occupant("101") is None
    assert client.exchange(CHECK_OUT).fields == CHECK_OUT_REPLY


def test_general_error_reply_carries_a_description(simulator: Simulator, client: RawClient) -> None:
    simulator.faults.error_reply_next("EP")
    assert client.exchange(CHECK_OUT).fields == (b"EP",)


def test_fault_api_refuses_bad_values() -> None:
    faults = Faults()
    with pytest.raises(ValidationError) as negative:
        faults.nak_next(-1)
    assert negative.value.field == "count"
    with pytest.raises(ValidationError) as unknown:
        faults.error_reply_next("ZZ")
    assert "'ZZ'" in unknown.value.user_message("nl")
    with pytest.raises(ValidationError):
        faults.ack_delay = -0.5
    with pytest.raises(ValidationError):
        faults.ack_delay = float("nan")


def test_clear_removes_every_pending_fault() -> None:
    faults = Faults()
    faults.nak_next(3)
    faults.corrupt_lrc_next(1)
    faults.error_reply_next("NF", 2)
    faults.ack_delay = 1.0
    faults.clear()
    assert [faults.pending(fault) for fault in Fault] == [0, 0, 0, 0]
    assert faults.take_error_reply() is None and faults.ack_delay == 0.0


def test_take_uses_each_fault_once() -> None:
    faults = Faults()
    faults.drop_mid_reply_next(2)
    assert [faults.take(Fault.DROP_MID_REPLY) for _ in range(3)] == [True, True, False]
    assert not faults.take(Fault.NAK)
