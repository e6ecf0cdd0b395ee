"""The demo PMS's reading of a list request: BEX's filter syntax, sorting, paging parameters, and its error form."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from salto_desk.demo.records import DemoRecord, JsonValue

FilterKind = Literal["text", "day", "moment", "labels", "relation"]


class ApiError(Exception):
    """An error answer in JSON:API form."""

    def __init__(self, status: int, code: str, title: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.entry: dict[str, JsonValue] = {"status": str(status), "code": code, "title": title, "detail": detail}
        if parameter is not None:
            self.entry["source"] = {"parameter": parameter}


_Value = str | float
"""A filter compares texts as they are, and dates and times as numbers (ordinal day, POSIX time)."""


@dataclass(frozen=True)
class Filter:
    """One ``filter[name]=value``: a ``low..high`` range (either end open) or a comma list; ``!`` negates."""

    name: str
    kind: FilterKind
    negate: bool
    values: tuple[_Value, ...] = ()
    bounds: tuple[float | None, float | None] | None = None

    @classmethod
    def parse(cls, name: str, kind: FilterKind, raw: str) -> Filter:
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
            raise ApiError(
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


def sorted_records(records: list[DemoRecord], sort: str | None) -> list[DemoRecord]:
    """``sort=a,-b``: by id (as a number) or by attributes; records lacking one sort first."""
    if not sort:
        return records
    ordered = list(records)
    for key in reversed(sort.split(",")):
        name = key.removeprefix("-")
        if name not in _SORT_KEYS:
            raise ApiError(400, "INVALID_SORT", "Invalid sort", f"Cannot sort by '{name}'.", "sort")
        ordered.sort(key=functools.partial(_sort_value, name=name), reverse=key.startswith("-"))
    return ordered


_SORT_KEYS = frozenset({"id", "start_date", "end_date", "created_at", "updated_at"})


def _sort_value(record: DemoRecord, *, name: str) -> tuple[int, str]:
    if name == "id":
        return (len(record.id), record.id)
    value = record.attributes.get(name)
    return (0, "") if not isinstance(value, str) else (1, value)


def page_parameter(query: Mapping[str, str], name: str, default: int, maximum: int | None) -> int:
    raw = query.get(f"page[{name}]")
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f"1..{maximum}" if maximum is not None else "1 or more"
        raise ApiError(400, "INVALID_PAGE", "Invalid page", f"page[{name}] must be {limit}.", f"page[{name}]")
    return int(raw)
