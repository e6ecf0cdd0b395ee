"""This computer as the desks see it: its name, and whether a process of it still runs.

Leases, queue tickets and audit rows carry a desk name and a process id; a desk takes over what a
stopped process of its own computer left behind, and only that (other computers' processes cannot be
seen from here).
"""

from __future__ import annotations

import os
import socket
import sys


def this_desk() -> str:
    """The name audit rows carry for this computer."""
    return socket.gethostname() or "unknown-desk"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (no signal is sent; nothing is killed)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        process_query_limited_information = 0x1000
        still_active = 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            return False
        try:
            exit_code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(exit_code)):
                return True
            return exit_code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # signal 0 only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to another user
    return True
