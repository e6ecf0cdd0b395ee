"""A desk process killed in the middle of an encode: the audit row becomes unknown, the encoder is freed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from salto_desk.coordination import Coordinator, LeaseTimes
from salto_desk.keys.model import AuditState
from salto_desk.keys.rules import EncodeMode
from salto_desk.services.audit_trail import recover_interrupted
from salto_desk.storage.leases import DeskProcess
from tests.faults.conftest import WAIT, Desk, assert_settled, eventually
from tests.operations.helpers import salto_operations
from tests.storage.helpers import NOW

DESK_PROGRAM = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from salto_desk.coordination import Coordinator, LeaseTimes
    from salto_desk.keys.rules import EncodeMode
    from tests.operations.helpers import salto_operations
    from salto_desk.storage import ConfigRepository, KeyRepository, open_database
    from salto_desk.storage.leases import DeskProcess

    url, key_id, encoder_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    database = open_database(url)
    times = LeaseTimes(encoder=timedelta(seconds=1), link=timedelta(seconds=1), poll_seconds=0.02)
    coordinator = Coordinator(database, DeskProcess("DESK-2", 0), times)
    service = salto_operations(database, coordinator=coordinator, clock=lambda: datetime(2030, 7, 1, 10, tzinfo=UTC))
    with database.unit_of_work() as session:
        key = KeyRepository(session).get(key_id)
        encoder = ConfigRepository(session).encoder(encoder_id)
    service.encode_cards(key, encoder, 2, EncodeMode.NEW)
    """
)


def test_a_desk_killed_mid_encode_leaves_an_unknown_row_and_frees_the_encoder(desk: Desk) -> None:
    key = desk.key()
    desk.simulator.state.no_card = True
    desk.simulator.state.card_timeout = 3.0  # SALTO gives up on the dead desk's card job soon after the kill
    url = desk.database.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-c", DESK_PROGRAM, url, str(key.id), str(desk.encoder.id)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert eventually(lambda: desk.simulator.state.is_busy("1"), timeout=30)
        assert [entry.holder.desk for entry in desk.coordinator.status().encoders] == ["DESK-2"]
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)
    (entry,) = desk.audit()
    assert entry.state is AuditState.PENDING and entry.process_id == process.pid
    recovered = recover_interrupted(desk.database)  # what the next start of that desk does
    assert [row.id for row in recovered] == [entry.id]
    (entry,) = desk.audit()
    assert entry.state is AuditState.UNKNOWN and "Read the card" in entry.message
    assert desk.reload(key) == key
    desk.simulator.state.no_card = False
    assert eventually(lambda: not desk.simulator.state.is_busy("1"))
    waiting = salto_operations(
        desk.database,
        coordinator=Coordinator(
            desk.database, DeskProcess("DESK-1", 1), LeaseTimes(poll_seconds=0.02), encoder_wait=WAIT
        ),
        clock=lambda: NOW,
    )
    result = waiting.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)  # waits until the dead desk's lease expired
    assert result.key.cards.count == 1
    assert [row.state for row in desk.audit()] == [AuditState.UNKNOWN, AuditState.OK]
    assert_settled(desk.database)
