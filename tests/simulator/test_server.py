"""The simulator as a server: one client at a time, encoder jobs across connections, serial, clean stop."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from salto_desk.errors import SaltoDeskError
from salto_desk.protocol.codec import ENQ, Control, Decoder, Frame, encode_frame
from salto_desk.simulator import SimCard, Simulator, SimulatorConfig
from tests.simulator.conftest import OPTIONS, WAIT, RawClient, simulator_threads, wait_until

CHECK_IN_101 = [b"CN", b"1", b"E", b"101", b"", b"", b"", b"", b"", b"1500010730", b"1100040730"]
CHECK_IN_102_ON_2 = [b"CN", b"2", b"E", b"102", b"", b"", b"", b"", b"", b"1500010730", b"1100040730"]
READ_1 = [b"LT", b"1", b"E"]


def test_endpoint_reports_the_real_port(simulator: Simulator) -> None:
    host, port = simulator.endpoint.split(":")
    assert host == "127.0.0.1" and int(port) > 0
    assert simulator.serial_path is None


def test_a_second_client_waits_until_the_first_leaves(simulator: Simulator, client: RawClient) -> None:
    client.ready()
    second = RawClient(simulator.endpoint)
    try:
        second.send(bytes((ENQ,)))
        assert second.quiet_for(0.3)  # connected at TCP level, but not served
        client.ready()  # the first client is still served
        client.close()
        assert second.event() is Control.ACK
    finally:
        second.close()


def test_one_connection_per_request(simulator: Simulator) -> None:
    for room in (b"101", b"102"):
        client = RawClient(simulator.endpoint)
        try:
            assert client.exchange([b"CO", b"0", room]).fields == (b"CO", b"0", room)
        finally:
            client.close()


def test_encoder_busy_is_OV_even_after_the_client_left(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(card_delay=WAIT * 10)  # no card comes unless the test places one
    first = RawClient(simulator.endpoint)
    first.send_fields(CHECK_IN_101)
    assert first.event() is Control.ACK
    first.close()  # the receptionist cancelled; the encoder still waits for the card
    second = RawClient(simulator.endpoint)
    try:
        assert second.exchange(CHECK_IN_101).fields == (b"OV",)
        assert second.exchange(READ_1).fields == (b"OV",)
        simulator.state.card_delay = 0.0
        assert second.exchange(CHECK_IN_102_ON_2).command == "CN"  # the other encoder is free
        card = SimCard.blank()
        simulator.place_card("1", card)  # the card arrives: the abandoned job finishes
        wait_until(lambda: not simulator.state.is_busy("1"))
        written = simulator.card_on("1")
        assert written is not None and written.uid == card.uid and written.key is not None
        assert simulator.state.occupant("101") is not None
        assert second.exchange(READ_1).text_fields()[:3] == ("LT", "1", "101")
    finally:
        second.close()


def test_a_card_placed_while_the_encoder_waits_is_written_at_once(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(card_delay=WAIT * 10)
    client = RawClient(simulator.endpoint)
    try:
        client.send_fields(CHECK_IN_101)
        assert client.event() is Control.ACK
        wait_until(lambda: simulator.state.is_busy("1"))  # SALTO acknowledges before it starts the job
        card = SimCard.blank()
        simulator.place_card("1", card)
        assert client.frame().fields == (b"CN", b"1")  # field 15 empty: no serials asked
    finally:
        client.close()


def test_no_card_times_out_with_ED(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(no_card=True, card_timeout=0.1)
    client = RawClient(simulator.endpoint)
    try:
        assert client.exchange(CHECK_IN_101).fields == (b"ED",)
        assert client.exchange(READ_1).fields == (b"ED",)
        assert client.exchange([b"L1", b"1", b"E"]).fields == (b"ED",)
        assert simulator.state.occupant("101") is None and not simulator.state.is_busy("1")
        simulator.state.no_card = False
        assert client.exchange(CHECK_IN_101).command == "CN"
    finally:
        client.close()


def test_no_card_still_takes_a_card_placed_by_hand(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(no_card=True, card_timeout=WAIT * 10)
    client = RawClient(simulator.endpoint)
    try:
        client.send_fields(READ_1)
        assert client.event() is Control.ACK
        simulator.place_card("1", SimCard.staff())
        assert client.frame().fields == (b"LT", b"1", b"LM")
    finally:
        client.close()


def test_stop_ends_waiting_jobs_and_connections_promptly(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator(card_delay=WAIT * 10)
    client = RawClient(simulator.endpoint)
    try:
        client.send_fields(CHECK_IN_101)
        assert client.event() is Control.ACK
        began = time.monotonic()
        simulator.stop()
        assert time.monotonic() - began < WAIT
        assert simulator_threads() == []
        assert client.closed_by_peer()
        assert not simulator.state.is_busy("1")
        simulator.stop()  # a second stop is harmless
    finally:
        client.close()


def test_stop_while_the_ack_is_delayed(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator()
    simulator.faults.ack_delay = WAIT * 10
    client = RawClient(simulator.endpoint)
    try:
        client.send(bytes((ENQ,)))
        assert client.quiet_for(0.2)
        began = time.monotonic()
        simulator.stop()
        assert time.monotonic() - began < WAIT
        assert simulator_threads() == []
    finally:
        client.close()


def test_start_twice_and_endpoint_before_start_are_refused() -> None:
    simulator = Simulator(SimulatorConfig(options=OPTIONS))
    with pytest.raises(SaltoDeskError) as not_running:
        _ = simulator.endpoint
    assert "niet" in not_running.value.user_message("nl")
    with simulator, pytest.raises(SaltoDeskError):
        simulator.start()
    with pytest.raises(SaltoDeskError):
        simulator.start()


def test_a_port_in_use_is_a_clear_error(simulator: Simulator) -> None:
    port = int(simulator.endpoint.rsplit(":", 1)[1])
    with pytest.raises(SaltoDeskError) as in_use:
        Simulator(SimulatorConfig(port=port)).start()
    assert f"127.0.0.1:{port}" in in_use.value.user_message() and "--port" in in_use.value.user_message()
    assert [thread.name for thread in simulator_threads()] == ["salto-sim-tcp"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through /proc")
def test_no_descriptor_is_left_open(make_simulator: Callable[..., Simulator]) -> None:
    before = len(os.listdir("/proc/self/fd"))
    simulator = make_simulator(serial=sys.platform != "win32", card_delay=WAIT * 10)
    client = RawClient(simulator.endpoint)
    client.send_fields(CHECK_IN_101)
    assert client.event() is Control.ACK
    simulator.stop()
    client.close()
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_serial_pty_serves_the_protocol_next_to_tcp(make_simulator: Callable[..., Simulator]) -> None:
    import serial  # pyserial, as the real client uses it

    simulator = make_simulator(serial=True)
    assert simulator.serial_path is not None and Path(simulator.serial_path).exists()
    port = serial.Serial(simulator.serial_path, 9600, timeout=WAIT)
    try:
        decoder = Decoder()

        def events(count: int) -> list[object]:
            found: list[object] = []
            deadline = time.monotonic() + WAIT
            while len(found) < count and time.monotonic() < deadline:
                found += decoder.feed(port.read(1))
            return found

        port.write(bytes((ENQ,)))
        assert events(1) == [Control.ACK]
        port.write(encode_frame(CHECK_IN_101))
        ack, reply = events(2)
        assert ack is Control.ACK and isinstance(reply, Frame) and reply.fields == (b"CN", b"1")
        tcp = RawClient(simulator.endpoint)
        try:
            assert tcp.exchange(READ_1).text_fields()[:3] == ("LT", "1", "101")  # one site behind both
        finally:
            tcp.close()
        simulator.faults.drop_mid_reply_next(1)
        port.write(encode_frame([b"CO", b"0", b"101"]))
        assert events(1) == [Control.ACK]
        half = len(encode_frame([b"CO", b"0", b"101"])) // 2
        assert decoder.feed(port.read(half)) == [] and not decoder.idle
        port.timeout = 0.2
        assert port.read(1) == b""  # half a reply, then silence
        port.timeout = WAIT
        port.write(bytes((ENQ,)))  # the line is still served
        decoder = Decoder()
        assert events(1) == [Control.ACK]
    finally:
        port.close()


def test_serial_is_refused_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    simulator = Simulator(SimulatorConfig(serial=True, options=OPTIONS))
    with pytest.raises(SaltoDeskError) as refused:
        simulator.start()
    assert "TCP" in refused.value.user_message() and "Windows" in refused.value.user_message("nl")
    assert simulator_threads() == []


def test_concurrent_clients_setting_serves_a_second_client_at_once(
    make_simulator: Callable[..., Simulator],
) -> None:
    simulator = make_simulator(concurrent_clients=True)
    first, second = RawClient(simulator.endpoint), RawClient(simulator.endpoint)
    try:
        first.ready()
        second.ready()  # served while the first is still connected
        assert second.exchange([b"CO", b"0", b"101"]).fields == (b"CO", b"0", b"101")
        first.ready()
    finally:
        first.close()
    simulator.stop()  # the second client is still connected: its thread must end too
    assert simulator_threads() == []
    assert second.closed_by_peer()
    second.close()
