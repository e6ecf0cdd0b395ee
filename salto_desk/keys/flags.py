"""Flags on keys in words: what the sync found wrong with a key and what to do about it."""

from __future__ import annotations

from salto_desk.errors import Text
from salto_desk.keys.model import FlagCode, KeyFlag
from salto_desk.keys.phones import PhoneProblem, PhoneReason


def flag_text(flag: KeyFlag) -> Text:
    """A flag in words: what is wrong and what to do."""
    details = dict(flag.details)
    if flag.code is FlagCode.PHONE_REFUSED:
        phone, reason = details.pop("phone", ""), details.pop("reason", PhoneReason.NOT_A_NUMBER.value)
        problem, action = PhoneProblem(phone, PhoneReason(reason), tuple(sorted(details.items()))).text()
        return Text(
            f"No mobile key can go to the phone in BEX: {problem.en} {action.en}",
            f"Er kan geen mobiele sleutel naar de telefoon uit BEX: {problem.nl} {action.nl}",
        )
    unit = details.get("object", "?")
    return Text(
        f"BEX no longer lists the accommodation (object {unit}) of this reservation; it may have been deleted. "
        "Check the reservation's accommodation in BEX and the key's rooms.",
        f"BEX kent de accommodatie (object {unit}) van deze reservering niet meer; mogelijk is die verwijderd. "
        "Controleer de accommodatie van de reservering in BEX en de kamers van de sleutel.",
    )
