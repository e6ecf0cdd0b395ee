"""The wake-up flag every simulator wait listens to, and the pty refusal on Windows."""

from __future__ import annotations

import sys

import pytest

from salto_desk.errors import SaltoDeskError
from salto_desk.simulator.links import Wakeup, open_pty, readable


def test_wakeup_stays_set_until_cleared() -> None:
    with Wakeup() as flag:
        assert not flag.wait(0)
        flag.set()
        flag.set()
        assert flag.wait(0) and readable(flag, timeout=0) == [flag]
        assert flag.wait(0)  # waiting does not consume it: every waiter sees a stop
        flag.clear()
        assert not flag.wait(0)


def test_setting_a_closed_wakeup_is_harmless() -> None:
    flag = Wakeup()
    flag.close()
    flag.set()


def test_open_pty_refuses_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(SaltoDeskError) as refused:
        open_pty()
    assert "Linux or macOS" in refused.value.user_message("en")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_open_pty_is_raw() -> None:
    import os
    import termios

    master, slave, path = open_pty()
    try:
        attributes = termios.tcgetattr(slave)
        assert attributes[3] & (termios.ECHO | termios.ICANON | termios.ISIG) == 0
        assert attributes[0] & termios.ICRNL == 0  # 0x0D (the LRC-skip byte) must not become 0x0A
        assert path.startswith("/dev/")
    finally:
        os.close(master)
        os.close(slave)
