"""Link faults a test (or the CLI) can inject, so every error path of a client can be exercised."""

from __future__ import annotations

import threading
from collections import deque
from enum import Enum

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.errors import ERROR_CODES


class Fault(Enum):
    NAK = "nak"  # answer NAK to a frame (it is not processed)
    GARBAGE_ACK = "garbage_ack"  # answer bytes that are no ACK to a frame (it is not processed)
    CORRUPT_LRC = "corrupt_lrc"  # send a reply with a wrong LRC (each transmission counts)
    DROP_MID_REPLY = "drop_mid_reply"  # send half a reply, then close the connection


class Faults:
    """Counters of pending faults; thread-safe, each injected fault is used up once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(Fault, 0)
        self._error_replies: deque[str] = deque()
        self._ack_delay = 0.0

    def nak_next(self, count: int = 1) -> None:
        """NAK the next ``count`` frames instead of accepting them."""
        self._set(Fault.NAK, count)

    def garbage_ack_next(self, count: int = 1) -> None:
        """Answer the next ``count`` frames with garbage instead of ACK (the frames are dropped)."""
        self._set(Fault.GARBAGE_ACK, count)

    def corrupt_lrc_next(self, count: int = 1) -> None:
        """Send the next ``count`` reply frames with a wrong LRC (a resend after NAK counts again)."""
        self._set(Fault.CORRUPT_LRC, count)

    def drop_mid_reply_next(self, count: int = 1) -> None:
        """Close the connection halfway through the next ``count`` replies (serial: stop sending)."""
        self._set(Fault.DROP_MID_REPLY, count)

    def error_reply_next(self, code: str, count: int = 1) -> None:
        """Answer the next ``count`` accepted frames with error ``code`` without processing them."""
        if code not in ERROR_CODES:
            raise ValidationError(
                "code",
                Text(
                    f"{code!r} is not a SALTO error code; use one of {', '.join(ERROR_CODES)}.",
                    f"{code!r} is geen SALTO-foutcode; gebruik er een van {', '.join(ERROR_CODES)}.",
                ),
            )
        _check_count(count)
        with self._lock:
            self._error_replies.extend([code] * count)

    @property
    def ack_delay(self) -> float:
        """Seconds to wait before each ACK (to an ENQ or a frame)."""
        with self._lock:
            return self._ack_delay

    @ack_delay.setter
    def ack_delay(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValidationError(
                "ack_delay",
                Text(
                    f"The ACK delay must be 0 or more seconds, not {seconds}.",
                    f"De ACK-vertraging moet 0 of meer seconden zijn, niet {seconds}.",
                ),
            )
        with self._lock:
            self._ack_delay = seconds

    def pending(self, fault: Fault) -> int:
        with self._lock:
            return self._counts[fault]

    def clear(self) -> None:
        with self._lock:
            self._counts = dict.fromkeys(Fault, 0)
            self._error_replies.clear()
            self._ack_delay = 0.0

    def take(self, fault: Fault) -> bool:
        """Use up one ``fault`` if any is pending."""
        with self._lock:
            if self._counts[fault] == 0:
                return False
            self._counts[fault] -= 1
            return True

    def take_error_reply(self) -> str | None:
        with self._lock:
            return self._error_replies.popleft() if self._error_replies else None

    def _set(self, fault: Fault, count: int) -> None:
        _check_count(count)
        with self._lock:
            self._counts[fault] = count


def _check_count(count: int) -> None:
    if count < 0:
        raise ValidationError(
            "count",
            Text(
                f"A fault count must be 0 or more, not {count}.",
                f"Een aantal fouten moet 0 of meer zijn, niet {count}.",
            ),
        )
