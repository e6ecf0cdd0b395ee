from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salto_desk.protocol.client import Progress, SaltoClient, Stage, Timeouts, TraceRecord
from salto_desk.protocol.codec import ACK, NAK, Control, Decoder, Frame, encode_frame
from salto_desk.protocol.errors import (
    Cancelled,
    ConnectFailed,
    ConnectionLost,
    LinkTimeout,
    LocalProtocolError,
    NakReceived,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.protocol.messages import CheckOut, EncodeCard, EncodeReply, MobileKey, MobileReply, WireOptions
from salto_desk.protocol.transport import SerialSettings

from .conftest import Peer, ScriptedSalto

ZONE = ZoneInfo("Europe/Amsterdam")
OPTIONS = WireOptions(site_zone=ZONE)
FAST = Timeouts(connect=2, write=2, ack=2, reply=5)
B_ACK, B_NAK = bytes((ACK,)), bytes((NAK,))
START = datetime(2026, 12, 1, 15, 0, tzinfo=ZONE)
END = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)

Scripted = Callable[..., ScriptedSalto]


def answer(*reply: bytes) -> Callable[[Peer], None]:
    """SALTO that acknowledges the readiness check and the frame, then sends ``reply``."""

    def script(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(B_ACK)
        peer.send(encode_frame(list(reply)))

    return script


def test_request_returns_typed_reply_with_progress_in_order(scripted: Scripted) -> None:
    server = scripted(answer(b"CN", b"1", b"04A1B2C3D4E5F6"))
    stages: list[Progress] = []
    with SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST) as client:
        reply = client.request(EncodeCard("CN", "1", ("101",), START, END), progress=stages.append)
    assert reply == EncodeReply("CN", "1", ("04A1B2C3D4E5F6",))
    assert [p.stage for p in stages] == [Stage.SENDING, Stage.ACKNOWLEDGED, Stage.REPLY]
    assert all(p.command == "CN" and p.waits_for_card for p in stages)


def test_salto_error_code_raises_typed_error(scripted: Scripted) -> None:
    server = scripted(answer(b"TD", b"1"))
    client = SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST)
    with pytest.raises(SaltoErrorReply) as caught:
        client.request(EncodeCard("CN", "1", ("999",), START, END))
    assert caught.value.code == "TD"
    assert "kamer" in caught.value.user_message("nl")


def test_bad_input_is_refused_before_connecting(scripted: Scripted) -> None:
    server = scripted()
    client = SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST)
    with pytest.raises(LocalProtocolError, match=r"E\.164"):
        client.request(MobileKey("CNM", "0612345678", ("101",)))
    assert server.connections == 0


def test_connection_refused_is_a_link_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    client = SaltoClient(f"127.0.0.1:{port}", options=OPTIONS, timeouts=FAST)
    with pytest.raises(ConnectFailed, match=f"127.0.0.1:{port}"):
        client.ping()


def test_ping_measures_the_enq_ack_round_trip(scripted: Scripted) -> None:
    def ready(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.send(B_ACK)

    server = scripted(ready)
    assert SaltoClient(server.endpoint, timeouts=FAST).ping() >= 0.0


def test_ping_nak_means_not_ready(scripted: Scripted) -> None:
    def busy(peer: Peer) -> None:
        peer.expect()
        peer.send(B_NAK)

    server = scripted(busy)
    with pytest.raises(NakReceived, match="not ready"):
        SaltoClient(server.endpoint, timeouts=FAST).ping()


def test_ping_without_an_answer_times_out_on_the_readiness_check(scripted: Scripted) -> None:
    def silent(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.expect()  # nothing is sent back; wait until the client gives up

    server = scripted(silent)
    with pytest.raises(LinkTimeout, match=r"readiness check \(ENQ\) within 0.3 s"):
        SaltoClient(server.endpoint, timeouts=Timeouts(connect=2, write=2, ack=0.3, reply=5)).ping()


def test_nak_then_recovery_resends_the_frame(scripted: Scripted) -> None:
    def flaky(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.send(B_ACK)
        first = peer.expect_frame()
        peer.send(B_NAK)
        assert peer.expect() is Control.ENQ
        peer.send(B_ACK)
        assert peer.expect_frame().raw == first.raw
        peer.send(B_ACK + encode_frame([b"CO", b"0", b"101"]))

    server = scripted(flaky)
    reply = SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST).request(CheckOut("101"))
    assert reply.command == "CO"


def test_garbage_instead_of_ack_is_a_remote_protocol_error(scripted: Scripted) -> None:
    def garbage(peer: Peer) -> None:
        peer.expect()
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(b"\x41\x42")

    server = scripted(garbage)
    with pytest.raises(RemoteProtocolError, match="41 42"):
        SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST).request(CheckOut("101"))


def test_connection_closed_mid_reply(scripted: Scripted) -> None:
    def drop(peer: Peer) -> None:
        peer.expect()
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(B_ACK + encode_frame([b"CO", b"0", b"101"])[:5])

    server = scripted(drop)
    with pytest.raises(ConnectionLost, match="closed by SALTO"):
        SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST).request(CheckOut("101"))


def test_reply_timeout(scripted: Scripted) -> None:
    release = threading.Event()

    def silent(peer: Peer) -> None:
        peer.expect()
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(B_ACK)
        release.wait(5)

    server = scripted(silent)
    client = SaltoClient(server.endpoint, options=OPTIONS, timeouts=Timeouts(ack=2, reply=0.3))
    with pytest.raises(LinkTimeout, match=r"0\.3 s"):
        client.request(CheckOut("101"))
    release.set()


def test_cancel_from_another_thread_ends_the_card_wait(scripted: Scripted) -> None:
    release = threading.Event()

    def card_wait(peer: Peer) -> None:
        peer.expect()
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(B_ACK)
        release.wait(10)

    server = scripted(card_wait)
    client = SaltoClient(server.endpoint, options=OPTIONS, timeouts=Timeouts(reply=30))
    acknowledged = threading.Event()

    def on_progress(progress: Progress) -> None:
        if progress.stage is Stage.ACKNOWLEDGED:
            acknowledged.set()

    outcome: list[BaseException] = []

    def run() -> None:
        try:
            client.request(EncodeCard("CN", "1", ("101",), START, END), progress=on_progress)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    assert acknowledged.wait(5)
    cancelled_at = time.monotonic()
    client.cancel()
    worker.join(5)
    release.set()
    assert not worker.is_alive()
    assert isinstance(outcome[0], Cancelled)
    assert time.monotonic() - cancelled_at < 2.0  # generous bound: the design promises 0.5 s


def test_keep_open_reuses_one_connection(scripted: Scripted) -> None:
    def two_requests(peer: Peer) -> None:
        answer(b"CO", b"0", b"101")(peer)
        answer(b"CO", b"0", b"102")(peer)

    server = scripted(two_requests)
    with SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST, keep_open=True) as client:
        client.request(CheckOut("101"))
        client.request(CheckOut("102"))
    assert server.connections == 1


def test_keep_open_reconnects_when_salto_closed_the_idle_connection(scripted: Scripted) -> None:
    def one_then_close(peer: Peer) -> None:
        answer(b"CO", b"0", b"101")(peer)

    server = scripted(one_then_close, answer(b"CO", b"0", b"102"))
    with SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST, keep_open=True) as client:
        client.request(CheckOut("101"))
        time.sleep(0.2)  # let SALTO's side close
        assert client.request(CheckOut("102")).fields == ("0", "102")
    assert server.connections == 2


def test_one_connection_per_request_by_default(scripted: Scripted) -> None:
    server = scripted(answer(b"CO", b"0", b"101"), answer(b"CO", b"0", b"102"))
    client = SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST)
    client.request(CheckOut("101"))
    client.request(CheckOut("102"))
    assert server.connections == 2


def test_without_ready_check_no_enq_is_sent(scripted: Scripted) -> None:
    def no_enq(peer: Peer) -> None:
        peer.expect_frame()
        peer.send(B_ACK + encode_frame([b"CO", b"0", b"101"]))

    server = scripted(no_enq)
    SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST, ready_check=False).request(CheckOut("101"))


def test_acknowledge_replies_sends_ack_after_the_reply(scripted: Scripted) -> None:
    seen: list[object] = []

    def acked(peer: Peer) -> None:
        answer(b"CO", b"0", b"101")(peer)
        seen.append(peer.expect())

    server = scripted(acked)
    SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST, acknowledge_replies=True).request(CheckOut("101"))
    server.thread.join(5)
    assert seen == [Control.ACK]


def test_trace_masks_phone_numbers_in_hex_and_text(scripted: Scripted, caplog: pytest.LogCaptureFixture) -> None:
    server = scripted(answer(b"CNM", b"+34619123456"))
    records: list[TraceRecord] = []
    with caplog.at_level(logging.DEBUG, logger="salto_desk.protocol.trace"):
        reply = SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST, trace=records.append).request(
            MobileKey("CNM", "+34619123456", ("101",), START, END)
        )
    assert reply == MobileReply("CNM", "+34619123456")
    directions = [r.direction for r in records]
    assert directions[:3] == ["out", "in", "out"]
    assert set(directions[3:]) == {"in"}
    everything = " ".join(f"{r.hex} {r.summary}" for r in records) + caplog.text
    assert "+********456" in everything
    assert "34619123" not in everything
    assert "33 34 36 31 39" not in everything  # the digits 34619 in hex
    assert any(r.summary == "ENQ" and r.direction == "out" for r in records)


def test_a_phone_number_split_over_two_reads_is_still_masked(scripted: Scripted) -> None:
    reply = encode_frame([b"CNM", b"+34619123456"])
    split = reply.index(b"9123")

    def script(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.send(B_ACK)
        peer.expect_frame()
        peer.send(B_ACK)
        peer.send(reply[:split])
        time.sleep(0.05)  # two reads on the client side
        peer.send(reply[split:])

    records: list[TraceRecord] = []
    SaltoClient(scripted(script).endpoint, options=OPTIONS, timeouts=FAST, trace=records.append).request(
        MobileKey("CNM", "+34619123456", ("101",), START, END)
    )
    incoming = [r for r in records if r.direction == "in"]
    assert any("+********456" in r.summary for r in incoming)
    assert all("39 31 32 33" not in r.hex for r in records)  # the digits 9123 in hex
    assert all("9123" not in r.summary for r in records)


def test_one_request_at_a_time_per_endpoint(scripted: Scripted) -> None:
    overlap = threading.Event()
    busy = threading.Lock()

    def exclusive(peer: Peer) -> None:
        if not busy.acquire(blocking=False):
            overlap.set()
        try:
            answer(b"CO", b"0", b"101")(peer)
        finally:
            busy.release()

    server = scripted(*[exclusive] * 4)
    clients = [SaltoClient(server.endpoint, options=OPTIONS, timeouts=FAST) for _ in range(2)]
    threads = [threading.Thread(target=lambda c=c: [c.request(CheckOut("101")) for _ in range(2)]) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert server.connections == 4
    assert not overlap.is_set()


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("127.0.0.1:8090", "tcp", "127.0.0.1:8090"),
        ("salto.local:8090", "tcp", "salto.local:8090"),
        ("[::1]:8090", "tcp", "[::1]:8090"),
        ("COM3", "serial", "COM3"),
        ("/dev/ttyUSB0", "serial", "/dev/ttyUSB0"),
        ("rfc2217://127.0.0.1:7000", "serial", "rfc2217://127.0.0.1:7000"),
        ("loop://", "serial", "loop://"),
    ],
)
def test_endpoint_parsing(text: str, kind: str, shown: str) -> None:
    client = SaltoClient(text)
    assert type(client.endpoint).__name__.lower().startswith(kind)
    assert str(client.endpoint) == shown


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("host:70000", "out of range")])
def test_bad_endpoints_are_refused_clearly(text: str, message: str) -> None:
    from salto_desk.errors import ValidationError

    with pytest.raises(ValidationError, match=message):
        SaltoClient(text)


def test_serial_loopback_echo_is_not_mistaken_for_salto() -> None:
    # loop:// echoes our ENQ back: a wrongly wired serial line must give a clear protocol error.
    with pytest.raises(RemoteProtocolError, match="ENQ"):
        SaltoClient("loop://", timeouts=FAST).ping()


def test_serial_port_that_does_not_exist() -> None:
    with pytest.raises(ConnectFailed, match="serial port"):
        SaltoClient("/dev/does-not-exist-salto", timeouts=FAST).ping()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pseudo-terminals are POSIX only")
def test_serial_exchange_over_a_pty_pair() -> None:
    import tty

    controller, device = os.openpty()
    tty.setraw(device)
    path = os.ttyname(device)

    def salto() -> None:
        decoder = Decoder()
        events: list[object] = []
        while not any(isinstance(e, Frame) for e in events):
            events += decoder.feed(os.read(controller, 4096))
            if Control.ENQ in events:
                events.remove(Control.ENQ)
                os.write(controller, B_ACK)
        os.write(controller, B_ACK + encode_frame([b"CO", b"0", b"101"]))

    peer = threading.Thread(target=salto, daemon=True)
    peer.start()
    try:
        reply = SaltoClient(path, options=OPTIONS, timeouts=FAST, serial=SerialSettings(baudrate=19200)).request(
            CheckOut("101")
        )
        assert reply.fields == ("0", "101")
    finally:
        peer.join(5)
        os.close(controller)
        os.close(device)
