from __future__ import annotations

from datetime import timedelta

from salto_desk.keys.model import AuditAction, AuditDraft, AuditState
from salto_desk.storage import AuditRepository, Database
from tests.storage.helpers import NOW

DRAFT = AuditDraft(
    action=AuditAction.ENCODE_NEW, command="CN", administration="adm-1", key_id=7, holder="25-00123 Jansen",
    encoder="Front desk", rooms=("101", "Pool"), phone="", card_number=1, card_count=2, operator="Anna",
)  # fmt: skip


def test_an_entry_is_pending_until_finished(database: Database) -> None:
    with database.unit_of_work() as session:
        entry_id = AuditRepository(session).start(DRAFT, desk="desk-1", process_id=4321, now=NOW)
    with database.unit_of_work() as session:
        (pending,) = AuditRepository(session).pending("desk-1")
        assert pending.id == entry_id and pending.state is AuditState.PENDING and pending.finished_at is None
        assert pending.rooms == ("101", "Pool") and pending.card_number == 1 and pending.process_id == 4321
        AuditRepository(session).finish(entry_id, AuditState.SALTO_ERROR, NOW + timedelta(seconds=3),
                                        error_code="ED", message="Timeout", serials=("04A1", "04A2"))  # fmt: skip
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        assert audit.pending("desk-1") == []
        (done,) = audit.entries()
        assert (done.state, done.error_code, done.message) == (AuditState.SALTO_ERROR, "ED", "Timeout")
        assert done.serials == ("04A1", "04A2") and done.finished_at == NOW + timedelta(seconds=3)


def test_local_actions_are_recorded_complete(database: Database) -> None:
    with database.unit_of_work() as session:
        AuditRepository(session).record(
            AuditDraft(action=AuditAction.DELETE_KEY, key_id=3), desk="desk-1", process_id=1, now=NOW,
            state=AuditState.OK,
        )  # fmt: skip
    with database.unit_of_work() as session:
        (entry,) = AuditRepository(session).entries()
    assert entry.state is AuditState.OK and entry.finished_at == NOW and entry.rooms == ()


def test_only_pending_entries_become_unknown(database: Database) -> None:
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        pending = audit.start(DRAFT, desk="desk-1", process_id=1, now=NOW)
        finished = audit.start(DRAFT, desk="desk-1", process_id=1, now=NOW)
        audit.finish(finished, AuditState.OK, NOW)
        other_desk = audit.start(DRAFT, desk="desk-2", process_id=1, now=NOW)
        assert [entry.id for entry in audit.pending("desk-1")] == [pending]
        audit.mark_unknown([pending, finished], NOW, "process died")
    with database.unit_of_work() as session:
        states = {entry.id: entry.state for entry in AuditRepository(session).entries()}
    assert states == {pending: AuditState.UNKNOWN, finished: AuditState.OK, other_desk: AuditState.PENDING}


def test_entries_can_be_filtered_by_time_and_key(database: Database) -> None:
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        early = audit.start(DRAFT, desk="d", process_id=1, now=NOW - timedelta(days=2))
        late = audit.start(DRAFT, desk="d", process_id=1, now=NOW)
        other_key = audit.start(AuditDraft(action=AuditAction.READ_CARD, key_id=None), desk="d", process_id=1, now=NOW)
        assert [entry.id for entry in audit.entries(since=NOW - timedelta(days=1))] == [late, other_key]
        assert [entry.id for entry in audit.entries(key_id=7)] == [early, late]
