"""Tolerant reading of JSON:API documents as BEX sends them.

The live BEX schemas are only partly known, so reading follows one rule: an unknown attribute is
ignored, a missing or null one is None, and only a value of the wrong kind is an error, one that
names the record and the field so the rest of a pull can go on without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import NamedTuple

from salto_desk.errors import Text
from salto_desk.pms.errors import ApiErrorDetail, PmsBadResponse, PmsRecordError

_KINDS: tuple[tuple[type, Text], ...] = (
    (bool, Text("true/false", "waar/onwaar")),
    (int, Text("a number", "een getal")),
    (float, Text("a number", "een getal")),
    (str, Text("text", "tekst")),
    (list, Text("a list", "een lijst")),
    (dict, Text("an object", "een object")),
)


def _kind(value: object) -> Text:
    """What a JSON value is, in words; never the value itself (it may be personal data)."""
    for python_type, words in _KINDS:
        if isinstance(value, python_type):
            return words
    return Text("an unknown value", "een onbekende waarde")


def _should_be(expected: Text, value: object) -> Text:
    got = _kind(value)
    return Text(f"should be {expected.en} but is {got.en}", f"moet {expected.nl} zijn maar is {got.nl}")


_AN_OBJECT = Text("an object", "een object")


def _identifier(value: object) -> str | None:
    """JSON:API ids are strings; some servers send numbers, which mean the same."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class Ref(NamedTuple):
    """A pointer from one record to another (JSON:API resource identifier).

    A named tuple (cheap to make: a page of reservations holds thousands) that is also the key of
    ``Document.included``.
    """

    type: str
    id: str


class Resource(NamedTuple):
    """One JSON:API record with typed, tolerant accessors for its attributes and relationships.

    A named tuple rather than a frozen dataclass: a full sync reads ~100,000 of them.
    """

    type: str
    id: str
    attributes: Mapping[str, object]
    relationships: Mapping[str, object]

    def problem(self, field: str, problem: Text) -> PmsRecordError:
        return PmsRecordError(self.type, self.id, field, problem)

    def _wrong(self, field: str, expected: Text, value: object) -> PmsRecordError:
        return self.problem(field, _should_be(expected, value))

    def text(self, name: str) -> str | None:
        value = self.attributes.get(name)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(name, Text("text", "tekst"), value)

    def boolean(self, name: str) -> bool | None:
        value = self.attributes.get(name)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(name, Text("true/false", "waar/onwaar"), value)

    def day(self, name: str, zone: tzinfo | None = None) -> date | None:
        """A ``YYYY-MM-DD`` date; a timestamp is accepted too, as its day in ``zone`` (the administration's).

        Some date fields may come as timestamps; ``2030-07-01T23:30:00Z`` is 2 July in Amsterdam, which is
        the day the desk means. Without a zone (or for a timestamp without offset) the day is as written.
        """
        value = self.attributes.get(name)
        if value is None:
            return None
        expected = Text("a date (YYYY-MM-DD)", "een datum (JJJJ-MM-DD)")
        if not isinstance(value, str):
            raise self._wrong(name, expected, value)
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self._bad_format(name, expected, value) from None
        if zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.date()

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 timestamp, always returned time-zone aware (a naive one is taken as UTC)."""
        value = self.attributes.get(name)
        if value is None:
            return None
        expected = Text("a date and time (ISO 8601)", "een datum en tijd (ISO 8601)")
        if not isinstance(value, str):
            raise self._wrong(name, expected, value)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self._bad_format(name, expected, value) from None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

    def _bad_format(self, field: str, expected: Text, value: str) -> PmsRecordError:
        shown = value[:40]
        return self.problem(
            field, Text(f"should be {expected.en} but is '{shown}'", f"moet {expected.nl} zijn maar is '{shown}'")
        )

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of strings; a single comma-separated string is read as that list."""
        value = self.attributes.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise self._wrong(name, Text("a list of texts", "een lijst met teksten"), value)

    def localized(self, name: str, languages: Sequence[str]) -> str | None:
        """A text that BEX may send plain or as ``{locale: text}``; the first preferred language wins."""
        value = self.attributes.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, dict) and all(isinstance(item, str | None) for item in value.values()):
            for language in languages:
                if value.get(language):
                    return str(value[language])
            return next((str(item) for item in value.values() if item), None)
        raise self._wrong(name, Text("text or translations", "tekst of vertalingen"), value)

    def counts(self, name: str) -> Mapping[str, int] | None:
        """An object of whole numbers, such as ``guest_group``."""
        value = self.attributes.get(name)
        if value is None:
            return None
        expected = Text("an object of numbers", "een object met getallen")
        if not isinstance(value, dict):
            raise self._wrong(name, expected, value)
        counts: dict[str, int] = {}
        for key, item in value.items():
            if item is None:
                continue
            if not isinstance(item, int) or isinstance(item, bool):
                raise self._wrong(f"{name}.{key}", Text("a whole number", "een geheel getal"), item)
            counts[key] = item
        return counts

    def _linkage(self, name: str) -> object:
        relationship = self.relationships.get(name)
        if relationship is None:
            return None
        if type(relationship) is not dict:
            raise self._wrong(name, Text("a relationship object", "een relatie-object"), relationship)
        return relationship.get("data")

    def _ref(self, name: str, value: object) -> Ref:
        if type(value) is dict:
            kind, identifier = value.get("type"), value.get("id")
            if type(identifier) is not str:  # the common case (string ids) skips this call
                identifier = _identifier(identifier)
            if type(kind) is str and kind and identifier:
                return Ref(kind, identifier)
        raise self._wrong(name, Text("a reference with type and id", "een verwijzing met type en id"), value)

    def one(self, name: str) -> Ref | None:
        """A to-one relationship; absent, without data or null is None."""
        data = self._linkage(name)
        return None if data is None else self._ref(name, data)

    def many(self, name: str) -> tuple[Ref, ...]:
        """A to-many relationship; absent or without data is empty."""
        data = self._linkage(name)
        if data is None:
            return ()
        if not isinstance(data, list):
            raise self._wrong(name, Text("a list of references", "een lijst met verwijzingen"), data)
        return tuple(self._ref(name, item) for item in data)


def parse_resource(raw: object) -> Resource:
    """Check the envelope of one record (type, id, attributes, relationships)."""
    if type(raw) is dict:  # the well-formed record, checked in one go (a sync reads ~100,000)
        kind, identifier = raw.get("type"), raw.get("id")
        attributes, relationships = raw.get("attributes"), raw.get("relationships")
        if (type(kind) is str and kind != "?" and type(identifier) is str and identifier
                and type(attributes) is dict and type(relationships) is dict):  # fmt: skip
            return Resource(kind, identifier, attributes, relationships)
    return _parse_odd_resource(raw)


def _parse_odd_resource(raw: object) -> Resource:
    """``parse_resource`` for every other shape: numeric ids, absent parts, or a problem to report."""
    if not isinstance(raw, dict):
        raise PmsRecordError("?", "?", "data", _should_be(_AN_OBJECT, raw))
    kind = raw.get("type") if isinstance(raw.get("type"), str) else "?"
    identifier = _identifier(raw.get("id"))
    if identifier is None:
        raise PmsRecordError(str(kind), "?", "id", Text("is missing", "ontbreekt"))
    if kind == "?":
        raise PmsRecordError("?", identifier, "type", Text("is missing", "ontbreekt"))
    parts: dict[str, Mapping[str, object]] = {}
    for part in ("attributes", "relationships"):
        value = raw.get(part)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise PmsRecordError(str(kind), identifier, part, _should_be(_AN_OBJECT, value))
        parts[part] = value
    return Resource(str(kind), identifier, parts["attributes"], parts["relationships"])


@dataclass(frozen=True)
class Document:
    """One response: the primary entries (still raw, read one by one), the included records, paging."""

    primary: tuple[object, ...]
    included: Mapping[tuple[str, str], Resource]
    included_problems: tuple[PmsRecordError, ...]
    next_link: str | None

    def related(self, ref: Ref | None) -> Resource | None:
        """The included record a reference points at, or None when BEX did not include it."""
        return None if ref is None else self.included.get(ref)


def parse_document(payload: object) -> Document:
    """Read the envelope of a response; broken included records are reported, not fatal."""
    if not isinstance(payload, dict) or "data" not in payload:
        raise PmsBadResponse(Text("it has no 'data' member.", "er ontbreekt een 'data'-onderdeel."))
    data = payload["data"]
    if isinstance(data, list):
        primary: tuple[object, ...] = tuple(data)
    elif isinstance(data, dict):
        primary = (data,)
    elif data is None:
        primary = ()
    else:
        raise PmsBadResponse(
            Text("its 'data' is neither a record nor a list.", "de 'data' is geen record en geen lijst.")
        )
    included: dict[tuple[str, str], Resource] = {}
    problems: list[PmsRecordError] = []
    raw_included = payload.get("included")
    if raw_included is None:
        raw_included = []
    if not isinstance(raw_included, list):
        raise PmsBadResponse(Text("its 'included' is not a list.", "de 'included' is geen lijst."))
    for raw in raw_included:
        try:
            resource = parse_resource(raw)
        except PmsRecordError as problem:
            problems.append(problem)
            continue
        included[(resource.type, resource.id)] = resource
    return Document(primary, included, tuple(problems), _next_link(payload))


def _next_link(payload: Mapping[str, object]) -> str | None:
    links = payload.get("links")
    if not isinstance(links, dict):
        return None
    link = links.get("next")
    if isinstance(link, dict):  # JSON:API allows a link object {"href": ...}
        link = link.get("href")
    return link if isinstance(link, str) and link else None


def parse_error_details(payload: object) -> tuple[ApiErrorDetail, ...]:
    """The ``errors`` list of an error response; ``status`` may be a number or a string."""
    if not isinstance(payload, dict) or not isinstance(payload.get("errors"), list):
        return ()
    details = []
    for entry in payload["errors"]:
        if not isinstance(entry, dict):
            continue
        source = entry.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        status = entry.get("status")
        details.append(
            ApiErrorDetail(
                status=str(status) if isinstance(status, str | int) and not isinstance(status, bool) else None,
                code=_string(entry.get("code")),
                title=_string(entry.get("title")),
                detail=_string(entry.get("detail")),
                pointer=_string(pointer),
            )
        )
    return tuple(details)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
