"""Stage 3, the outbox: deliveries and check-outs SALTO is owed, each exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from salto_desk.keys.model import (
    KeyState,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.storage import (
    ConfigRepository,
    OutboxAction,
)
from salto_desk.sync import OutboxRetry
from tests.sync.conftest import (
    World,
    later,
)


def test_delivery_waits_for_its_day_and_for_salto_then_goes_exactly_once(world: World) -> None:
    world.product(deliver_to_guest=True, delivery_days_before=2)
    world.sync()
    record = world.upcoming(days=4)[0]
    arrival = date.fromisoformat(str(record.attributes["start_date"]))
    assert world.key(record.id).deliveries == ()
    [entry] = [entry for entry in world.outbox() if entry.key_id == world.key(record.id).id]
    assert entry.next_attempt_at == datetime.combine(arrival - timedelta(days=2), time(0, 0), UTC) - timedelta(hours=2)
    world.clock.now = entry.next_attempt_at
    world.salto_down[0] = True
    failed = world.sync()
    [entry] = [each for each in world.outbox() if each.key_id == world.key(record.id).id]
    assert entry.attempts == 1 and entry.last_error and "SALTO" in entry.last_error
    assert any(record.attributes["booking_nr"] in error for error in failed.errors)
    assert entry.next_attempt_at == world.clock.now + OutboxRetry().first_delay
    world.salto_down[0] = False
    world.sync()  # the retry is not due yet
    assert world.key(record.id).deliveries == ()
    world.clock.advance(OutboxRetry().first_delay)
    world.sync()
    assert len(world.key(record.id).deliveries) == 1
    world.clock.advance(timedelta(days=1))
    world.sync()
    assert len(world.key(record.id).deliveries) == 1


def test_a_guest_without_an_international_number_gets_a_visible_failure(world: World) -> None:
    world.product(deliver_to_guest=True, delivery_days_before=60)
    world.sync()
    record = world.upcoming(phone=False)[0]
    stopped = [each for each in world.outbox() if each.key_id == world.key(record.id).id]
    assert len(stopped) == 1 and stopped[0].stopped
    assert stopped[0].last_error is not None and "has no mobile number" in stopped[0].last_error


def test_cancelling_an_issued_key_checks_out_first_and_keeps_it_while_salto_is_away(world: World) -> None:
    world.sync()
    record = world.upcoming(days=0)[0]
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        encoder = ConfigRepository(session).encoders(world.hotel.id)[0]
    world.engine.operations_for(world.hotel).encode_cards(key, encoder, 1, EncodeMode.NEW)
    later(world)
    world.pms.store.cancel(record.id)
    world.salto_down[0] = True
    summary = world.sync()
    assert summary.revoked == 0
    assert world.key(record.id).state is KeyState.REVOKING  # its card still opens the door: not shown as gone
    [entry] = world.outbox()
    assert entry.action is OutboxAction.REVOKE and entry.last_error and not entry.stopped
    world.salto_down[0] = False
    world.clock.advance(OutboxRetry().first_delay)
    assert world.sync().revoked == 1
    assert world.key_data(record.id) == [] and world.outbox() == []
    assert world.simulator.state.requests.count("CO") == 1
