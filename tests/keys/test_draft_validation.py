"""Checks of what a key carries: access lists, rooms, phone numbers and validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.draft_validation import check_access, check_phone, check_rooms, check_validity
from salto_desk.keys.model import Validity


def test_access_lists() -> None:
    assert check_access([1, 62], [3]) == ((1, 62), (3,))
    with pytest.raises(ValidationError) as caught:
        check_access([1, 2, 3], [3, 2])
    assert "2, 3 is both granted and denied" in caught.value.message.en


def test_rooms() -> None:
    assert check_rooms(["101", " Pool "], "ascii") == ("101", "Pool")
    with pytest.raises(ValidationError) as caught:
        check_rooms(["Pool", "POOL"], "ascii")
    assert "listed twice" in caught.value.message.en


def test_phone_numbers_must_be_international() -> None:
    assert check_phone("0031 6 12 34 56 78") == "+31612345678"
    with pytest.raises(ValidationError) as caught:
        check_phone("06-12345678")
    assert caught.value.field == "phone" and "E.164" in caught.value.message.en


def test_validity_is_returned_in_utc_and_compared_as_instants() -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    # 02:30 twice on 2030-10-27: the second (fold=1, CET) is one hour after the first (CEST)
    first = datetime(2030, 10, 27, 2, 30, tzinfo=zone)
    second = datetime(2030, 10, 27, 2, 30, fold=1, tzinfo=zone)
    validity = check_validity(Validity(first, second))
    assert validity.start.tzinfo is UTC and validity.end - validity.start == timedelta(hours=1)
    with pytest.raises(ValidationError):
        check_validity(Validity(second, first))
    with pytest.raises(ValidationError) as naive:
        check_validity(Validity(datetime(2030, 1, 1), datetime(2030, 1, 2, tzinfo=UTC)))
    assert naive.value.field == "start" and "no time zone" in naive.value.message.en
    offset = timezone(timedelta(hours=-5))
    assert check_validity(Validity(datetime(2030, 1, 1, 18, tzinfo=offset), datetime(2030, 1, 2, tzinfo=UTC))).start \
        == datetime(2030, 1, 1, 23, tzinfo=UTC)  # fmt: skip


def test_a_validity_message_speaks_the_sites_local_time_not_utc() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    start = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 4 December, midnight, in Amsterdam
    with pytest.raises(ValidationError) as refused:
        check_validity(Validity(start, start - timedelta(hours=1)), amsterdam)
    assert refused.value.message.en == (
        "The key would expire (03-12-2026 23:00 Europe/Amsterdam) before it starts (04-12-2026 00:00 Europe/Amsterdam)."
    )
    assert "(04-12-2026 00:00 Europe/Amsterdam)" in refused.value.message.nl
