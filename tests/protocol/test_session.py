from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.protocol.codec import ACK, ENQ, NAK, encode_frame
from salto_desk.protocol.errors import LinkError, LinkTimeout, NakReceived, RemoteProtocolError
from salto_desk.protocol.session import Acknowledged, Completed, Exchange, Failed, Ready, Send, SessionSettings

REQUEST = encode_frame([b"CO", b"0", b"101"])
REPLY = encode_frame([b"CO", b"0", b"101"])
B_ENQ, B_ACK, B_NAK = bytes((ENQ,)), bytes((ACK,)), bytes((NAK,))


def sent(outputs: list[object]) -> list[bytes]:
    return [o.data for o in outputs if isinstance(o, Send)]


def failure(outputs: list[object]) -> Exception:
    (failed,) = [o for o in outputs if isinstance(o, Failed)]
    return failed.error


def test_happy_path_with_ready_check() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=True))
    assert sent(exchange.start(0.0)) == [B_ENQ]
    assert sent(exchange.receive(B_ACK, 0.1)) == [REQUEST]
    assert exchange.receive(B_ACK, 0.2) == [Acknowledged()]
    assert exchange.awaiting_reply
    assert exchange.deadline == pytest.approx(60.2)
    (completed,) = exchange.receive(REPLY, 5.0)
    assert isinstance(completed, Completed)
    assert completed.frame.command == "CO"
    assert exchange.done


def test_without_ready_check_the_frame_goes_first() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    assert sent(exchange.start(0.0)) == [REQUEST]


def test_reply_split_across_reads() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    exchange.receive(B_ACK, 0.0)
    assert exchange.receive(REPLY[:4], 1.0) == []
    assert isinstance(exchange.receive(REPLY[4:], 1.1)[0], Completed)


def test_ack_and_reply_in_one_read() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    outputs = exchange.receive(B_ACK + REPLY, 0.1)
    assert [type(o) for o in outputs] == [Acknowledged, Completed]


def test_nak_triggers_enq_then_resend() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    assert sent(exchange.receive(B_NAK, 0.1)) == [B_ENQ]
    # SALTO still not ready: wait enq_interval, then ENQ again.
    assert exchange.receive(B_NAK, 0.2) == []
    assert exchange.deadline == pytest.approx(0.4)
    assert exchange.timeout(0.3) == []  # too early
    assert sent(exchange.timeout(0.4)) == [B_ENQ]
    assert sent(exchange.receive(B_ACK, 0.5)) == [REQUEST]
    assert exchange.receive(B_ACK, 0.6) == [Acknowledged()]


def test_three_naks_of_the_frame_give_up() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False, max_attempts=3))
    outputs = exchange.start(0.0)
    frames_sent = sent(outputs)
    for _ in range(2):
        assert sent(exchange.receive(B_NAK, 0.0)) == [B_ENQ]
        frames_sent += sent(exchange.receive(B_ACK, 0.0))
    error = failure(exchange.receive(B_NAK, 0.0))
    assert frames_sent == [REQUEST] * 3
    assert isinstance(error, NakReceived)
    assert "3 times" in str(error)
    assert exchange.done


def test_enq_answered_nak_three_times_gives_up() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=True, enq_retries=3))
    enqs = sent(exchange.start(0.0))
    now = 0.0
    for _ in range(2):
        assert exchange.receive(B_NAK, now) == []
        now += 0.2
        enqs += sent(exchange.timeout(now))
    error = failure(exchange.receive(B_NAK, now))
    assert enqs == [B_ENQ] * 3
    assert isinstance(error, NakReceived)
    assert "readiness" in str(error)


@pytest.mark.parametrize("stray", [b"\x41", B_ENQ, encode_frame([b"ES"])])
def test_any_other_byte_where_an_ack_is_due_is_a_remote_error(stray: bytes) -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    error = failure(exchange.receive(stray, 0.1))
    assert isinstance(error, RemoteProtocolError)
    assert "acknowledgement" in str(error)


def test_no_ack_times_out() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False, ack_timeout=10.0))
    exchange.start(0.0)
    assert exchange.timeout(9.9) == []
    error = failure(exchange.timeout(10.0))
    assert isinstance(error, LinkTimeout)
    assert "acknowledge" in str(error)


def test_no_reply_times_out_after_the_card_wait() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False, reply_timeout=60.0))
    exchange.start(0.0)
    exchange.receive(B_ACK, 1.0)
    assert exchange.timeout(60.9) == []
    error = failure(exchange.timeout(61.0))
    assert isinstance(error, LinkTimeout)
    assert "60 s" in str(error)


def test_corrupt_reply_fails_by_default() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    exchange.receive(B_ACK, 0.0)
    bad = REPLY[:-1] + bytes((REPLY[-1] ^ 1,))
    error = failure(exchange.receive(bad, 0.1))
    assert isinstance(error, RemoteProtocolError)
    assert "bad LRC" in str(error)


def test_acknowledge_replies_setting_acks_good_and_naks_bad_replies() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False, acknowledge_replies=True, max_attempts=3))
    exchange.start(0.0)
    exchange.receive(B_ACK, 0.0)
    bad = REPLY[:-1] + bytes((REPLY[-1] ^ 1,))
    assert sent(exchange.receive(bad, 0.1)) == [B_NAK]
    outputs = exchange.receive(REPLY, 0.2)
    assert sent(outputs) == [B_ACK]
    assert isinstance(outputs[-1], Completed)


def test_acknowledge_replies_gives_up_after_repeated_corrupt_replies() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False, acknowledge_replies=True, max_attempts=2))
    exchange.start(0.0)
    exchange.receive(B_ACK, 0.0)
    bad = REPLY[:-1] + bytes((REPLY[-1] ^ 1,))
    assert sent(exchange.receive(bad, 0.1)) == [B_NAK]
    assert isinstance(failure(exchange.receive(bad, 0.2)), RemoteProtocolError)


def test_a_finished_exchange_ignores_later_bytes_and_timeouts() -> None:
    exchange = Exchange(REQUEST, SessionSettings(ready_check=False))
    exchange.start(0.0)
    exchange.receive(B_ACK + REPLY, 0.0)
    assert exchange.receive(B_NAK, 1.0) == []
    assert exchange.timeout(1000.0) == []


# --- the readiness check alone (a ping) ----------------------------------------------------------


@pytest.mark.parametrize("ready_check", [True, False])
def test_a_readiness_check_alone_ends_with_ready(ready_check: bool) -> None:
    ping = Exchange(None, SessionSettings(ready_check=ready_check))
    assert sent(ping.start(0.0)) == [B_ENQ]
    assert ping.deadline == pytest.approx(10.0)
    assert ping.receive(B_ACK, 0.1) == [Ready()]
    assert ping.done and ping.deadline is None


def test_a_readiness_check_alone_reports_one_nak_when_it_may_not_retry() -> None:
    ping = Exchange(None, SessionSettings(enq_retries=1))
    ping.start(0.0)
    error = failure(ping.receive(B_NAK, 0.1))
    assert isinstance(error, NakReceived)
    assert "'not ready' (NAK) to the readiness check" in str(error)


def test_a_readiness_check_alone_retries_like_a_request() -> None:
    ping = Exchange(None, SessionSettings())
    ping.start(0.0)
    assert ping.receive(B_NAK, 0.1) == []
    assert sent(ping.timeout(0.5)) == [B_ENQ]
    assert ping.receive(B_ACK, 0.6) == [Ready()]


def test_a_readiness_check_alone_times_out() -> None:
    ping = Exchange(None, SessionSettings(ack_timeout=2.0))
    ping.start(0.0)
    assert ping.timeout(1.9) == []
    error = failure(ping.timeout(2.0))
    assert isinstance(error, LinkTimeout)
    assert "did not answer the readiness check (ENQ) within 2 s" in str(error)


@given(st.binary(max_size=300), st.integers(1, 40), st.booleans(), st.booleans())
def test_any_bytes_from_salto_end_the_exchange_in_an_output_never_an_exception(
    data: bytes, chunk: int, with_frame: bool, acknowledge_replies: bool
) -> None:
    exchange = Exchange(REQUEST if with_frame else None, SessionSettings(acknowledge_replies=acknowledge_replies))
    outputs = exchange.start(0.0)
    for start in range(0, len(data), chunk):
        outputs += exchange.receive(data[start : start + chunk], 0.1)
    outputs += exchange.timeout(1000.0)
    assert all(isinstance(output, Send | Acknowledged | Completed | Ready | Failed) for output in outputs)
    assert exchange.done or exchange.deadline is not None
    ends = [output for output in outputs if isinstance(output, Completed | Ready | Failed)]
    assert len(ends) <= 1 and (not ends or exchange.done)
    assert all(isinstance(end.error, LinkError) for end in ends if isinstance(end, Failed))
