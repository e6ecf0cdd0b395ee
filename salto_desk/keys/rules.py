"""Pure key rules: which products apply, how long a key is valid, when it may be issued, which command.

No database and no I/O here, so every rule is tested on its own, time zones and DST included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.keys.draft_validation import HOLDER_LABEL_LENGTH, check_phone, check_validity
from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    BookingFacts,
    Holder,
    KeyData,
    KeyDraft,
    KeyState,
    KeyType,
    ProductSettings,
    StayDates,
    Validity,
)
from salto_desk.moments import moment_text, zone_name
from salto_desk.protocol.cards import plan_commands

OWNER_DAY_START = time(0, 0)
OWNER_DAY_END = time(23, 59)

ProductT = TypeVar("ProductT", bound=ProductSettings)


class KeyAction(StrEnum):
    ENCODE_NEW = "encode_new"
    ENCODE_COPY = "encode_copy"
    SEND_TO_PHONE = "send_to_phone"
    READ_CARD = "read_card"
    DELETE = "delete"


class EncodeMode(StrEnum):
    """New cards start a stay (CN first, voiding older cards of the room); copies add to it (CC)."""

    NEW = "new"
    COPY = "copy"

    @property
    def action(self) -> KeyAction:
        return KeyAction.ENCODE_COPY if self is EncodeMode.COPY else KeyAction.ENCODE_NEW


class KeyNotIssuable(SaltoDeskError):
    """Key data that may not be encoded or sent right now."""


# --- products -------------------------------------------------------------------------------------


def _admits(accepted: Sequence[str], present: Iterable[str]) -> bool:
    """An empty filter admits everything; otherwise one accepted value must be present."""
    if not accepted:
        return True
    wanted = {value.casefold() for value in accepted}
    return any(value.casefold() in wanted for value in present)


def _object_types(booking: BookingFacts) -> frozenset[str]:
    """The booking's object type by name and by id(s): a filter may list either."""
    return booking.object_type_ids | ({booking.object_type} if booking.object_type else set())


def product_matches(product: ProductSettings, booking: BookingFacts) -> bool:
    """Every non-empty filter must admit the booking (filters combine with AND, values with OR)."""
    return (
        _admits(product.labels, booking.labels)
        and _admits(product.object_types, _object_types(booking))
        and _admits(product.costs, booking.costs)
        and _admits(product.extras, booking.extras)
    )


def matching_products(products: Iterable[ProductT], booking: BookingFacts) -> list[ProductT]:
    """The products that apply, in the given order."""
    return [product for product in products if product_matches(product, booking)]


# --- validity -------------------------------------------------------------------------------------


def local_moment(day: date, clock: time, zone: ZoneInfo, *, earliest: bool) -> datetime:
    """The UTC instant of ``day`` at ``clock`` in ``zone``.

    A wall time that DST skips or repeats resolves to the earliest (for a start) or latest (for an
    end) instant it can mean, so a key is never shorter. UTC, because Python compares and subtracts
    datetimes of one zone by wall clock, which is wrong across a DST change.
    """
    instants = [datetime.combine(day, clock, tzinfo=zone).replace(fold=fold).astimezone(UTC) for fold in (0, 1)]
    return min(instants) if earliest else max(instants)


def reservation_validity(
    stay: StayDates, administration: AdministrationSettings, product: ProductSettings | None = None
) -> Validity:
    """Arrival at check-in time until departure at check-out time; a product's fixed times win."""
    start_time = (product.fixed_start_time if product else None) or administration.check_in_time
    end_time = (product.fixed_end_time if product else None) or administration.check_out_time
    zone = administration.zone
    return check_validity(
        Validity(
            start=local_moment(stay.arrival, start_time, zone, earliest=True),
            end=local_moment(stay.departure, end_time, zone, earliest=False),
        ),
        zone,
    )


def owner_validity(
    administration: AdministrationSettings, valid_until: date, today: date, valid_from: date | None = None
) -> Validity:
    """Owner keys run from the start of the first day (today by default) to the end of the last day."""
    zone = administration.zone
    return check_validity(
        Validity(
            start=local_moment(valid_from or today, OWNER_DAY_START, zone, earliest=True),
            end=local_moment(valid_until, OWNER_DAY_END, zone, earliest=False),
        ),
        zone,
    )


def today_in(administration: AdministrationSettings, now: datetime) -> date:
    return now.astimezone(administration.zone).date()


# --- lifecycle ------------------------------------------------------------------------------------


def initial_state(product: ProductSettings | None, checked_in: bool) -> KeyState:
    """ "Wait for check-in" keys exist at once but stay blocked until the guest checks in."""
    if product is not None and product.wait_for_check_in and not checked_in:
        return KeyState.WAITING_FOR_CHECK_IN
    return KeyState.READY


def state_after_check_in(state: KeyState) -> KeyState:
    return KeyState.READY if state is KeyState.WAITING_FOR_CHECK_IN else state


def state_after_change(key: KeyData) -> KeyState:
    """The PMS changed rooms or dates: issued cards no longer match the key data."""
    return KeyState.NEEDS_REENCODE if key.issued else key.state


def carried_by_cards(key: KeyDraft, administration: AdministrationSettings) -> tuple[object, ...]:
    """What SALTO writes on a card (and a phone key) of this key data: rooms, validity, access, text lines."""
    return (key.rooms, key.validity, key.granted, key.denied, card_texts(key, administration))


def state_after_edit(before: KeyData, after: KeyDraft, administration: AdministrationSettings) -> KeyState:
    """The desk changed the key data: cards already made carry the old data once anything on them changed."""
    if before.issued and carried_by_cards(before, administration) != carried_by_cards(after, administration):
        return KeyState.NEEDS_REENCODE
    return before.state


def delivery_date(stay: StayDates, product: ProductSettings) -> date | None:
    """The day the mobile key goes to the guest's phone, or None when the product does not deliver."""
    if not product.deliver_to_guest:
        return None
    return stay.arrival - timedelta(days=product.delivery_days_before)


def check_can_issue(key: KeyData, now: datetime, zone: ZoneInfo | None = None) -> None:
    """Refuse encoding or sending a key that waits for check-in or has expired (said in ``zone``, the site's)."""
    if key.state is KeyState.WAITING_FOR_CHECK_IN:
        raise KeyNotIssuable(
            Text(
                f"The key of {key.holder.label} waits for check-in and cannot be issued yet.",
                f"De sleutel van {key.holder.label} wacht op inchecken en kan nog niet worden uitgegeven.",
            ),
            Text("Check the guest in first in the PMS.", "Check de gast eerst in het PMS in."),
        )
    if key.state is KeyState.REVOKING:
        raise KeyNotIssuable(
            Text(
                f"The stay of {key.holder.label} was cancelled in the PMS; its key is being checked out in SALTO.",
                f"Het verblijf van {key.holder.label} is in het PMS geannuleerd; de sleutel wordt in SALTO "
                "uitgecheckt.",
            ),
            Text(
                "Make a new reservation in the PMS if the guest stays after all.",
                "Maak een nieuwe reservering in het PMS als de gast toch blijft.",
            ),
        )
    if key.validity.end <= now:
        raise KeyNotIssuable(
            Text(
                f"The key of {key.holder.label} expired on {moment_text(key.validity.end, zone)} {zone_name(zone)}.",
                f"De sleutel van {key.holder.label} is verlopen op {moment_text(key.validity.end, zone)} "
                f"{zone_name(zone)}.",
            ),
            Text(
                "Change the stay or the key's validity first.",
                "Pas eerst het verblijf of de geldigheid van de sleutel aan.",
            ),
        )


def mobile_command(key: KeyData) -> Literal["CNM", "CCM"]:
    """CNM starts the stay on a phone; once cards or a phone key exist, CCM adds one without voiding them."""
    return "CCM" if key.issued else "CNM"


def commands_for(action: KeyAction, key: KeyData | None = None, count: int = 1) -> tuple[str, ...]:
    """The SALTO commands an action sends, in order."""
    if action in (KeyAction.ENCODE_NEW, KeyAction.ENCODE_COPY):
        return tuple(plan_commands(count, copy=action is KeyAction.ENCODE_COPY))
    if action is KeyAction.READ_CARD:
        return ("LT",)
    if key is None:
        raise ValueError(f"{action} needs the key data")
    if action is KeyAction.SEND_TO_PHONE:
        return (mobile_command(key),)
    return ("CO",) * len(checkout_rooms(key))


def checkout_rooms(key: KeyData) -> tuple[str, ...]:
    """Deleting key data voids its cards with CO per room; key data never issued needs no CO."""
    return key.rooms if key.issued else ()


def is_active(key: KeyData, now: datetime) -> bool:
    """Cards or phone keys of this key data may still open doors."""
    return key.issued and key.validity.end > now


def card_texts(key: KeyDraft, administration: AdministrationSettings) -> tuple[str, ...]:
    """The card's text lines: the print info, with the license plate in its configured line when enabled."""
    lines = list(key.print_info)
    if administration.carries_license_plate and key.license_plate:
        index = administration.license_plate_line - 1
        lines += [""] * (index + 1 - len(lines))
        lines[index] = key.license_plate
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


def reservation_label(booking_nr: str, guest_name: str, pms_id: str) -> str:
    """How key data names its reservation: booking nr and guest, or the PMS id when BEX gave neither."""
    label = " ".join(part for part in (booking_nr, guest_name) if part)
    return (label or pms_id)[:HOLDER_LABEL_LENGTH]


def sendable_phone(raw: str | None) -> str | None:
    """A phone from the PMS in E.164 form, or None when there is none a key can be sent to."""
    if not raw or not raw.strip():
        return None
    try:
        return check_phone(raw)
    except ValidationError:
        return None


def room_names(objects: Sequence[tuple[str, str]], door_names: Mapping[str, str]) -> tuple[str, ...]:
    """SALTO room names of (PMS object id, PMS name) pairs: the door name when one is set."""
    return tuple(door_names.get(object_id) or name for object_id, name in objects)


def reservation_key_draft(
    *,
    administration: Administration,
    key_type: KeyType,
    product: ProductSettings,
    holder: Holder,
    stay: StayDates,
    rooms: tuple[str, ...],
    checked_in: bool,
    phone: str | None = None,
    license_plate: str | None = None,
) -> KeyDraft:
    """Key data for a reservation that matched ``product``: the key type's access and texts."""
    return KeyDraft(
        administration_id=administration.id,
        key_type_id=key_type.id,
        holder=holder,
        rooms=rooms,
        validity=reservation_validity(stay, administration, product),
        granted=key_type.granted,
        denied=key_type.denied,
        print_info=key_type.print_info,
        phone=phone,
        license_plate=license_plate,
        state=initial_state(product, checked_in),
    )
