"""Planned misbehaviour of the demo PMS, and BEX's moving-window rate limit."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from salto_desk.demo.records import JsonValue


@dataclass(frozen=True)
class Fault:
    delay: float = 0.0
    status: int | None = None
    retry_after: str | None = None
    errors: Sequence[Mapping[str, JsonValue]] | None = None
    garble: bool = False
    cut: bool = False


class DemoFaults:
    """Planned misbehaviour, taken one per request in the order it was planned (after the key check)."""

    def __init__(self) -> None:
        self._planned: deque[Fault] = deque()
        self._guard = threading.Lock()

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        errors: Sequence[Mapping[str, JsonValue]] | None = None,
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (and ``Retry-After``, error entries)."""
        self._plan(Fault(status=status, retry_after=retry_after, errors=errors), times)

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Answer the next requests only after ``seconds`` (a stopped server stops waiting)."""
        self._plan(Fault(delay=seconds), times)

    def garble_next(self, *, times: int = 1) -> None:
        """Answer the next requests with 200 and a body that is not JSON (a proxy's error page)."""
        self._plan(Fault(garble=True), times)

    def cut_next(self, *, times: int = 1) -> None:
        """Answer the next requests with 200 and the document cut off half-way (a connection a proxy closed)."""
        self._plan(Fault(cut=True), times)

    def clear(self) -> None:
        with self._guard:
            self._planned.clear()

    def _plan(self, fault: Fault, times: int) -> None:
        with self._guard:
            self._planned.extend([fault] * times)

    def take(self) -> Fault | None:
        with self._guard:
            return self._planned.popleft() if self._planned else None


@dataclass(frozen=True)
class RateLimit:
    """BEX's limit on calls per moving window (500 per 15 minutes); the demo can apply a smaller one."""

    calls: int
    window: timedelta


class RateWindow:
    """The calls of the moving window; a call over the limit is answered 429 and does not count."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.limit: RateLimit | None = None
        self._clock = clock
        self._calls: deque[datetime] = deque()
        self._guard = threading.Lock()

    def admit(self) -> tuple[float | None, dict[str, str]]:
        """Seconds to wait (None: go ahead) and the ``X-RateLimit`` headers of the answer."""
        limit = self.limit
        if limit is None:
            return None, {}
        with self._guard:
            now = self._clock()
            while self._calls and self._calls[0] <= now - limit.window:
                self._calls.popleft()
            if len(self._calls) >= limit.calls:
                wait = (self._calls[0] + limit.window - now).total_seconds()
                return max(1.0, math.ceil(wait)), {"X-RateLimit-Limit": str(limit.calls), "X-RateLimit-Remaining": "0"}
            self._calls.append(now)
            remaining = limit.calls - len(self._calls)
        return None, {"X-RateLimit-Limit": str(limit.calls), "X-RateLimit-Remaining": str(remaining)}
