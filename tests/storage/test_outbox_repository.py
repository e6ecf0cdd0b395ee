"""The sync's durable queue (one entry per key and action, due times, failures with their reason) and its memory."""

from __future__ import annotations

from datetime import timedelta

from salto_desk.storage import ConfigRepository, Database, KeyRepository, OutboxAction, OutboxRepository
from salto_desk.storage.sync_key_repository import SyncedKey, SyncKeyRepository
from tests.storage.helpers import NOW, add_administration, add_key_type, key_draft


def test_an_entry_is_queued_once_retried_with_its_reason_and_removed(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    later = NOW + timedelta(days=2)
    with database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
        outbox = OutboxRepository(session)
        first = outbox.enqueue(administration.id, key.id, OutboxAction.DELIVER, due=later, now=NOW, phone="+31611")
        again = outbox.enqueue(administration.id, key.id, OutboxAction.DELIVER, due=NOW, now=NOW, phone="+31622")
        revoke = outbox.enqueue(administration.id, key.id, OutboxAction.REVOKE, due=NOW, now=NOW)
    assert again.id == first.id and again.next_attempt_at == NOW and again.phone == "+31622"  # not tried: moved
    assert first.holder_label == "25-00123 Jansen"
    with database.unit_of_work() as session:
        outbox = OutboxRepository(session)
        assert [entry.id for entry in outbox.due(NOW)] == [first.id, revoke.id]
        failed = outbox.record_failure(first.id, now=NOW, error="SALTO cannot be reached.", retry_at=later)
        assert failed.attempts == 1 and failed.last_error == "SALTO cannot be reached." and not failed.stopped
        kept = outbox.enqueue(administration.id, key.id, OutboxAction.DELIVER, due=NOW, now=NOW, phone="+31633")
        assert kept.next_attempt_at == later and kept.phone == "+31622"  # tried once: stays as it is
        assert [entry.id for entry in outbox.due(NOW)] == [revoke.id]
        stopped = outbox.record_failure(revoke.id, now=NOW, error="Unknown room.", retry_at=None)
        assert stopped.stopped and outbox.due(later) == [kept]
        assert outbox.retry_now(revoke.id, NOW).next_attempt_at == NOW
        assert [entry.action for entry in outbox.for_keys({key.id})] == [OutboxAction.DELIVER, OutboxAction.REVOKE]
        outbox.remove(first.id)
        assert [entry.id for entry in outbox.entries(administration.id)] == [revoke.id]


def test_deleting_the_key_drops_its_entries_and_links(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
        OutboxRepository(session).enqueue(administration.id, key.id, OutboxAction.REVOKE, due=NOW, now=NOW)
        synced = SyncedKey(key.id, None, key.holder.label, key.rooms, key.validity, None)
        SyncKeyRepository(session).save_many([synced])
    with database.unit_of_work() as session:
        assert SyncKeyRepository(session).links({key.id}) == {key.id: synced}
        KeyRepository(session).delete(key.id)
    with database.unit_of_work() as session:
        assert OutboxRepository(session).entries() == []
        assert SyncKeyRepository(session).links({key.id}) == {}


def test_desk_deletions_are_remembered_once_per_reservation_and_key_type(database: Database) -> None:
    park = add_administration(database)
    hotel = add_administration(database, pms_id="adm-2", name="Hotel")
    guest, staff = add_key_type(database, park), add_key_type(database, park, name="Staff")
    hotel_guest = add_key_type(database, hotel)
    with database.unit_of_work() as session:
        links = SyncKeyRepository(session)
        links.remember_desk_deletion(park.id, "R1", guest.id, NOW)
        links.remember_desk_deletion(park.id, "R1", guest.id, NOW + timedelta(hours=1))  # deleted again: still one
        links.remember_desk_deletion(park.id, "R2", staff.id, NOW)
        links.remember_desk_deletion(hotel.id, "R1", hotel_guest.id, NOW)
    with database.unit_of_work() as session:
        links = SyncKeyRepository(session)
        assert links.desk_deletions(park.id, ["R1", "R2", "R3"]) == {("R1", guest.id), ("R2", staff.id)}
        assert links.desk_deletions(park.id, ["R3"]) == set()
        assert links.desk_deletions(hotel.id, ["R1", "R2"]) == {("R1", hotel_guest.id)}
        ConfigRepository(session).delete_key_type(staff.id)  # its deletions go with it
    with database.unit_of_work() as session:
        assert SyncKeyRepository(session).desk_deletions(park.id, ["R1", "R2"]) == {("R1", guest.id)}
