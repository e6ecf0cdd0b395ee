from __future__ import annotations

import argparse

import pytest

from salto_desk.cli.arguments import count, count_between, port, positive_seconds, seconds


@pytest.mark.parametrize(("value", "expected"), [("0", 0.0), ("2", 2.0), ("0.25", 0.25), ("1e3", 1000.0)])
def test_seconds_are_finite_and_not_negative(value: str, expected: float) -> None:
    assert seconds(value) == expected


@pytest.mark.parametrize("value", ["-1", "-0.5", "nan", "inf", "-inf", "Infinity", "", "two"])
def test_seconds_refuses_what_is_no_duration(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="0 or more"):
        seconds(value)


def test_positive_seconds_refuses_zero_as_well() -> None:
    assert positive_seconds("0.001") == 0.001
    for value in ("0", "-0", "-2", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match="more than 0"):
            positive_seconds(value)


def test_count_between() -> None:
    cards = count_between(1, 20, "cards")
    assert [cards("1"), cards("20")] == [1, 20]
    for value in ("0", "21", "-1", "1.5", "²", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="not a number of cards from 1 to 20"):
            cards(value)


def test_counts_and_ports_take_ascii_digits_only() -> None:
    assert count("3") == 3 and port("8090") == 8090
    for parse in (count, port):
        with pytest.raises(argparse.ArgumentTypeError):
            parse("²")
    with pytest.raises(argparse.ArgumentTypeError):
        port("65536")
