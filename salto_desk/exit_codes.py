"""The exit codes of every `salto-desk` command: one meaning per code, the same fault the same code.

Scripts and the desk window's sync process act on these, so a fault never changes code between
commands (README "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    """The work could not be done: the database is unusable, a file cannot be read or written, a sync run
    reported problems, an unexpected fault (its details go to the log file)."""
    USAGE = 2
    """Refused before anything was stored or sent: a bad argument, a file or value that is invalid or does
    not fit SALTO's wire, a missing setting (no API key, no address)."""
    REMOTE_ERROR = 3
    """SALTO answered with an error code, or BEX answered with an error."""
    UNREACHABLE = 4
    """SALTO or BEX could not be reached: refused, timed out, NAK after retries, a garbled answer."""
