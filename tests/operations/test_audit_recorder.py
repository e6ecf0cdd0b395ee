"""The audit recorder: a pending row before each request, settled on every way out of the operation."""

from __future__ import annotations

import threading

import pytest

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import AuditAction, AuditDraft, AuditState
from salto_desk.operations.audit_recorder import AuditRecorder, failure_outcome
from salto_desk.protocol.errors import Cancelled, ConnectionLost, LinkTimeout, SaltoErrorReply
from salto_desk.storage import AuditRepository, Database
from tests.storage.helpers import NOW

DRAFT = AuditDraft(action=AuditAction.ENCODE_NEW, command="CN", holder="30-00001 Jansen")


def recorder(database: Database) -> AuditRecorder:
    return AuditRecorder(database, "DESK-1", lambda: NOW)


def states(database: Database) -> list[tuple[AuditState, str]]:
    with database.unit_of_work() as session:
        return [(entry.state, entry.error_code) for entry in AuditRepository(session).entries()]


@pytest.mark.parametrize(
    ("error", "accepted", "state", "code"),
    [
        (Cancelled(), False, AuditState.CANCELLED, ""),
        (Cancelled(), True, AuditState.CANCELLED, ""),
        (SaltoErrorReply("ED"), True, AuditState.SALTO_ERROR, "ED"),
        (LinkTimeout(Text("No answer.", "Geen antwoord.")), False, AuditState.LINK_ERROR, ""),
        (ConnectionLost(Text("Gone.", "Weg.")), True, AuditState.UNKNOWN, ""),
        (SaltoDeskError(Text("Odd.", "Vreemd.")), False, AuditState.UNKNOWN, ""),
        (RuntimeError("a bug"), False, AuditState.UNKNOWN, ""),
    ],
)
def test_each_failure_has_its_own_outcome(error: BaseException, accepted: bool, state: AuditState, code: str) -> None:
    outcome, error_code, message = failure_outcome(error, accepted)
    assert (outcome, error_code) == (state, code) and message
    if isinstance(error, Cancelled):
        assert ("card placed on the encoder afterwards" in message) == accepted


def test_a_row_is_pending_while_salto_works_and_settled_with_the_change(database: Database) -> None:
    seen: list[list[tuple[AuditState, str]]] = []
    with recorder(database).request(threading.Event()) as audited:
        audited.begin(DRAFT)
        seen.append(states(database))
        with audited.succeeded(["04A1B2"]) as session:
            assert session.is_active  # the caller stores what the request changed in this same transaction
    assert seen == [[(AuditState.PENDING, "")]]
    assert states(database) == [(AuditState.OK, "")]


def test_a_failure_settles_the_open_row_and_is_raised(database: Database) -> None:
    with pytest.raises(SaltoErrorReply), recorder(database).request(threading.Event()) as audited:
        audited.begin(DRAFT)
        raise SaltoErrorReply("TD")
    assert states(database) == [(AuditState.SALTO_ERROR, "TD")]


def test_a_failed_commit_of_the_change_leaves_the_row_to_the_failure_path(database: Database) -> None:
    with pytest.raises(RuntimeError), recorder(database).request(threading.Event()) as audited:
        audited.begin(DRAFT)
        with audited.succeeded():
            raise RuntimeError("the key data could not be stored")
    assert states(database) == [(AuditState.UNKNOWN, "")]  # not "ok": nothing of it was stored


def test_after_a_cancel_no_new_request_starts_and_nothing_is_left_pending(database: Database) -> None:
    cancelled = threading.Event()
    with pytest.raises(Cancelled), recorder(database).request(cancelled) as audited:
        audited.begin(DRAFT)
        with audited.succeeded():
            pass
        cancelled.set()
        audited.begin(DRAFT)  # the next card of the sequence
    assert states(database) == [(AuditState.OK, "")]


def test_an_operation_that_ends_with_an_open_row_settles_it_as_unknown(database: Database) -> None:
    with recorder(database).request(threading.Event()) as audited:
        audited.begin(DRAFT)
    assert states(database) == [(AuditState.UNKNOWN, "")]


def test_one_request_at_a_time(database: Database) -> None:
    with pytest.raises(RuntimeError), recorder(database).request(threading.Event()) as audited:
        audited.begin(DRAFT)
        audited.begin(DRAFT)
    assert states(database) == [(AuditState.UNKNOWN, "")]
