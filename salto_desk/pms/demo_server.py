"""A local stand-in for the BEX API v3, for ``salto-desk --demo``, training and the tests.

It serves the demo store (``demo_data``) in the JSON:API shapes the client reads: ``/v3`` paths,
``x-api-key`` checked (401 otherwise), ``page[number]``/``page[size]`` with ``links.next``,
``include`` (nested paths too), filters with BEX's syntax (``a..b`` range, ``x,y`` list, ``!``
negation) and JSON:API error bodies. Faults can be planned (any status with ``Retry-After``, slow or
unreadable answers) and includes can be forbidden, so every failure path of the client can be shown.
It only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import json
import logging
import math
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from salto_desk.pms.demo_data import DEFAULT_RESERVATIONS, DemoRecord, DemoStore, JsonValue

log = logging.getLogger("salto_desk.pms.demo_server")

DEMO_API_KEY = "salto-desk-demo-key"
"""The demo's key: not a secret, but the client treats it like one all the same."""
API_PREFIX = "/v3"
DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100
JSON_API = "application/vnd.api+json"
SEEN_REQUESTS_KEPT = 10_000
"""Recent requests kept for tests to inspect; a demo left running for days must not grow without end."""

RELATIONSHIPS: Mapping[str, Mapping[str, str]] = {
    "reservation": {
        "administration": "administration",
        "booking": "booking",
        "guests": "guest",
        "inventory_object": "inventory_object",
        "rentable_identity": "rentable_identity",
        "rentable_type": "rentable_type",
        "order": "order",
        "extra_order_items": "order_item",
    },
    "booking": {"customer": "customer", "reservations": "reservation"},
    "order": {"main_order_items": "order_item", "extra_order_items": "order_item"},
    "order_item": {"extra": "extra", "cost": "cost"},
    "inventory_object": {"rentable_type": "rentable_type", "rentable_identity": "rentable_identity"},
    "owner": {"agreements": "agreement"},
    "agreement": {"owner": "owner", "rentable_identity": "rentable_identity"},
}
"""Which relationships each type has, and of what type; ``include`` paths are checked against it."""

FilterKind = Literal["text", "day", "moment", "labels", "relation"]


@dataclass(frozen=True)
class _Collection:
    type: str
    filters: Mapping[str, FilterKind]


COLLECTIONS: Mapping[str, _Collection] = {
    "reservations": _Collection(
        "reservation",
        {
            "updated_at": "moment",
            "state": "text",
            "start_date": "day",
            "end_date": "day",
            "inventory_object": "relation",
        },
    ),
    "bookings": _Collection("booking", {"updated_at": "moment", "state": "text"}),
    "inventory_objects": _Collection("inventory_object", {"updated_at": "moment", "labels": "labels"}),
    "rentable_types": _Collection("rentable_type", {}),
    "owners": _Collection("owner", {}),
    "extras": _Collection("extra", {}),
    "costs": _Collection("cost", {}),
}


class _ApiError(Exception):
    """An error answer in JSON:API form."""

    def __init__(self, status: int, code: str, title: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.entry: dict[str, JsonValue] = {"status": str(status), "code": code, "title": title, "detail": detail}
        if parameter is not None:
            self.entry["source"] = {"parameter": parameter}


@dataclass(frozen=True)
class _Fault:
    delay: float = 0.0
    status: int | None = None
    retry_after: str | None = None
    errors: Sequence[Mapping[str, JsonValue]] | None = None
    garble: bool = False
    cut: bool = False


class DemoFaults:
    """Planned misbehaviour, taken one per request in the order it was planned (after the key check)."""

    def __init__(self) -> None:
        self._planned: deque[_Fault] = deque()
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
        self._plan(_Fault(status=status, retry_after=retry_after, errors=errors), times)

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Answer the next requests only after ``seconds`` (a stopped server stops waiting)."""
        self._plan(_Fault(delay=seconds), times)

    def garble_next(self, *, times: int = 1) -> None:
        """Answer the next requests with 200 and a body that is not JSON (a proxy's error page)."""
        self._plan(_Fault(garble=True), times)

    def cut_next(self, *, times: int = 1) -> None:
        """Answer the next requests with 200 and the document cut off half-way (a connection a proxy closed)."""
        self._plan(_Fault(cut=True), times)

    def clear(self) -> None:
        with self._guard:
            self._planned.clear()

    def _plan(self, fault: _Fault, times: int) -> None:
        with self._guard:
            self._planned.extend([fault] * times)

    def take(self) -> _Fault | None:
        with self._guard:
            return self._planned.popleft() if self._planned else None


@dataclass(frozen=True)
class SeenRequest:
    """What a test may check about a request: path, query and headers (never the key's value)."""

    path: str
    query: tuple[tuple[str, str], ...]
    accept: str | None
    key_accepted: bool

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.query if key == name), None)


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def _document_bytes(document: Mapping[str, JsonValue]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error_response(error: _ApiError, headers: Mapping[str, str] | None = None) -> _Response:
    return _Response(error.status, _document_bytes({"errors": [error.entry]}), headers or {})


_Value = str | float
"""A filter compares texts as they are, and dates and times as numbers (ordinal day, POSIX time)."""


@dataclass(frozen=True)
class _Filter:
    """One ``filter[name]=value``: a ``low..high`` range (either end open) or a comma list; ``!`` negates."""

    name: str
    kind: FilterKind
    negate: bool
    values: tuple[_Value, ...] = ()
    bounds: tuple[float | None, float | None] | None = None

    @classmethod
    def parse(cls, name: str, kind: FilterKind, raw: str) -> _Filter:
        negate = raw.startswith("!")
        text = raw[1:] if negate else raw
        try:
            if ".." not in text:
                return cls(name, kind, negate, values=tuple(_value(kind, part) for part in text.split(",")))
            if kind not in ("day", "moment"):
                raise ValueError("a range needs a date or time field")
            low, high = (float(_value(kind, part)) if part else None for part in text.split("..", 1))
            return cls(name, kind, negate, bounds=(low, high))
        except ValueError as error:
            raise _ApiError(
                400, "INVALID_FILTER", "Invalid filter", f"filter[{name}]: {error}", f"filter[{name}]"
            ) from None

    def matches(self, record: DemoRecord) -> bool:
        values = _record_values(record, self.name, self.kind)
        if self.bounds is None:
            hit = any(value in self.values for value in values)
        else:
            low, high = self.bounds
            hit = any(
                isinstance(value, float) and (low is None or low <= value) and (high is None or value <= high)
                for value in values
            )
        return hit != self.negate


def _value(kind: FilterKind, text: str) -> _Value:
    if kind == "day":
        return float(date.fromisoformat(text).toordinal())
    if kind == "moment":
        moment = datetime.fromisoformat(text)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return text


def _record_values(record: DemoRecord, name: str, kind: FilterKind) -> list[_Value]:
    """The record's values for a filter; a malformed value matches nothing rather than crashing."""
    if kind == "relation":
        return [identifier for _type, identifier in record.refs(name)]
    value = record.attributes.get(name)
    if kind == "labels":
        return [label for label in value if isinstance(label, str)] if isinstance(value, list) else []
    if not isinstance(value, str):
        return []
    try:
        return [_value(kind, value)]
    except ValueError:
        return []


@dataclass(frozen=True)
class RateLimit:
    """BEX's limit on calls per moving window (500 per 15 minutes); the demo can apply a smaller one."""

    calls: int
    window: timedelta


class _RateWindow:
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


class DemoPmsApi:
    """The HTTP-free heart of the demo: one request in, one JSON:API response out."""

    def __init__(
        self,
        store: DemoStore,
        api_key: str,
        origin: Callable[[], str],
        stopping: threading.Event,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.faults = DemoFaults()
        self.forbidden_includes: set[str] = set()
        """Include paths answered with 403 FORBIDDEN_INCLUDE, as for an app lacking that permission."""
        self.refused_filters: set[tuple[str, str]] = set()
        """(collection, filter) pairs answered with 400, as for a filter BEX does not offer on that resource."""
        self._rate = _RateWindow(clock)
        self._api_key = api_key.encode("utf-8")
        self._origin = origin
        self._stopping = stopping
        self._seen: deque[SeenRequest] = deque(maxlen=SEEN_REQUESTS_KEPT)
        self._seen_guard = threading.Lock()

    @property
    def rate_limit(self) -> RateLimit | None:
        return self._rate.limit

    @rate_limit.setter
    def rate_limit(self, limit: RateLimit | None) -> None:
        """Apply BEX's moving-window limit (None: no limit, the default)."""
        self._rate.limit = limit

    @property
    def seen(self) -> list[SeenRequest]:
        with self._seen_guard:
            return list(self._seen)

    def handle(self, target: str, headers: Mapping[str, str]) -> _Response:
        parts = urlsplit(target)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        key = headers.get("x-api-key", "").encode("utf-8")
        key_accepted = hmac.compare_digest(key, self._api_key)
        with self._seen_guard:
            self._seen.append(SeenRequest(parts.path, query, headers.get("accept"), key_accepted))
        if not key_accepted:
            return _error_response(
                _ApiError(401, "UNAUTHORIZED", "Unauthorized", "The x-api-key header is missing or not valid.")
            )
        wait, limit_headers = self._rate.admit()
        if wait is not None:
            limited = _ApiError(429, "TOO_MANY_REQUESTS", "Too many requests", "The rate limit is reached.")
            return _error_response(limited, {**limit_headers, "Retry-After": f"{wait:.0f}"})
        fault = self.faults.take()
        if fault is not None:
            if fault.delay and self._stopping.wait(fault.delay):
                return _error_response(_ApiError(503, "APPLICATION_HALTED", "Stopping", "The demo PMS is stopping."))
            planned = self._planned(fault)
            if planned is not None:
                return planned
        try:
            with self.store.lock:
                body = _document_bytes(self._route(parts.path, dict(query)))
        except _ApiError as error:
            return _error_response(error, limit_headers)
        except Exception:  # the server boundary: a fault in the demo must still answer like BEX would
            log.exception("demo PMS: %s failed", parts.path)
            return _error_response(
                _ApiError(500, "INTERNAL_SERVER_ERROR", "Internal server error", "The demo PMS failed.")
            )
        if fault is not None and fault.cut:
            return _Response(200, body[: len(body) // 2], limit_headers)
        return _Response(200, body, limit_headers)

    @staticmethod
    def _planned(fault: _Fault) -> _Response | None:
        if fault.garble:
            return _Response(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
        if fault.status is None:
            return None
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        default = {"status": fault.status, "code": "DEMO_FAULT", "title": "Planned fault", "detail": "A planned fault."}
        entries = list(fault.errors) if fault.errors is not None else [default]
        return _Response(fault.status, _document_bytes({"errors": entries}), headers)

    def _route(self, path: str, query: dict[str, str]) -> dict[str, JsonValue]:
        if not path.startswith(f"{API_PREFIX}/"):
            raise self._not_found(path)
        segments = [segment for segment in path[len(API_PREFIX) :].split("/") if segment]
        if segments == ["administrations"]:
            return self._list(path, query, "administration", self.store.all("administration"), {})
        if len(segments) < 2 or segments[0] != "administrations":
            raise self._not_found(path)
        administration_id = segments[1]
        administration = self.store.get("administration", administration_id)
        if administration is None:
            raise _ApiError(404, "NOT_FOUND", "Not found", f"Administration {administration_id} does not exist.")
        rest = segments[2:]
        if not rest:
            return self._single(query, administration)
        collection = COLLECTIONS.get(rest[0])
        if collection is None or len(rest) > 3 or (len(rest) > 1 and collection.type != "reservation"):
            raise self._not_found(path)
        if len(rest) == 1:
            refused = sorted(
                name for kind, name in self.refused_filters if kind == rest[0] and f"filter[{name}]" in query
            )
            if refused:
                parameter = f"filter[{refused[0]}]"
                raise _ApiError(400, "INVALID_FILTER", "Invalid filter", f"Unknown filter '{refused[0]}'.", parameter)
            records = self.store.all(collection.type, administration_id)
            return self._list(path, query, collection.type, records, collection.filters)
        reservation = self.store.get("reservation", rest[1])
        if reservation is None or reservation.administration_id != administration_id:
            raise _ApiError(404, "NOT_FOUND", "Not found", f"Reservation {rest[1]} does not exist.")
        if len(rest) == 2:
            return self._single(query, reservation)
        if rest[2] != "guests":
            raise self._not_found(path)
        guests = [record for ref in reservation.refs("guests") if (record := self.store.get(*ref)) is not None]
        return self._list(path, query, "guest", guests, {})

    @staticmethod
    def _not_found(path: str) -> _ApiError:
        return _ApiError(404, "NOT_FOUND", "Not found", f"No route for {path}.")

    def _single(self, query: Mapping[str, str], record: DemoRecord) -> dict[str, JsonValue]:
        included = self._included([record], self._include_paths(record.type, query))
        return {"data": record.to_json(), "included": included}

    def _list(
        self,
        path: str,
        query: dict[str, str],
        kind: str,
        records: list[DemoRecord],
        filters: Mapping[str, FilterKind],
    ) -> dict[str, JsonValue]:
        number, size = (
            _page_parameter(query, "number", 1, None),
            _page_parameter(query, "size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        )
        for parsed in self._filters(query, filters):
            records = [record for record in records if parsed.matches(record)]
        records = _sorted(records, query.get("sort"))
        include = self._include_paths(kind, query)
        last = max(1, -(-len(records) // size))
        page = records[(number - 1) * size : number * size]
        return {
            "data": [record.to_json() for record in page],
            "included": self._included(page, include),
            "links": {
                "self": self._link(path, query, number),
                "first": self._link(path, query, 1),
                "prev": self._link(path, query, number - 1) if number > 1 else None,
                "next": self._link(path, query, number + 1) if number < last else None,
                "last": self._link(path, query, last),
            },
            "meta": {"pagination": {"total_records": len(records), "page": number, "size": size}},
        }

    def _link(self, path: str, query: Mapping[str, str], number: int) -> str:
        return f"{self._origin()}{path}?{urlencode({**query, 'page[number]': str(number)})}"

    @staticmethod
    def _filters(query: Mapping[str, str], allowed: Mapping[str, FilterKind]) -> list[_Filter]:
        parsed = []
        for key, value in query.items():
            if not (key.startswith("filter[") and key.endswith("]")):
                continue
            name = key[len("filter[") : -1]
            if name not in allowed:
                raise _ApiError(400, "INVALID_FILTER", "Invalid filter", f"Unknown filter '{name}'.", key)
            parsed.append(_Filter.parse(name, allowed[name], value))
        return parsed

    def _include_paths(self, kind: str, query: Mapping[str, str]) -> list[list[str]]:
        paths = [path.split(".") for path in query.get("include", "").split(",") if path]
        for path in paths:
            current = kind
            for depth, name in enumerate(path, start=1):
                target = RELATIONSHIPS.get(current, {}).get(name)
                dotted = ".".join(path[:depth])
                if target is None:
                    raise _ApiError(
                        400, "INVALID_INCLUDE", "Invalid include", f"'{dotted}' is not a relationship.", "include"
                    )
                if dotted in self.forbidden_includes:
                    raise _ApiError(
                        403,
                        "FORBIDDEN_INCLUDE",
                        "Forbidden include",
                        f"No permission to include '{dotted}'.",
                        "include",
                    )
                current = target
        return paths

    def _included(self, primary: list[DemoRecord], paths: list[list[str]]) -> list[JsonValue]:
        """Every record reached by the include paths, once, never repeating primary data."""
        seen = {(record.type, record.id) for record in primary}
        included: list[JsonValue] = []
        for path in paths:
            frontier = primary
            for name in path:
                reached: list[DemoRecord] = []
                for record in frontier:
                    for ref in record.refs(name):
                        related = self.store.get(*ref)
                        if related is None:
                            continue
                        reached.append(related)
                        if ref not in seen:
                            seen.add(ref)
                            included.append(related.to_json())
                frontier = reached
        return included


def _sorted(records: list[DemoRecord], sort: str | None) -> list[DemoRecord]:
    """``sort=a,-b``: by id (as a number) or by attributes; records lacking one sort first."""
    if not sort:
        return records
    ordered = list(records)
    for key in reversed(sort.split(",")):
        name = key.removeprefix("-")
        if name not in _SORT_KEYS:
            raise _ApiError(400, "INVALID_SORT", "Invalid sort", f"Cannot sort by '{name}'.", "sort")
        ordered.sort(key=functools.partial(_sort_value, name=name), reverse=key.startswith("-"))
    return ordered


_SORT_KEYS = frozenset({"id", "start_date", "end_date", "created_at", "updated_at"})


def _sort_value(record: DemoRecord, *, name: str) -> tuple[int, str]:
    if name == "id":
        return (len(record.id), record.id)
    value = record.attributes.get(name)
    return (0, "") if not isinstance(value, str) else (1, value)


def _page_parameter(query: Mapping[str, str], name: str, default: int, maximum: int | None) -> int:
    raw = query.get(f"page[{name}]")
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f"1..{maximum}" if maximum is not None else "1 or more"
        raise _ApiError(400, "INVALID_PAGE", "Invalid page", f"page[{name}] must be {limit}.", f"page[{name}]")
    return int(raw)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client expects
    disable_nagle_algorithm = True  # headers and body go out as two writes: without this each waits ~40 ms
    timeout = 30  # an idle kept-alive connection is dropped after this many seconds
    server: _HttpServer

    def do_GET(self) -> None:
        if self.server.stopping.is_set():  # gone: a request on a kept-alive connection gets no answer at all
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.api.handle(self.path, headers)
        self.send_response(response.status)
        self.send_header("Content-Type", response.headers.get("Content-Type", JSON_API))
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo PMS: " + format, *args)


_Request = socket.socket | tuple[bytes, socket.socket]


class _HttpServer(ThreadingHTTPServer):
    """Tracks open connections so that stopping also ends kept-alive ones at once."""

    daemon_threads = True

    def __init__(self, port: int, api: DemoPmsApi, stopping: threading.Event) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self.stopping = stopping
        self._connections: set[socket.socket] = set()
        self._guard = threading.Lock()

    def process_request(self, request: _Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._guard:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._guard:
                self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: _Request, client_address: Any) -> None:
        """A client that hung up (or a stop that cut it off) is routine; anything else is logged as a fault."""
        if isinstance(sys.exc_info()[1], OSError):
            log.debug("demo PMS: connection from %s ended abruptly", client_address)
        else:
            log.exception("demo PMS: request from %s failed", client_address)

    def drop_connections(self) -> None:
        with self._guard:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the other side
                connection.shutdown(socket.SHUT_RDWR)


class DemoPmsServer:
    """The demo PMS on 127.0.0.1 and a free (or given) port, served from a background thread.

    Use it as a context manager; ``store`` changes the data (moves), ``faults`` plans misbehaviour.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        today: date | None = None,
        reservations: int = DEFAULT_RESERVATIONS,
        api_key: str = DEMO_API_KEY,
        port: int = 0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        clock = now or (lambda: datetime.now(UTC))
        self.store = DemoStore(seed=seed, today=today, reservations=reservations, now=clock)
        self._stopping = threading.Event()
        self.api = DemoPmsApi(self.store, api_key, lambda: f"http://127.0.0.1:{self.port}", self._stopping, clock)
        self._httpd = _HttpServer(port, self.api, self._stopping)
        self._threads: list[threading.Thread] = []

    def __repr__(self) -> str:
        return f"DemoPmsServer(base_url={self.base_url!r})"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def faults(self) -> DemoFaults:
        return self.api.faults

    def start(self) -> DemoPmsServer:
        self._spawn(lambda: self._httpd.serve_forever(poll_interval=0.05), "demo-pms")
        return self

    def start_activity(self, interval: float, changes: int = 3) -> None:
        """Every ``interval`` seconds apply a few random moves, so a live sync has something to show."""

        def run() -> None:
            while not self._stopping.wait(interval):
                for change in self.store.simulate(changes):
                    log.info("demo PMS: %s %s (%s)", change.event, change.reservation_id, change.detail)

        self._spawn(run, "demo-pms-activity")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def wait(self) -> None:
        """Block until ``close`` (from another thread) or Ctrl+C; short waits keep Ctrl+C working on Windows."""
        while not self._stopping.wait(0.5):
            pass

    def close(self) -> None:
        self._stopping.set()
        if self._threads:
            self._httpd.shutdown()
        self._httpd.drop_connections()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> DemoPmsServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()
