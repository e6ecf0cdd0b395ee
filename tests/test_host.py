"""This computer's name and its processes, as leases and the audit trail need them."""

from __future__ import annotations

import os
import subprocess
import sys

from salto_desk.host import process_alive

WAIT = 10.0


def test_process_alive_tells_running_from_ended_processes() -> None:
    assert process_alive(os.getpid())
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(WAIT)
    assert not process_alive(ended.pid)
    assert not process_alive(0) and not process_alive(-1)
