"""The sync's flags on keys: what it found wrong (a phone it cannot use, an object BEX no longer lists)."""

from __future__ import annotations

from salto_desk.keys.model import FlagCode, KeyData, KeyFlag
from salto_desk.storage.pms_values import CachedReservation


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
