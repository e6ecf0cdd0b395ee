"""Phone numbers as BEX and receptionists write them, made plain E.164 (``+`` and digits) or refused.

SALTO sends a JustIN Mobile key to the number it is given, so a number read wrongly reaches a stranger's
phone. The normaliser therefore only rewrites what has one meaning and refuses everything else with
the reason: a bracketed trunk zero after the country code is dropped (``+31 (0)6 ...`` -> ``+316...``),
``00`` becomes ``+``, a national number (``06 ...``) takes the administration's country, and spaces,
dashes, dots, slashes and brackets around digit groups are separators. A ``0`` right after a country
code that never has one (``+31 06 ...``), letters, an extension, a national number without a known
country or a length the country's numbers never have are refused.

The table of countries is deliberately small: the countries holiday parks and hotels of BEX customers
are in and their guests mostly come from (north-west and central Europe). A number with a country
code outside it is accepted in international form when its length fits E.164; a national number
needs a country in the table. A refusal carries a reason code and its parameters, so the words can
come from a message catalogue later; ``refusal_text`` puts them into English and Dutch today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from salto_desk.errors import Text, ValidationError


@dataclass(frozen=True)
class NumberingPlan:
    """A country's calling code, its trunk prefix (dialled only inside the country) and the length of
    its national significant numbers (the digits after the country code)."""

    calling_code: str
    trunk_prefix: str | None
    digits: tuple[int, int]


NUMBERING_PLANS: Mapping[str, NumberingPlan] = {
    "NL": NumberingPlan("31", "0", (9, 9)),
    "BE": NumberingPlan("32", "0", (8, 9)),
    "DE": NumberingPlan("49", "0", (6, 13)),
    "FR": NumberingPlan("33", "0", (9, 9)),
    "GB": NumberingPlan("44", "0", (9, 10)),
    "IE": NumberingPlan("353", "0", (7, 9)),
    "LU": NumberingPlan("352", None, (4, 11)),
    "AT": NumberingPlan("43", "0", (4, 13)),
    "CH": NumberingPlan("41", "0", (9, 9)),
    "DK": NumberingPlan("45", None, (8, 8)),
    "NO": NumberingPlan("47", None, (8, 8)),
    "SE": NumberingPlan("46", "0", (7, 13)),
    "PL": NumberingPlan("48", None, (9, 9)),
    "CZ": NumberingPlan("420", None, (9, 9)),
    "ES": NumberingPlan("34", None, (9, 9)),
    "PT": NumberingPlan("351", None, (9, 9)),
    "IT": NumberingPlan("39", None, (6, 11)),
}
"""Countries by ISO 3166 code. Italy has no trunk prefix: its fixed-line numbers keep their 0 abroad."""

ZONE_COUNTRIES: Mapping[str, str] = {
    "Europe/Amsterdam": "NL",
    "Europe/Brussels": "BE",
    "Europe/Berlin": "DE",
    "Europe/Busingen": "DE",
    "Europe/Paris": "FR",
    "Europe/London": "GB",
    "Europe/Dublin": "IE",
    "Europe/Luxembourg": "LU",
    "Europe/Vienna": "AT",
    "Europe/Zurich": "CH",
    "Europe/Copenhagen": "DK",
    "Europe/Oslo": "NO",
    "Europe/Stockholm": "SE",
    "Europe/Warsaw": "PL",
    "Europe/Prague": "CZ",
    "Europe/Madrid": "ES",
    "Atlantic/Canary": "ES",
    "Africa/Ceuta": "ES",
    "Europe/Lisbon": "PT",
    "Atlantic/Madeira": "PT",
    "Europe/Rome": "IT",
}
"""The country of an administration's time zone: the administration has no country setting of its own,
and each of these zones belongs to one country."""

E164_DIGITS = (7, 15)
"""Digits after the ``+`` of a number whose country is not in the table (E.164 allows at most 15)."""

_BY_CALLING_CODE = {plan.calling_code: country for country, plan in NUMBERING_PLANS.items()}
_TRUNK_IN_BRACKETS = re.compile("^(\\+|00)[ \u00a0\\-./]*([0-9]{1,3})[ \u00a0\\-./]*\\([ \u00a0]*0[ \u00a0]*\\)")
_SEPARATORS = re.compile("[ \u00a0\\-./()]")
"""Spaces (also the no-break space web forms paste), dashes, dots, slashes and brackets around digit groups."""
_DIALLABLE = re.compile(r"\+?[0-9]+")
"""ASCII digits only: ``\\d`` would also take Arabic-Indic or full-width digits, which SALTO cannot dial."""


class PhoneReason(StrEnum):
    """Why a phone number was refused (the code of a message)."""

    NOT_A_NUMBER = "not_a_number"
    NO_COUNTRY = "no_country"
    NOT_NATIONAL = "not_national"
    NO_COUNTRY_CODE = "no_country_code"
    ZERO_AFTER_COUNTRY_CODE = "zero_after_country_code"
    WRONG_LENGTH = "wrong_length"


@dataclass(frozen=True)
class PhoneProblem:
    """Why a phone number was refused: the number as given, a reason code and its parameters."""

    phone: str
    reason: PhoneReason
    details: tuple[tuple[str, str], ...] = ()

    def text(self) -> tuple[Text, Text]:
        """What is wrong and what to do, in words."""
        return refusal_text(self.phone, self.reason, dict(self.details))


class PhoneRefused(ValidationError):
    """A phone number that cannot be sent as it stands; ``problem`` says why."""

    def __init__(self, phone: str, reason: PhoneReason, details: Mapping[str, str] | None = None) -> None:
        self.problem = PhoneProblem(phone, reason, tuple(sorted((details or {}).items())))
        message, action = self.problem.text()
        super().__init__("phone", message, action)


def country_of_zone(time_zone: str) -> str | None:
    """The country whose national phone numbers an administration in ``time_zone`` uses, if known."""
    return ZONE_COUNTRIES.get(time_zone)


def read_phone(phone: str | None, country: str | None) -> tuple[str | None, PhoneProblem | None]:
    """A phone as the PMS has it: its E.164 form, or why it cannot be used; (None, None) when there is none."""
    if phone is None or not phone.strip():
        return None, None
    try:
        return international_phone(phone, country), None
    except PhoneRefused as refused:
        return None, refused.problem


def international_phone(phone: str, country: str | None) -> str:
    """``phone`` as ``+`` and digits, national numbers read as ``country``'s (None: no national numbers)."""
    compact = _SEPARATORS.sub("", _TRUNK_IN_BRACKETS.sub(r"\1\2", phone.strip()))
    if not _DIALLABLE.fullmatch(compact):
        raise PhoneRefused(phone, PhoneReason.NOT_A_NUMBER)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        return _checked_international(phone, compact[1:])
    plan = NUMBERING_PLANS.get(country or "")
    if plan is None:
        raise PhoneRefused(phone, PhoneReason.NO_COUNTRY)
    national = compact
    if plan.trunk_prefix is not None:
        if not national.startswith(plan.trunk_prefix):
            raise PhoneRefused(phone, PhoneReason.NOT_NATIONAL, {"country": country or "", "trunk": plan.trunk_prefix})
        national = national[len(plan.trunk_prefix) :]
    return _checked_international(phone, plan.calling_code + national)


def _checked_international(phone: str, digits: str) -> str:
    """``+digits`` once the digits fit the country they call (or E.164, for a country not in the table)."""
    code = next((digits[:length] for length in (1, 2, 3) if digits[:length] in _BY_CALLING_CODE), None)
    if code is None:
        if digits.startswith("0"):
            raise PhoneRefused(phone, PhoneReason.NO_COUNTRY_CODE)
        low, high = E164_DIGITS
        if not low <= len(digits) <= high:
            details = {"digits": str(len(digits)), "low": str(low), "high": str(high), "code": ""}
            raise PhoneRefused(phone, PhoneReason.WRONG_LENGTH, details)
        return "+" + digits
    country = _BY_CALLING_CODE[code]
    plan = NUMBERING_PLANS[country]
    national = digits[len(code) :]
    if plan.trunk_prefix is not None and national.startswith(plan.trunk_prefix):
        raise PhoneRefused(
            phone, PhoneReason.ZERO_AFTER_COUNTRY_CODE, {"code": code, "suggestion": f"+{code}{national[1:]}"}
        )
    low, high = plan.digits
    if not low <= len(national) <= high:
        details = {"digits": str(len(national)), "low": str(low), "high": str(high), "code": code}
        raise PhoneRefused(phone, PhoneReason.WRONG_LENGTH, details)
    return "+" + digits


_EXAMPLE = Text(
    "Enter it with a plus sign and the country code, for example +31612345678.",
    "Vul het in met een plusteken en de landcode, bijvoorbeeld +31612345678.",
)


def refusal_text(phone: str, reason: PhoneReason, details: Mapping[str, str]) -> tuple[Text, Text]:
    """What is wrong with ``phone`` and what to do, from a refusal's reason and details."""
    shown = repr(phone)
    if reason is PhoneReason.NOT_A_NUMBER:
        return Text(
            f"The phone number {shown} has characters a phone number cannot have (letters, an extension, a "
            "second plus sign).",
            f"Het telefoonnummer {shown} bevat tekens die een telefoonnummer niet kan hebben (letters, een "
            "toestelnummer, een tweede plusteken).",
        ), _EXAMPLE
    if reason is PhoneReason.NO_COUNTRY:
        return Text(
            f"The phone number {shown} is not in international (E.164) format, and the country it belongs to "
            "is not known.",
            f"Het telefoonnummer {shown} heeft geen internationale (E.164) notatie, en het land waar het bij "
            "hoort is niet bekend.",
        ), _EXAMPLE
    if reason is PhoneReason.NOT_NATIONAL:
        trunk, country = details.get("trunk", "0"), details.get("country", "")
        return Text(
            f"The phone number {shown} is neither international (+...) nor national ({trunk}...) for {country}.",
            f"Het telefoonnummer {shown} is niet internationaal (+...) en niet nationaal ({trunk}...) voor {country}.",
        ), _EXAMPLE
    if reason is PhoneReason.ZERO_AFTER_COUNTRY_CODE:
        code, suggestion = details.get("code", ""), details.get("suggestion", "")
        return Text(
            f"The phone number {shown} has a 0 right after the country code +{code}; dialled that way it reaches "
            "no one, or someone else.",
            f"Het telefoonnummer {shown} heeft een 0 direct na de landcode +{code}; zo gekozen bereikt het "
            "niemand, of iemand anders.",
        ), Text(
            f"Leave that 0 out if the number is meant: {suggestion}.",
            f"Laat die 0 weg als dit nummer bedoeld is: {suggestion}.",
        )
    if reason is PhoneReason.NO_COUNTRY_CODE:
        return Text(
            f"The phone number {shown} has no country code after the plus sign.",
            f"Het telefoonnummer {shown} heeft geen landcode na het plusteken.",
        ), _EXAMPLE
    digits, low, high, code = (details.get(name, "") for name in ("digits", "low", "high", "code"))
    expected = Text(low, low) if low == high else Text(f"{low} to {high}", f"{low} tot {high}")
    counted = (
        Text(f"{digits} digits after the country code +{code}", f"{digits} cijfers na de landcode +{code}")
        if code
        else Text(f"{digits} digits after the plus sign", f"{digits} cijfers na het plusteken")
    )
    usual = (
        Text(f"numbers of +{code} have {expected.en}", f"nummers van +{code} hebben er {expected.nl}")
        if code
        else Text(f"international numbers have {expected.en}", f"internationale nummers hebben er {expected.nl}")
    )
    return Text(
        f"The phone number {shown} has {counted.en}; {usual.en}.",
        f"Het telefoonnummer {shown} heeft {counted.nl}; {usual.nl}.",
    ), Text(
        "Check the number with the guest and enter it with the country code.",
        "Controleer het nummer bij de gast en vul het in met de landcode.",
    )
