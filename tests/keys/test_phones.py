"""Phone numbers as BEX and receptionists write them: plain E.164 out, or a refusal with its reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.keys.draft_validation import check_phone
from salto_desk.keys.phones import (
    NUMBERING_PLANS,
    PhoneReason,
    PhoneRefused,
    country_of_zone,
    international_phone,
    read_phone,
)


@pytest.mark.parametrize(
    ("written", "country", "expected"),
    [
        ("+31 (0)6 12345678", "NL", "+31612345678"),  # BEX's bracketed trunk zero is dropped
        ("+31(0)612345678", None, "+31612345678"),
        ("0031 (0) 6-1234 5678", "DE", "+31612345678"),
        ("0031 6 12 34 56 78", None, "+31612345678"),
        ("+31 6 1234 5678", None, "+31612345678"),
        ("06-12345678", "NL", "+31612345678"),  # national: the administration's country
        ("(06) 1234 5678", "NL", "+31612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("06\u00a01234\u00a05678", "NL", "+31612345678"),  # no-break spaces from a web form
        ("0171 1234567", "DE", "+491711234567"),
        ("+49 (0)171 1234567", "NL", "+491711234567"),
        ("+44 (0) 7700 900123", None, "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
        ("20 12 34 56", "DK", "+4520123456"),  # no trunk prefix in Denmark
        ("+39 06 1234 5678", None, "+390612345678"),  # Italy keeps the 0 of fixed lines
        ("+48 601 234 567", None, "+48601234567"),
        ("+1 212 555 0123", None, "+12125550123"),  # not in the table: E.164 length is enough
    ],
)
def test_numbers_that_have_one_meaning_become_plain_e164(written: str, country: str | None, expected: str) -> None:
    assert international_phone(written, country) == expected


@pytest.mark.parametrize(
    ("written", "country", "reason", "words"),
    [
        ("+31 06 12345678", "NL", PhoneReason.ZERO_AFTER_COUNTRY_CODE, "Leave that 0 out if the number is meant"),
        ("+310612345678", None, PhoneReason.ZERO_AFTER_COUNTRY_CODE, "+31612345678"),
        ("06-12345678", None, PhoneReason.NO_COUNTRY, "E.164"),
        ("06-12345678", "US", PhoneReason.NO_COUNTRY, "country it belongs to is not known"),
        ("612345678", "NL", PhoneReason.NOT_NATIONAL, "neither international"),
        ("0171 12345678", "NL", PhoneReason.WRONG_LENGTH, "11 digits after the country code +31"),
        ("+31 6 1234", None, PhoneReason.WRONG_LENGTH, "numbers of +31 have 9"),
        ("+1 23", None, PhoneReason.WRONG_LENGTH, "international numbers have 7 to 15"),
        ("+0031 6 12345678", None, PhoneReason.NO_COUNTRY_CODE, "no country code"),
        ("06 1234 5678 ext. 12", "NL", PhoneReason.NOT_A_NUMBER, "extension"),
        ("+31 6 1234 5678 / +31 6 8765 4321", None, PhoneReason.NOT_A_NUMBER, "second plus sign"),
        ("tel: 0612345678", "NL", PhoneReason.NOT_A_NUMBER, "letters"),
        ("+31 6 1234\x1b5678", None, PhoneReason.NOT_A_NUMBER, "\\x1b"),
        ("\uff10\uff16 1234 5678", "NL", PhoneReason.NOT_A_NUMBER, "characters"),  # full-width digits
        ("+31\t6\n12345678", None, PhoneReason.NOT_A_NUMBER, "characters"),
    ],
)
def test_anything_else_is_refused_with_the_reason(written: str, country: str | None, reason: PhoneReason,
                                                  words: str) -> None:  # fmt: skip
    with pytest.raises(PhoneRefused) as refused:
        international_phone(written, country)
    assert refused.value.field == "phone" and refused.value.problem.reason is reason
    assert words in refused.value.user_message("en")
    assert refused.value.message.nl and refused.value.action is not None and refused.value.action.nl
    assert refused.value.problem.text() == (refused.value.message, refused.value.action)


def test_the_desk_s_phone_check_uses_the_same_normaliser() -> None:
    assert check_phone("+31 (0)6 12345678") == "+31612345678"
    assert check_phone("06 12345678", "NL") == "+31612345678"
    with pytest.raises(PhoneRefused):
        check_phone("06 12345678")


def test_a_phone_from_the_pms_is_read_as_a_number_a_reason_or_nothing() -> None:
    assert read_phone(None, "NL") == (None, None)
    assert read_phone("  ", "NL") == (None, None)
    assert read_phone("06 12345678", "NL") == ("+31612345678", None)
    number, problem = read_phone("+31 06 12345678", "NL")
    assert number is None and problem is not None and problem.reason is PhoneReason.ZERO_AFTER_COUNTRY_CODE
    assert dict(problem.details)["suggestion"] == "+31612345678"


def test_the_country_comes_from_the_administration_s_time_zone() -> None:
    assert country_of_zone("Europe/Amsterdam") == "NL"
    assert country_of_zone("Europe/Berlin") == "DE"
    assert country_of_zone("America/New_York") is None
    assert all(country in NUMBERING_PLANS for country in ("NL", "BE", "DE", "FR", "GB", "LU", "AT", "CH", "DK"))


@given(
    country=st.sampled_from(sorted(NUMBERING_PLANS)),
    data=st.data(),
    separators=st.lists(st.sampled_from([" ", "-", ".", "/"]), max_size=3),
)
def test_every_accepted_number_is_plain_e164_of_its_country(
    country: str, data: st.DataObject, separators: list[str]
) -> None:
    plan = NUMBERING_PLANS[country]
    length = data.draw(st.integers(*plan.digits))
    national = data.draw(st.from_regex(rf"[1-9][0-9]{{{length - 1}}}", fullmatch=True))
    written = (plan.trunk_prefix or "") + national
    for separator in separators:
        written = written[:2] + separator + written[2:]
    expected = f"+{plan.calling_code}{national}"
    assert international_phone(written, country) == expected
    assert international_phone(expected, None) == expected  # the result is accepted as it is: idempotent
    if plan.trunk_prefix is not None:
        assert international_phone(f"+{plan.calling_code} ({plan.trunk_prefix}){national}", None) == expected


@given(st.text(max_size=30))
def test_the_result_is_always_plus_and_digits_or_a_refusal(written: str) -> None:
    try:
        result = international_phone(written, "NL")
    except PhoneRefused:
        return
    assert result.startswith("+") and result[1:].isascii() and result[1:].isdigit() and 8 <= len(result) <= 16
