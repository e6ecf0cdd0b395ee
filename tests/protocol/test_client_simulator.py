"""SaltoClient against the ProAccess simulator, over TCP and over a serial pty: every command, every
error code, every fault the simulator can inject."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salto_desk.protocol.client import SaltoClient, Stage, Timeouts
from salto_desk.protocol.errors import (
    ERROR_CODES,
    Cancelled,
    ConnectionLost,
    LinkTimeout,
    NakReceived,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.protocol.messages import (
    Acknowledgement,
    AuditEnd,
    BinaryMobileKey,
    BinaryMobileReply,
    CardReadout,
    CardType,
    CheckOut,
    EncodeCard,
    EncodeReply,
    MobileKey,
    MobileReply,
    ModifyCheckIn,
    ReadAudit,
    ReadCard,
    ReadTrack,
    TrackReply,
    WriteTrack,
)
from salto_desk.simulator import SimCard, Simulator, SimulatorConfig

ZONE = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 12, 1, 15, 0, tzinfo=ZONE)
END = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)
FAST = Timeouts(connect=2, write=2, ack=2, reply=5)
REGISTERED = "+31612345678"

LINKS = ["tcp", pytest.param("serial", marks=pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX"))]


@pytest.fixture(params=LINKS)
def link(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def simulator(link: str) -> Iterator[Simulator]:
    config = SimulatorConfig(
        rooms=("101", "102", "103"),
        encoders=("1", "2"),
        card_delay=0.0,
        card_timeout=1.0,
        phones=(REGISTERED,),
        out_of_service=("103",),
        serial=link == "serial",
    )
    with Simulator(config) as running:
        yield running


@pytest.fixture
def client(simulator: Simulator, link: str) -> Iterator[SaltoClient]:
    endpoint = simulator.endpoint if link == "tcp" else simulator.serial_path
    assert endpoint is not None
    with SaltoClient(endpoint, timeouts=FAST) as salto:
        yield salto


def check_in(client: SaltoClient, room: str = "101", encoder: str = "1") -> EncodeReply:
    return client.request(EncodeCard("CN", encoder, (room,), START, END, granted=(1, 2), operator="Anna"))


# --- every command ---------------------------------------------------------------------------------


def test_ping_answers(client: SaltoClient) -> None:
    assert client.ping() >= 0


def test_cn_then_cc_then_lt_reads_the_copy(client: SaltoClient) -> None:
    first = check_in(client)
    copy = client.request(EncodeCard("CC", "1", ("101",), START, END, granted=(1, 2), operator="Bob"))
    assert (first.command, copy.command) == ("CN", "CC")
    card = client.request(ReadCard("1"))
    assert isinstance(card, CardReadout)
    assert (card.card_type, card.rooms, card.checked_in, card.copy) == (CardType.GUEST, ("101",), True, "1")
    assert (card.start, card.end, card.granted, card.operator) == (START, END, (1, 2), "Bob")


def test_ca_with_amount_digit_is_answered(client: SaltoClient) -> None:
    check_in(client)
    reply = client.request(EncodeCard("CA", "2", ("101",), START, END, amount=2))
    assert reply.command.startswith("CA")


def test_serial_numbers_come_back_when_asked(client: SaltoClient) -> None:
    assert check_in(client).serials


def test_checkout_voids_the_card(client: SaltoClient) -> None:
    check_in(client)
    assert client.request(CheckOut("101")).command == "CO"
    assert client.request(ReadCard("1")).checked_in is False


def test_modify_check_in_moves_the_stay(client: SaltoClient, simulator: Simulator) -> None:
    check_in(client)
    reply = client.request(ModifyCheckIn("101", "102", END))
    assert isinstance(reply, Acknowledgement)
    occupant = simulator.state.occupant("102")
    assert occupant is not None


@pytest.mark.parametrize("command", ["CNM", "CCM"])
def test_mobile_key_for_a_registered_phone(client: SaltoClient, command: str) -> None:
    if command == "CCM":
        client.request(MobileKey("CNM", REGISTERED, ("101",), START, END))
    reply = client.request(MobileKey(command, REGISTERED, ("101",), START, END, message="Welcome"))  # type: ignore[arg-type]
    assert isinstance(reply, MobileReply)
    assert reply.command == command


def test_binary_mobile_key_returns_the_key(client: SaltoClient) -> None:
    reply = client.request(BinaryMobileKey("CNMB", REGISTERED, ("101",), START, END, return_installation_id=True))
    assert isinstance(reply, BinaryMobileReply)
    assert reply.key_hex


def test_write_then_read_a_track(client: SaltoClient, simulator: Simulator) -> None:
    simulator.place_card("2", SimCard.blank())
    assert isinstance(client.request(WriteTrack(2, "2", "PARKING 42")), Acknowledgement)
    simulator.place_card("2", simulator.card_on("2") or SimCard.blank())
    track = client.request(ReadTrack(2, "2"))
    assert isinstance(track, TrackReply)
    assert track.text == "PARKING 42"


def test_audit_trail_of_a_door_ends_with_wo(client: SaltoClient) -> None:
    replies = [client.request(ReadAudit("WF", "101"))]
    while not isinstance(replies[-1], AuditEnd) and len(replies) < 50:
        replies.append(client.request(ReadAudit("WN", "101")))
    assert isinstance(replies[-1], AuditEnd)


# --- every error code ------------------------------------------------------------------------------


def test_unknown_room_is_td(client: SaltoClient) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        check_in(client, room="999")
    assert caught.value.code == "TD"


def test_out_of_service_room_is_os(client: SaltoClient) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        check_in(client, room="103")
    assert caught.value.code == "OS"


def test_unknown_encoder_is_nc(client: SaltoClient) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        check_in(client, encoder="9")
    assert caught.value.code == "NC"


def test_copy_without_stay_is_ea(client: SaltoClient) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        client.request(EncodeCard("CC", "1", ("102",), START, END))
    assert caught.value.code == "EA"


def test_unregistered_phone_is_eg(client: SaltoClient) -> None:
    with pytest.raises(SaltoErrorReply) as caught:
        client.request(MobileKey("CNM", "+31699999999", ("101",), START, END))
    assert caught.value.code == "EG"


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_error_code_surfaces_with_guidance(client: SaltoClient, simulator: Simulator, code: str) -> None:
    simulator.faults.error_reply_next(code)
    with pytest.raises(SaltoErrorReply) as caught:
        check_in(client)
    error = caught.value
    assert error.code == code
    assert error.user_message("en") != error.user_message("nl")
    assert error.action is not None


# --- encoder behaviour -----------------------------------------------------------------------------


def test_no_card_presented_is_ed() -> None:
    config = SimulatorConfig(card_delay=0.0, card_timeout=0.3, no_card=True)
    with (
        Simulator(config) as simulator,
        SaltoClient(simulator.endpoint, timeouts=FAST) as client,
        pytest.raises(SaltoErrorReply) as caught,
    ):
        client.request(ReadCard("1"))
    assert caught.value.code == "ED"


def test_busy_encoder_answers_ov_to_a_second_desk() -> None:
    """The second desk is another process (one process serialises its own requests per endpoint)."""
    config = SimulatorConfig(card_delay=3.0, concurrent_clients=True)
    with Simulator(config) as simulator:
        outcome: list[object] = []
        first = threading.Thread(
            target=lambda: outcome.append(SaltoClient(simulator.endpoint, timeouts=FAST).request(ReadCard("1")))
        )
        first.start()
        deadline = time.monotonic() + 2
        while not simulator.state.is_busy("1") and time.monotonic() < deadline:
            time.sleep(0.01)
        second_desk = subprocess.run(
            [
                sys.executable,
                "-m",
                "salto_desk.cli",
                "salto",
                "read",
                "--salto",
                simulator.endpoint,
                "--encoder",
                "1",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        first.join(10)
    assert second_desk.returncode == 3
    assert json.loads(second_desk.stdout)["error"] == "OV"
    assert isinstance(outcome[0], CardReadout)


def test_cancel_during_the_card_wait_ends_quickly(link: str) -> None:
    config = SimulatorConfig(card_delay=10.0, serial=link == "serial")
    with Simulator(config) as simulator:
        endpoint = simulator.endpoint if link == "tcp" else simulator.serial_path
        assert endpoint is not None
        client = SaltoClient(endpoint, timeouts=Timeouts(connect=2, write=2, ack=2, reply=20))
        stages: list[Stage] = []
        threading.Timer(0.3, client.cancel).start()
        began = time.monotonic()
        with pytest.raises(Cancelled):
            client.request(ReadCard("1"), progress=lambda progress: stages.append(progress.stage))
        took = time.monotonic() - began
        client.close()
    assert Stage.ACKNOWLEDGED in stages
    assert took < 5  # far below the 10 s card delay: the wait was really interrupted


# --- every fault -----------------------------------------------------------------------------------


def test_naks_below_the_limit_are_retried(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.nak_next(2)
    assert check_in(client).command == "CN"


def test_a_nak_storm_fails_as_nak_received(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.nak_next(50)
    with pytest.raises(NakReceived):
        check_in(client)
    assert simulator.state.occupant("101") is None


def test_garbage_instead_of_ack_is_a_remote_protocol_error(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.garbage_ack_next()
    with pytest.raises(RemoteProtocolError):
        check_in(client)


def test_corrupted_lrc_is_reported(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.corrupt_lrc_next()
    with pytest.raises(RemoteProtocolError):
        check_in(client)


def test_connection_dropped_mid_reply(simulator: Simulator, link: str) -> None:
    if link == "serial":
        pytest.skip("a serial line cannot be closed by the far end")
    simulator.faults.drop_mid_reply_next()
    with SaltoClient(simulator.endpoint, timeouts=FAST) as client, pytest.raises((ConnectionLost, LinkTimeout)):
        check_in(client)


def test_a_slow_ack_within_the_timeout_is_fine(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.ack_delay = 0.5
    assert check_in(client).command == "CN"


def test_an_ack_later_than_the_timeout_is_a_link_timeout(simulator: Simulator, link: str) -> None:
    endpoint = simulator.endpoint if link == "tcp" else simulator.serial_path
    assert endpoint is not None
    simulator.faults.ack_delay = 1.5
    slow_ack = Timeouts(connect=2, write=2, ack=0.5, reply=5)
    with SaltoClient(endpoint, timeouts=slow_ack) as client, pytest.raises(LinkTimeout):
        check_in(client)


def test_the_link_recovers_after_a_fault(client: SaltoClient, simulator: Simulator) -> None:
    simulator.faults.corrupt_lrc_next()
    with pytest.raises(RemoteProtocolError):
        check_in(client)
    assert check_in(client, room="102").command == "CN"
