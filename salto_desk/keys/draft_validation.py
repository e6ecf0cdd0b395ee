"""Checks of what a key carries (access, validity, rooms, phone) and of a whole key draft before it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from salto_desk.errors import Text
from salto_desk.keys.field_validation import (
    PMS_ID_LENGTH,
    check_number,
    check_text_lines,
    field_error,
    plain_text,
    salto_identifier,
    salto_text,
)
from salto_desk.keys.model import KeyDraft, Validity
from salto_desk.keys.phones import international_phone
from salto_desk.moments import moment_text, zone_name
from salto_desk.protocol.text import (
    AUTHORIZATION_COUNT,
    FIRST_WIRE_YEAR,
    LAST_WIRE_YEAR,
    MAX_ROOMS,
    ROOM_LENGTH,
    TEXT_LINE_LENGTH,
    TextEncoding,
)

HOLDER_LABEL_LENGTH = 200


def check_authorization_number(field: str, number: int) -> int:
    check_number(field, Text("authorization number", "autorisatienummer"), number, 1, AUTHORIZATION_COUNT)
    return number


def check_access(granted: Sequence[int], denied: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Granted and denied authorizations: valid numbers, no repeats, never both granted and denied."""
    for field, numbers in (("granted", granted), ("denied", denied)):
        for number in numbers:
            check_authorization_number(field, number)
        if len(set(numbers)) != len(numbers):
            raise field_error(field, "An authorization is listed twice.", "Een autorisatie staat er twee keer in.")
    if both := sorted(set(granted) & set(denied)):
        listed = ", ".join(map(str, both))
        raise field_error(
            "denied",
            f"Authorization {listed} is both granted and denied.",
            f"Autorisatie {listed} is zowel toegestaan als geweigerd.",
            "Choose one for each authorization.",
            "Kies per autorisatie één van beide.",
        )
    return tuple(granted), tuple(denied)


def _shown(moment: datetime, zone: ZoneInfo | None) -> str:
    """As a person reads it: the site's local time with the zone named (the moment's own zone without a site)."""
    shown_zone = zone or (moment.tzinfo if isinstance(moment.tzinfo, ZoneInfo) else None)
    return f"{moment_text(moment, shown_zone)} {zone_name(shown_zone)}"


def check_validity(validity: Validity, zone: ZoneInfo | None = None) -> Validity:
    """Aware times, end after start, years SALTO's two-digit dates can carry; returned in UTC.

    Messages show the times in ``zone`` (the site's), named, as the dialogs do; never UTC in ISO form.
    """
    for field, moment in (("start", validity.start), ("end", validity.end)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise field_error(
                field,
                f"The time {moment.isoformat()} has no time zone.",
                f"De tijd {moment.isoformat()} heeft geen tijdzone.",
            )
        if not FIRST_WIRE_YEAR <= moment.astimezone(UTC).year <= LAST_WIRE_YEAR:
            raise field_error(
                field,
                f"SALTO only takes dates from {FIRST_WIRE_YEAR} to {LAST_WIRE_YEAR}, not {moment:%d-%m-%Y}.",
                f"SALTO neemt alleen datums van {FIRST_WIRE_YEAR} tot {LAST_WIRE_YEAR}, niet {moment:%d-%m-%Y}.",
            )
    start, end = validity.start.astimezone(UTC), validity.end.astimezone(UTC)  # compare instants, not wall clocks
    if end <= start:
        raise field_error(
            "end",
            f"The key would expire ({_shown(validity.end, zone)}) before it starts ({_shown(validity.start, zone)}).",
            f"De sleutel zou verlopen ({_shown(validity.end, zone)}) voordat hij ingaat "
            f"({_shown(validity.start, zone)}).",
            "Choose an end after the start.",
            "Kies een einde na het begin.",
        )
    return Validity(start, end)


def check_rooms(rooms: Sequence[str], encoding: TextEncoding) -> tuple[str, ...]:
    if not 1 <= len(rooms) <= MAX_ROOMS:
        raise field_error(
            "rooms",
            f"A key opens 1 to {MAX_ROOMS} rooms, not {len(rooms)}.",
            f"Een sleutel opent 1 tot {MAX_ROOMS} kamers, niet {len(rooms)}.",
            "Choose the rooms again.",
            "Kies de kamers opnieuw.",
        )
    tidy = tuple(
        salto_identifier("rooms", Text("room name", "kamernaam"), room, ROOM_LENGTH, encoding) for room in rooms
    )
    if len({room.casefold() for room in tidy}) != len(tidy):
        raise field_error(
            "rooms",
            "A room is listed twice.",
            "Een kamer staat er twee keer in.",
            "List each room once.",
            "Noem elke kamer één keer.",
        )
    return tidy


def check_phone(phone: str, country: str | None = None) -> str:
    """A phone number as SALTO takes it (``+`` and digits); a national one only with the country it is of."""
    return international_phone(phone, country)


def validate_key_draft(
    draft: KeyDraft, encoding: TextEncoding, country: str | None = None, zone: ZoneInfo | None = None
) -> KeyDraft:
    """Key data as stored: every field checked; ``country`` reads a national phone number and ``zone`` shows
    times in messages (both the site's)."""
    granted, denied = check_access(draft.granted, draft.denied)
    holder = replace(
        draft.holder,
        pms_id=plain_text(
            "holder", Text("PMS id of the holder", "PMS-id van de houder"), draft.holder.pms_id, PMS_ID_LENGTH
        ),
        label=plain_text("holder", Text("holder name", "naam van de houder"), draft.holder.label, HOLDER_LABEL_LENGTH),
    )
    plate = draft.license_plate
    if plate is not None:
        plate = (
            salto_text(
                "license_plate", Text("license plate", "kenteken"), plate, TEXT_LINE_LENGTH, encoding, required=False
            )
            or None
        )
    return replace(
        draft,
        holder=holder,
        rooms=check_rooms(draft.rooms, encoding),
        validity=check_validity(draft.validity, zone),
        granted=granted,
        denied=denied,
        print_info=check_text_lines(draft.print_info, encoding),
        phone=None if draft.phone is None or not draft.phone.strip() else check_phone(draft.phone, country),
        license_plate=plate,
    )
