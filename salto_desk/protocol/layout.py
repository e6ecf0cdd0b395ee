"""Declarative field tables: a ``Layout`` lists the values of one message class in wire order.

Each entry names the attribute(s) a value comes from and the ``Kind`` that carries it
(``fields.py``), so a command's positions are declared once and the same table builds its frame
(``Layout.build``) and reads it back (``Layout.parse``): the client's requests and replies, and the
simulator's reverse. ``WireOptions`` are the site's choices every kind may depend on.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from salto_desk.protocol.codec import restore
from salto_desk.protocol.errors import RemoteProtocolError
from salto_desk.protocol.text import TextEncoding

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

TrailingFields = Literal["full", "trim"]
AuditDateOrder = Literal["dm", "md"]


@dataclasses.dataclass(frozen=True)
class WireOptions:
    """How this site's SALTO wants its bytes; each choice settles an open point of the reference.

    - ``encoding``: code page of free text (ASCII per the Ruby client, Latin-1 per the Python port).
    - ``trailing_fields``: send all 16 fields of CN/CC/CA/CNM ("full") or drop empty trailing ones.
    - ``send_lrc``: compute the LRC, or send 0x0D ("do not check").
    - ``audit_date_order``: audit events carry dd/mm or mm/dd depending on SALTO's settings.
    """

    site_zone: tzinfo = dataclasses.field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    encoding: TextEncoding = "ascii"
    trailing_fields: TrailingFields = "full"
    send_lrc: bool = True
    audit_date_order: AuditDateOrder = "dm"


ValueT = TypeVar("ValueT")


class Kind(ABC, Generic[ValueT]):
    """How one value travels: how many wire fields it takes and the conversion both ways."""

    width = 1

    @abstractmethod
    def put(self, value: ValueT, options: WireOptions, out: list[bytes]) -> None:
        """Append the value's ``width`` fields to ``out``."""

    @abstractmethod
    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> ValueT:
        """The value held by ``texts[at:at + width]`` (always there: the layout pads short frames)."""


class Plain(Kind[str]):
    """Text read as it stands on the wire; a compiled table reads it without calling ``take``."""

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> str:
        return texts[at]


# --- the table ---------------------------------------------------------------------------------------

Names = str | tuple[str, ...] | None
Entry = tuple[Names, Kind[Any]]
Refusal = Callable[[Sequence[str], RemoteProtocolError], Exception]
MessageT = TypeVar("MessageT", bound="DataclassInstance", covariant=True)


class Layout(Generic[MessageT]):
    """The fields of one message class, in wire order: ``(attribute, kind)`` entries.

    An entry's attribute is a name, a tuple of names for a kind that carries several values in one
    field (a command and its number), or None for fields no attribute holds. ``first`` is the
    position of the first entry when the fields before it are read and written by the caller.
    ``fixed`` gives attributes that are not on the wire (a guest card's type); every other attribute
    the table does not read takes its default. ``trimmable`` layouts drop their empty trailing fields
    when ``trailing_fields`` is "trim".
    ``refuse`` turns the error of a field that cannot be read into the error of the whole message
    (whose fields it is given).

    ``build(message, options)`` gives the fields of a message; ``parse(texts, options)`` the message
    that ``texts`` hold, missing trailing fields read as empty. Each table compiles into these two
    straight-line functions, the way ``dataclasses`` compiles an ``__init__``: a loop over the
    entries costs about a fifth more per message, on the hot paths of every request and reply
    (``bench/protocol.py``).
    """

    def __init__(
        self,
        message: type[MessageT],
        *entries: Entry,
        first: int = 0,
        fixed: Mapping[str, Any] | None = None,
        trimmable: bool = False,
        refuse: Refusal | None = None,
    ) -> None:
        self._trimmable = trimmable
        self._positions: dict[str, int] = {}
        namespace: dict[str, Any] = {
            "restore": restore,
            "message_class": message,
            "RemoteProtocolError": RemoteProtocolError,
            "refuse": refuse,
        }
        puts: list[str] = []
        takes: list[str] = []
        spreads: list[str] = []
        position = first
        for index, (names, kind) in enumerate(entries):
            namespace[f"put_{index}"], namespace[f"take_{index}"] = kind.put, kind.take
            puts.append(f"put_{index}({_attributes(names)}, options, out)")
            take = f"texts[{position}]" if isinstance(kind, Plain) else f"take_{index}(texts, {position}, options)"
            if isinstance(names, str):
                self._positions[names] = position
                takes.append(f"{names!r}: {take}")
            elif names is not None:
                spreads.append(f"{', '.join(f'values[{name!r}]' for name in names)} = {take}")
            position += kind.width
        self.width = position
        unread = _values_not_on_the_wire(message, self._read_names(entries), fixed or {})
        for name, value in unread.items():
            namespace[f"unread_{name}"] = value
            takes.append(f"{name!r}: unread_{name}")
        self._build: Callable[[object, WireOptions], list[bytes]] = _compile(
            "build", ("message", "options"), ["out = []", *puts, "return out"], namespace
        )
        self.parse: Callable[[Sequence[str], WireOptions], MessageT] = _compile(
            "parse",
            ("texts", "options"),
            [
                f"if len(texts) < {position}:",
                f"    texts = (*texts, *[''] * ({position} - len(texts)))",  # missing trailing fields are empty
                *_guarded([f"values = {{{', '.join(takes)}}}", *spreads], refuse is not None),
                "return restore(message_class, values)",
            ],
            namespace,
        )

    @staticmethod
    def _read_names(entries: Sequence[Entry]) -> set[str]:
        return {
            name
            for names, _kind in entries
            if names is not None
            for name in ([names] if isinstance(names, str) else names)
        }

    def position(self, name: str) -> int:
        """Where the value ``name`` starts on the wire."""
        return self._positions[name]

    def build(self, message: object, options: WireOptions) -> list[bytes]:
        """The fields of ``message``; ``LocalProtocolError`` names the first value that cannot be sent."""
        out = self._build(message, options)
        if self._trimmable and options.trailing_fields == "trim":
            while len(out) > 1 and not out[-1]:
                out.pop()
        return out


def _guarded(lines: list[str], guard: bool) -> list[str]:
    """``lines``, in a ``try`` that hands a field's RemoteProtocolError to ``refuse`` when ``guard``."""
    if not guard:
        return lines
    return [
        "try:",
        *[f"    {line}" for line in lines],
        "except RemoteProtocolError as error:",
        "    raise refuse(texts, error) from None",
    ]


def _attributes(names: Names) -> str:
    """The expression of an entry's value in a compiled build function."""
    if names is None:
        return "None"
    if isinstance(names, str):
        return f"message.{_identifier(names)}"
    return f"({', '.join(f'message.{_identifier(name)}' for name in names)})"


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise TypeError(f"{name!r} is not an attribute name")
    return name


def _compile(name: str, parameters: tuple[str, ...], body: list[str], namespace: dict[str, Any]) -> Any:
    """A function made of ``body``, whose free names are looked up in ``namespace`` (the table's kinds)."""
    source = f"def {name}({', '.join(parameters)}):\n" + "".join(f"    {line}\n" for line in body)
    exec(source, namespace)
    return namespace[name]


def _values_not_on_the_wire(
    message: type[DataclassInstance], read: set[str], fixed: Mapping[str, Any]
) -> dict[str, Any]:
    """The fixed and default values of the attributes a table does not read; a table that leaves out
    an attribute without a default is a mistake, found when the module loads."""
    if read & set(fixed):
        raise TypeError(f"{message.__name__}: {', '.join(sorted(read & set(fixed)))} both read and fixed")
    values = dict(fixed)
    for attribute in dataclasses.fields(message):
        if attribute.name in read or attribute.name in values:
            continue
        if attribute.default is dataclasses.MISSING:
            raise TypeError(f"{message.__name__}.{attribute.name} is neither on the wire nor fixed nor a plain default")
        values[attribute.name] = attribute.default
    return values
