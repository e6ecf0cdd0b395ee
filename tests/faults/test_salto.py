"""SALTO link faults during card and phone operations: audit complete, key data whole, encoders freed."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from salto_desk.coordination import Coordinator, EncoderInUse
from salto_desk.keys.model import AuditAction, AuditState
from salto_desk.keys.rules import EncodeMode
from salto_desk.operations.audit_recorder import OUTCOME_UNKNOWN
from salto_desk.operations.salto_operations import SaltoOperations
from salto_desk.protocol.errors import ConnectionLost, NakReceived, RemoteProtocolError, SaltoErrorReply
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage.leases import DeskProcess
from tests.faults.conftest import TIMES, WAIT, Desk, assert_settled, eventually
from tests.operations.helpers import salto_operations
from tests.storage.helpers import NOW


def test_a_short_nak_burst_is_retried_and_the_cards_are_made(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.faults.nak_next(2)
    result = desk.service.encode_cards(key, desk.encoder, 2, EncodeMode.NEW)
    assert result.key.cards.count == 2 and desk.reload(key).cards.count == 2
    assert [entry.state for entry in desk.audit()] == [AuditState.OK, AuditState.OK]
    assert_settled(desk.database)


def test_a_nak_storm_fails_clearly_and_writes_nothing(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.faults.nak_next(50)
    with pytest.raises(NakReceived) as caught:
        desk.service.encode_cards(key, desk.encoder, 3, EncodeMode.NEW)
    assert "refused the request 3 times (NAK)" in caught.value.user_message("en")
    assert [(entry.card_number, entry.state) for entry in desk.audit()] == [(1, AuditState.LINK_ERROR)]
    assert desk.reload(key) == key and desk.simulator.state.stays == ()
    assert_settled(desk.database)


def test_garbage_instead_of_ack_is_a_link_error_before_anything_was_accepted(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.faults.garbage_ack_next(50)
    with pytest.raises(RemoteProtocolError):
        desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    (entry,) = desk.audit()
    assert entry.state is AuditState.LINK_ERROR and entry.message
    assert desk.reload(key) == key and desk.simulator.state.stays == ()
    assert_settled(desk.database)


@pytest.mark.parametrize("fault", ["corrupt_lrc", "drop_mid_reply"])
def test_a_reply_lost_after_salto_accepted_leaves_the_card_unknown(desk: Desk, fault: str) -> None:
    key = desk.key()
    desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    if fault == "corrupt_lrc":
        desk.simulator.faults.corrupt_lrc_next(50)
    else:
        desk.simulator.faults.drop_mid_reply_next()
    with pytest.raises((RemoteProtocolError, ConnectionLost)):
        desk.service.encode_cards(key, desk.encoder, 2, EncodeMode.COPY)
    entries = desk.audit()
    assert [(entry.command, entry.state) for entry in entries] == [("CN", AuditState.OK), ("CC", AuditState.UNKNOWN)]
    assert OUTCOME_UNKNOWN in entries[-1].message
    assert desk.reload(key).cards.count == 1  # only what SALTO confirmed; never half a record
    assert_settled(desk.database)


def test_a_phone_key_whose_reply_was_lost_is_unknown_and_recorded_nowhere_else(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.faults.drop_mid_reply_next()
    with pytest.raises(ConnectionLost):
        desk.service.send_to_phone(key, "+31612345678")
    (entry,) = desk.audit()
    assert (entry.action, entry.state) == (AuditAction.SEND_TO_PHONE, AuditState.UNKNOWN)
    assert desk.reload(key).deliveries == ()
    assert_settled(desk.database)


def test_the_server_restarted_during_an_encode(desk: Desk) -> None:
    key = desk.key()
    port = int(desk.simulator.endpoint.rsplit(":", 1)[1])
    desk.simulator.state.no_card = True
    outcome: list[BaseException] = []

    def encode() -> None:
        try:
            desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=encode)
    worker.start()
    assert eventually(lambda: desk.simulator.state.is_busy("1"))
    desk.simulator.stop()  # SALTO goes down while the encoder waits for the card
    worker.join(WAIT)
    assert len(outcome) == 1 and isinstance(outcome[0], ConnectionLost)
    (entry,) = desk.audit()
    assert entry.state is AuditState.UNKNOWN and OUTCOME_UNKNOWN in entry.message
    assert desk.reload(key) == key
    assert_settled(desk.database)
    with Simulator(SimulatorConfig(port=port, card_delay=0.0)) as restarted:  # back on the same address
        result = desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
        assert restarted.state.requests == ("CN",)
    assert result.key.cards.count == 1
    assert [entry.state for entry in desk.audit()] == [AuditState.UNKNOWN, AuditState.OK]
    assert_settled(desk.database)


def test_a_card_never_presented_ends_with_salto_s_timeout(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.state.no_card = True
    desk.simulator.state.card_timeout = 0.2
    with pytest.raises(SaltoErrorReply) as caught:
        desk.service.encode_cards(key, desk.encoder, 2, EncodeMode.NEW)
    assert caught.value.code == "ED" and "card" in caught.value.user_message("en").lower()
    assert [(entry.card_number, entry.state, entry.error_code) for entry in desk.audit()] == [
        (1, AuditState.SALTO_ERROR, "ED")
    ]
    assert desk.reload(key) == key
    assert_settled(desk.database)


def test_an_encoder_salto_reports_busy_is_a_salto_error(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.faults.error_reply_next("EO")
    with pytest.raises(SaltoErrorReply) as caught:
        desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    assert caught.value.code == "EO"
    assert [(entry.state, entry.error_code) for entry in desk.audit()] == [(AuditState.SALTO_ERROR, "EO")]
    assert desk.reload(key) == key
    assert_settled(desk.database)


def test_an_encoder_busy_at_another_desk_is_named_and_nothing_is_sent(desk: Desk) -> None:
    key = desk.key()
    other = Coordinator(desk.database, DeskProcess("DESK-2", 2), TIMES)
    with other.encoder(desk.administration, desk.encoder, threading.Event()), pytest.raises(EncoderInUse) as caught:
        desk.service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    assert "Encoder Reception 1 is in use by DESK-2 since" in caught.value.user_message("en")
    assert desk.audit() == [] and desk.simulator.state.requests == ()
    assert_settled(desk.database)


def test_two_desks_on_one_encoder_never_overlap(desk: Desk) -> None:
    keys = [desk.key() for _ in range(4)]
    desks = [
        salto_operations(
            desk.database,
            coordinator=Coordinator(desk.database, DeskProcess(f"DESK-{n}", n), replace(TIMES), encoder_wait=WAIT),
            clock=lambda: NOW,
        )
        for n in (1, 2)
    ]
    errors: list[BaseException] = []

    def work(service: SaltoOperations, number: int) -> None:
        try:
            for key in keys[number::2]:
                service.encode_cards(key, desk.encoder, 2, EncodeMode.NEW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(service, n)) for n, service in enumerate(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 3)
    assert errors == []
    assert all(desk.reload(key).cards.count == 2 for key in keys)
    assert [entry.state for entry in desk.audit()] == [AuditState.OK] * 8
    assert_settled(desk.database)
