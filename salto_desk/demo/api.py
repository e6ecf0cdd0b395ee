"""The HTTP-free heart of the demo PMS: one request in, one JSON:API response out.

It serves the demo store in the JSON:API shapes the client reads: ``/v3`` paths, ``x-api-key`` checked
(401 otherwise), ``page[number]``/``page[size]`` with ``links.next``, ``include`` (nested paths too),
filters with BEX's syntax, ``sort`` and JSON:API error bodies. Faults can be planned (any status with
``Retry-After``, slow, cut or unreadable answers), a rate limit applied, and includes and filters refused,
so every failure path of the client can be shown.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from salto_desk.demo.faults import DemoFaults, Fault, RateLimit, RateWindow
from salto_desk.demo.query import ApiError, Filter, FilterKind, page_parameter, sorted_records
from salto_desk.demo.records import DemoRecord, JsonValue
from salto_desk.demo.store import DemoStore

log = logging.getLogger("salto_desk.demo")

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


@dataclass(frozen=True)
class Collection:
    type: str
    filters: Mapping[str, FilterKind]


COLLECTIONS: Mapping[str, Collection] = {
    "reservations": Collection(
        "reservation",
        {
            "updated_at": "moment",
            "state": "text",
            "start_date": "day",
            "end_date": "day",
            "inventory_object": "relation",
        },
    ),
    "bookings": Collection("booking", {"updated_at": "moment", "state": "text"}),
    "inventory_objects": Collection("inventory_object", {"updated_at": "moment", "labels": "labels"}),
    "rentable_types": Collection("rentable_type", {}),
    "owners": Collection("owner", {}),
    "extras": Collection("extra", {}),
    "costs": Collection("cost", {}),
}


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
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def document_bytes(document: Mapping[str, JsonValue]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: ApiError, headers: Mapping[str, str] | None = None) -> Response:
    return Response(error.status, document_bytes({"errors": [error.entry]}), headers or {})


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
        self._rate = RateWindow(clock)
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

    def handle(self, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        key = headers.get("x-api-key", "").encode("utf-8")
        key_accepted = hmac.compare_digest(key, self._api_key)
        with self._seen_guard:
            self._seen.append(SeenRequest(parts.path, query, headers.get("accept"), key_accepted))
        if not key_accepted:
            return error_response(
                ApiError(401, "UNAUTHORIZED", "Unauthorized", "The x-api-key header is missing or not valid.")
            )
        wait, limit_headers = self._rate.admit()
        if wait is not None:
            limited = ApiError(429, "TOO_MANY_REQUESTS", "Too many requests", "The rate limit is reached.")
            return error_response(limited, {**limit_headers, "Retry-After": f"{wait:.0f}"})
        fault = self.faults.take()
        if fault is not None:
            if fault.delay and self._stopping.wait(fault.delay):
                return error_response(ApiError(503, "APPLICATION_HALTED", "Stopping", "The demo PMS is stopping."))
            planned = self._planned(fault)
            if planned is not None:
                return planned
        try:
            with self.store.lock:
                body = document_bytes(self._route(parts.path, dict(query)))
        except ApiError as error:
            return error_response(error, limit_headers)
        except Exception:  # the server boundary: a fault in the demo must still answer like BEX would
            log.exception("demo PMS: %s failed", parts.path)
            return error_response(
                ApiError(500, "INTERNAL_SERVER_ERROR", "Internal server error", "The demo PMS failed.")
            )
        if fault is not None and fault.cut:
            return Response(200, body[: len(body) // 2], limit_headers)
        return Response(200, body, limit_headers)

    @staticmethod
    def _planned(fault: Fault) -> Response | None:
        if fault.garble:
            return Response(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
        if fault.status is None:
            return None
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        default = {"status": fault.status, "code": "DEMO_FAULT", "title": "Planned fault", "detail": "A planned fault."}
        entries = list(fault.errors) if fault.errors is not None else [default]
        return Response(fault.status, document_bytes({"errors": entries}), headers)

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
            raise ApiError(404, "NOT_FOUND", "Not found", f"Administration {administration_id} does not exist.")
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
                raise ApiError(400, "INVALID_FILTER", "Invalid filter", f"Unknown filter '{refused[0]}'.", parameter)
            records = self.store.all(collection.type, administration_id)
            return self._list(path, query, collection.type, records, collection.filters)
        reservation = self.store.get("reservation", rest[1])
        if reservation is None or reservation.administration_id != administration_id:
            raise ApiError(404, "NOT_FOUND", "Not found", f"Reservation {rest[1]} does not exist.")
        if len(rest) == 2:
            return self._single(query, reservation)
        if rest[2] != "guests":
            raise self._not_found(path)
        guests = [record for ref in reservation.refs("guests") if (record := self.store.get(*ref)) is not None]
        return self._list(path, query, "guest", guests, {})

    @staticmethod
    def _not_found(path: str) -> ApiError:
        return ApiError(404, "NOT_FOUND", "Not found", f"No route for {path}.")

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
            page_parameter(query, "number", 1, None),
            page_parameter(query, "size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        )
        for parsed in self._filters(query, filters):
            records = [record for record in records if parsed.matches(record)]
        records = sorted_records(records, query.get("sort"))
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
    def _filters(query: Mapping[str, str], allowed: Mapping[str, FilterKind]) -> list[Filter]:
        parsed = []
        for key, value in query.items():
            if not (key.startswith("filter[") and key.endswith("]")):
                continue
            name = key[len("filter[") : -1]
            if name not in allowed:
                raise ApiError(400, "INVALID_FILTER", "Invalid filter", f"Unknown filter '{name}'.", key)
            parsed.append(Filter.parse(name, allowed[name], value))
        return parsed

    def _include_paths(self, kind: str, query: Mapping[str, str]) -> list[list[str]]:
        paths = [path.split(".") for path in query.get("include", "").split(",") if path]
        for path in paths:
            current = kind
            for depth, name in enumerate(path, start=1):
                target = RELATIONSHIPS.get(current, {}).get(name)
                dotted = ".".join(path[:depth])
                if target is None:
                    raise ApiError(
                        400, "INVALID_INCLUDE", "Invalid include", f"'{dotted}' is not a relationship.", "include"
                    )
                if dotted in self.forbidden_includes:
                    raise ApiError(
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
