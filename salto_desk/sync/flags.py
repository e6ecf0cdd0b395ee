"""The sync's flags on keys: what it found wrong (a phone it cannot use, an object BEX no longer lists), in words."""

from __future__ import annotations

from salto_desk.errors import Text
from salto_desk.keys.model import KeyData
from salto_desk.keys.phones import PhoneProblem, PhoneReason
from salto_desk.storage.pms_repository import CachedReservation
from salto_desk.storage.sync_key_repository import FlagCode, KeyFlag


def reservation_flags(reservation: CachedReservation) -> tuple[KeyFlag, ...]:
    """Flags every key of the reservation carries: its object is gone from BEX."""
    if reservation.object_missing and reservation.object_pms_id is not None:
        return (KeyFlag(FlagCode.OBJECT_MISSING, (("object", reservation.object_pms_id),)),)
    return ()


def phone_flags(reservation: CachedReservation, key: KeyData) -> tuple[KeyFlag, ...]:
    """Flags of a key the sync made: BEX's phone for the guest cannot be sent to, and the key has no other."""
    problem = reservation.phone_problem
    if problem is None or key.phone is not None:  # a phone entered at the desk is the desk's
        return ()
    details = (("phone", problem.phone), ("reason", problem.reason.value), *problem.details)
    return (KeyFlag(FlagCode.PHONE_REFUSED, tuple(sorted(details))),)


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
