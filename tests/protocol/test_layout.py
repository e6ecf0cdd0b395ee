from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.protocol.errors import RemoteProtocolError
from salto_desk.protocol.fields import START, TEXT, AuditDate, Fixed, Rest, Skipped, words
from salto_desk.protocol.layout import Layout, WireOptions

OPTIONS = WireOptions(site_zone=ZoneInfo("Europe/Amsterdam"))


@dataclasses.dataclass(frozen=True)
class Sample:
    name: str
    day: int
    month: int
    start: datetime | None = None
    colour: str = "red"
    rest: tuple[str, ...] = ()


class Undecodable(SaltoDeskError):
    pass


def refuse(texts: Sequence[str], error: RemoteProtocolError) -> Undecodable:
    return Undecodable(Text(f"bad {texts[0]}: {error.message.en}", f"fout {texts[0]}: {error.message.nl}"))


SAMPLE = Layout(
    Sample,
    (None, Fixed("XX")),
    ("name", TEXT),
    (("day", "month"), AuditDate()),
    (None, Skipped(2)),
    ("start", START),
    ("rest", Rest()),
    trimmable=True,
    refuse=refuse,
)
START_TIME = datetime(2026, 12, 1, 15, 0, tzinfo=OPTIONS.site_zone)


def test_one_table_builds_and_reads_a_message() -> None:
    sample = Sample("Anna", 5, 11, START_TIME, rest=("a", "b"))
    fields = SAMPLE.build(sample, OPTIONS)
    assert fields == [b"XX", b"Anna", b"05/11", b"", b"", b"1500011226", b"a", b"b"]
    assert SAMPLE.parse([field.decode() for field in fields], OPTIONS) == sample
    assert (SAMPLE.width, SAMPLE.position("start")) == (6, 5)


def test_a_parsed_message_is_a_normal_frozen_dataclass() -> None:
    parsed = SAMPLE.parse(("XX", "Bob", "01/02"), OPTIONS)  # missing trailing fields read as empty
    assert parsed == Sample("Bob", 1, 2) and hash(parsed) == hash(Sample("Bob", 1, 2))
    assert parsed.colour == "red"  # not on the wire: its default
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.name = "Eve"  # type: ignore[misc]


def test_trimmable_tables_drop_empty_trailing_fields_when_the_site_says_so() -> None:
    sample = Sample("Anna", 5, 11)
    assert SAMPLE.build(sample, OPTIONS)[-1] == b""
    trimmed = SAMPLE.build(sample, dataclasses.replace(OPTIONS, trailing_fields="trim"))
    assert trimmed == [b"XX", b"Anna", b"05/11"]


def test_a_field_that_cannot_be_read_is_refused_by_the_table() -> None:
    with pytest.raises(Undecodable, match=r"bad XX: .*audit date '31/31'"):
        SAMPLE.parse(("XX", "Bob", "31/31"), OPTIONS)


def test_fixed_values_fill_attributes_that_are_not_on_the_wire() -> None:
    table = Layout(Sample, ("name", TEXT), (("day", "month"), AuditDate()), fixed={"colour": "blue"}, first=1)
    assert table.parse(("ignored", "Bob", "01/02"), OPTIONS).colour == "blue"
    assert table.build(Sample("Bob", 1, 2), OPTIONS) == [b"Bob", b"01/02"]


@pytest.mark.parametrize(
    ("entries", "fixed", "problem"),
    [
        ((("name", TEXT),), {}, "Sample.day is neither on the wire nor fixed"),
        ((("name", TEXT), (("day", "month"), AuditDate())), {"name": "x"}, "name both read and fixed"),
        ((("name; import os", TEXT), (("day", "month"), AuditDate())), {}, "is not an attribute name"),
    ],
)
def test_a_table_that_does_not_fit_its_class_fails_when_it_is_made(
    entries: tuple[object, ...], fixed: dict[str, str], problem: str
) -> None:
    with pytest.raises(TypeError, match=problem):
        Layout(Sample, *entries, fixed=fixed)  # type: ignore[arg-type]


def test_words_are_refused_unless_they_are_one_of_the_table_s() -> None:
    table = Layout(Sample, ("name", words("colour", "CI", "CO")), (("day", "month"), AuditDate()))
    with pytest.raises(RemoteProtocolError, match="The colour field holds 'XX'"):
        table.parse(("XX", "01/02"), OPTIONS)
