"""Field checks for everything a manager, installer or receptionist enters.

Each check names the field and says what is wrong and what to do, in English and Dutch. Texts that
go to SALTO are measured after the same cleaning the protocol applies (transliteration can make
them longer: 'ß' becomes 'ss'), so what is accepted here is never cut short on the wire.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import (
    LICENSE_PLATE_MIN_VERSION,
    AdministrationSettings,
    AuthorizationName,
    DoorNameSettings,
    EncoderSettings,
    KeyDraft,
    KeyTypeSettings,
    ProductSettings,
    Validity,
)
from salto_desk.keys.phones import international_phone
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.messages import EjectMode
from salto_desk.protocol.text import (
    AUTHORIZATION_COUNT,
    ENCODER_LENGTH,
    FIRST_WIRE_YEAR,
    LAST_WIRE_YEAR,
    MAX_ROOMS,
    OPERATOR_LENGTH,
    ROOM_LENGTH,
    TEXT_LINE_LENGTH,
    TextEncoding,
    clean_text,
    wire_identifier,
)
from salto_desk.protocol.transport import parse_endpoint

PMS_ID_LENGTH = 64
NAME_LENGTH = 100
DESCRIPTION_LENGTH = 500
HOLDER_LABEL_LENGTH = 200
ENDPOINT_LENGTH = 255
MAX_TEXT_LINES = 3
MAX_DELIVERY_DAYS = 60
REPLY_TIMEOUT_RANGE = (5, 600)
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES = ("N", "E", "O", "M", "S")
STOP_BITS = (1.0, 1.5, 2.0)
TEXT_ENCODINGS = ("ascii", "latin-1")
TRAILING_FIELDS = ("full", "trim")
AUDIT_DATE_ORDERS = ("dm", "md")
_VERSION = re.compile(r"\d{1,2}\.\d{1,2}")
_UNBOUNDED = 100_000


def _error(field: str, en: str, nl: str, action_en: str | None = None, action_nl: str | None = None) -> ValidationError:
    action = Text(action_en, action_nl) if action_en and action_nl else None
    return ValidationError(field, Text(en, nl), action)


def _unprintable(value: str) -> str | None:
    """The first character that has no place in a one-line name (a control character or half of a UTF-16
    pair), as it would be written in a program; None when every character is fine."""
    if value.isascii() and value.isprintable():
        return None
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs"):
            return ascii(char)
    return None


def plain_text(field: str, label: Text, value: str, limit: int, *, required: bool = True) -> str:
    """A name or description kept in our own database: stripped, not empty (when required), not too long,
    one line without control characters (refused the same way whichever database stores it)."""
    if (bad := _unprintable(value)) is not None:
        raise _error(
            field,
            f"The {label.en} {value[:40]!r} contains the control character {bad}.",
            f"De {label.nl} {value[:40]!r} bevat het stuurteken {bad}.",
            "Type it again without that character (often a pasted tab, line break or zero byte).",
            "Typ deze opnieuw zonder dat teken (vaak een geplakte tab, regeleinde of nulbyte).",
        )
    stripped = value.strip()
    if required and not stripped:
        raise _error(field, f"The {label.en} is empty.", f"De {label.nl} is leeg.", "Fill it in.", "Vul deze in.")
    if len(stripped) > limit:
        raise _error(
            field,
            f"The {label.en} is {len(stripped)} characters long; at most {limit} fit.",
            f"De {label.nl} is {len(stripped)} tekens lang; er passen er hoogstens {limit}.",
            "Shorten it.",
            "Maak deze korter.",
        )
    return stripped


def as_printed(value: str, encoding: TextEncoding) -> str:
    """A printed-only text (print info, operator) exactly as SALTO receives it, to show before sending."""
    return clean_text(value.strip(), _UNBOUNDED, encoding).decode("latin-1")


def salto_identifier(field: str, label: Text, value: str, limit: int, encoding: TextEncoding) -> str:
    """A room, door or encoder name for SALTO: stored and sent exactly as it stands (surrounding spaces of
    what was typed aside), or refused; never cleaned into another name, which could be another guest's."""
    stripped = plain_text(field, label, value, limit * 4)  # one line, not empty; the wire check says the rest
    try:
        wire_identifier(field, label, stripped, limit, encoding)
    except LocalProtocolError as refused:
        raise ValidationError(field, refused.message, refused.action) from None
    return stripped


def salto_text(
    field: str, label: Text, value: str, limit: int, encoding: TextEncoding, *, required: bool = True
) -> str:
    """Text for a SALTO field: must fit ``limit`` once cleaned; stored as typed (stripped)."""
    stripped = plain_text(field, label, value, _UNBOUNDED, required=False)
    cleaned = as_printed(stripped, encoding)
    if required and not cleaned:
        raise _error(
            field,
            f"The {label.en} {value!r} is empty once characters SALTO cannot take are removed.",
            f"De {label.nl} {value!r} is leeg na het verwijderen van tekens die SALTO niet aankan.",
            "Use plain letters and digits.",
            "Gebruik gewone letters en cijfers.",
        )
    if len(cleaned) > limit:
        raise _error(
            field,
            f"The {label.en} {stripped!r} is {len(cleaned)} characters as SALTO receives it; SALTO takes at most "
            f"{limit}.",
            f"De {label.nl} {stripped!r} is {len(cleaned)} tekens zoals SALTO die ontvangt; SALTO neemt er "
            f"hoogstens {limit}.",
            "Shorten it.",
            "Maak deze korter.",
        )
    return stripped


def _choice(field: str, label: Text, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        options = ", ".join(str(option) for option in allowed)
        raise _error(
            field,
            f"The {label.en} {value!r} is not one of: {options}.",
            f"De {label.nl} {value!r} is niet een van: {options}.",
        )


def _number_in(field: str, label: Text, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _error(
            field,
            f"The {label.en} must be a whole number from {low} to {high}, not {value!r}.",
            f"De {label.nl} moet een geheel getal van {low} tot {high} zijn, niet {value!r}.",
        )


def _time_of_day(field: str, label: Text, value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise _error(
            field,
            f"The {label.en} must be a time of day such as 15:00, not {value!r}.",
            f"De {label.nl} moet een tijdstip zijn zoals 15:00, niet {value!r}.",
        )


def check_time_zone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error(
            "time_zone",
            f"{value!r} is not a known time zone.",
            f"{value!r} is geen bekende tijdzone.",
            "Use an IANA name such as Europe/Amsterdam or Europe/Brussels.",
            "Gebruik een IANA-naam zoals Europe/Amsterdam of Europe/Brussels.",
        ) from None
    return name


def check_endpoint(value: str) -> str:
    endpoint = value.strip()
    try:
        parse_endpoint(endpoint)
    except ValidationError as error:
        raise ValidationError("salto_endpoint", error.message, error.action) from None
    return plain_text("salto_endpoint", Text("SALTO address", "SALTO-adres"), endpoint, ENDPOINT_LENGTH)


def _version(value: str) -> tuple[int, int]:
    if not _VERSION.fullmatch(value.strip()):
        raise _error(
            "salto_version",
            f"The SALTO software version {value!r} is not a version number.",
            f"De SALTO-softwareversie {value!r} is geen versienummer.",
            "Enter it as major.minor, for example 1.20.",
            "Vul deze in als hoofd.sub, bijvoorbeeld 1.20.",
        )
    major, minor = value.strip().split(".")
    return int(major), int(minor)


def validate_administration(settings: AdministrationSettings) -> AdministrationSettings:
    """The settings with text tidied, or the first problem found."""
    if settings.include_license_plate and _version(settings.salto_version) < LICENSE_PLATE_MIN_VERSION:
        raise _error(
            "include_license_plate",
            f"The license plate can only be sent with SALTO software 1.20 or newer, not {settings.salto_version}.",
            f"Het kenteken kan alleen worden meegestuurd met SALTO-software 1.20 of nieuwer, niet "
            f"{settings.salto_version}.",
            "Update the SALTO version in the settings, or switch the license plate off.",
            "Pas de SALTO-versie in de instellingen aan, of zet het kenteken uit.",
        )
    _number_in(
        "license_plate_line",
        Text("license plate text line", "tekstregel voor het kenteken"),
        settings.license_plate_line,
        1,
        MAX_TEXT_LINES,
    )
    _time_of_day("check_in_time", Text("default check-in time", "standaard incheckttijd"), settings.check_in_time)
    _time_of_day("check_out_time", Text("default check-out time", "standaard uitchecktijd"), settings.check_out_time)
    if not isinstance(settings.eject_mode, EjectMode):
        raise _error(
            "eject_mode",
            f"Unknown eject mode {settings.eject_mode!r}.",
            f"Onbekende uitwerpmodus {settings.eject_mode!r}.",
        )
    _choice("text_encoding", Text("text encoding", "tekstcodering"), settings.text_encoding, TEXT_ENCODINGS)
    _choice(
        "trailing_fields",
        Text("trailing fields setting", "instelling voor lege eindvelden"),
        settings.trailing_fields,
        TRAILING_FIELDS,
    )
    _choice(
        "audit_date_order",
        Text("audit date order", "volgorde van auditdatums"),
        settings.audit_date_order,
        AUDIT_DATE_ORDERS,
    )
    _number_in(
        "reply_timeout",
        Text("reply timeout in seconds", "antwoordtime-out in seconden"),
        settings.reply_timeout,
        *REPLY_TIMEOUT_RANGE,
    )
    _choice("serial_baudrate", Text("serial baud rate", "seriële baudrate"), settings.serial_baudrate, BAUD_RATES)
    _number_in("serial_bytesize", Text("serial data bits", "seriële databits"), settings.serial_bytesize, 5, 8)
    _choice("serial_parity", Text("serial parity", "seriële pariteit"), settings.serial_parity, PARITIES)
    _choice("serial_stopbits", Text("serial stop bits", "seriële stopbits"), settings.serial_stopbits, STOP_BITS)
    for flag in ("include_license_plate", "send_lrc", "acknowledge_replies"):
        if not isinstance(getattr(settings, flag), bool):
            raise _error(flag, f"{flag} must be true or false.", f"{flag} moet waar of onwaar zijn.")
    _version(settings.salto_version)
    return replace(
        settings,
        pms_id=plain_text("pms_id", Text("PMS id", "PMS-id"), settings.pms_id, PMS_ID_LENGTH),
        name=plain_text("name", Text("administration name", "administratienaam"), settings.name, NAME_LENGTH),
        time_zone=check_time_zone(settings.time_zone),
        salto_endpoint=check_endpoint(settings.salto_endpoint),
        salto_version=settings.salto_version.strip(),
        default_operator=salto_text(
            "default_operator",
            Text("default operator name", "standaard operatornaam"),
            settings.default_operator,
            OPERATOR_LENGTH,
            settings.text_encoding,
            required=False,
        ),
    )


def check_authorization_number(field: str, number: int) -> int:
    _number_in(field, Text("authorization number", "autorisatienummer"), number, 1, AUTHORIZATION_COUNT)
    return number


def validate_authorization_names(names: Iterable[AuthorizationName]) -> tuple[AuthorizationName, ...]:
    """Numbers 1..62, each once, each with its own name."""
    seen_numbers: set[int] = set()
    seen_names: dict[str, int] = {}
    tidy = []
    for entry in names:
        number = check_authorization_number("authorizations", entry.number)
        name = plain_text(
            "authorizations",
            Text(f"name of authorization {number}", f"naam van autorisatie {number}"),
            entry.name,
            NAME_LENGTH,
        )
        if number in seen_numbers:
            raise _error(
                "authorizations",
                f"Authorization {number} is named twice.",
                f"Autorisatie {number} heeft twee namen.",
                "Keep one name per number.",
                "Houd één naam per nummer.",
            )
        if (other := seen_names.get(name.casefold())) is not None:
            raise _error(
                "authorizations",
                f"Authorizations {other} and {number} are both called {name!r}.",
                f"Autorisaties {other} en {number} heten allebei {name!r}.",
                "Give each authorization its own name.",
                "Geef elke autorisatie een eigen naam.",
            )
        seen_numbers.add(number)
        seen_names[name.casefold()] = number
        tidy.append(AuthorizationName(number, name))
    return tuple(sorted(tidy, key=lambda each: each.number))


def check_access(granted: Sequence[int], denied: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Granted and denied authorizations: valid numbers, no repeats, never both granted and denied."""
    for field, numbers in (("granted", granted), ("denied", denied)):
        for number in numbers:
            check_authorization_number(field, number)
        if len(set(numbers)) != len(numbers):
            raise _error(field, "An authorization is listed twice.", "Een autorisatie staat er twee keer in.")
    if both := sorted(set(granted) & set(denied)):
        listed = ", ".join(map(str, both))
        raise _error(
            "denied",
            f"Authorization {listed} is both granted and denied.",
            f"Autorisatie {listed} is zowel toegestaan als geweigerd.",
            "Choose one for each authorization.",
            "Kies per autorisatie één van beide.",
        )
    return tuple(granted), tuple(denied)


def check_text_lines(lines: Sequence[str], encoding: TextEncoding) -> tuple[str, ...]:
    """Print info: at most three card text lines that each fit SALTO's field once cleaned."""
    if len(lines) > MAX_TEXT_LINES:
        raise _error(
            "print_info",
            f"A card carries at most {MAX_TEXT_LINES} text lines, not {len(lines)}.",
            f"Een kaart bevat hoogstens {MAX_TEXT_LINES} tekstregels, niet {len(lines)}.",
            "Remove the extra lines.",
            "Verwijder de extra regels.",
        )
    if any("\n" in line or "\r" in line for line in lines):
        raise _error(
            "print_info",
            "A text line contains a line break.",
            "Een tekstregel bevat een regeleinde.",
            "Put each line in its own field.",
            "Zet elke regel in een eigen veld.",
        )
    tidy = [
        salto_text(
            "print_info",
            Text(f"text line {index}", f"tekstregel {index}"),
            line,
            TEXT_LINE_LENGTH,
            encoding,
            required=False,
        )
        for index, line in enumerate(lines, 1)
    ]
    while tidy and not tidy[-1]:
        tidy.pop()
    return tuple(tidy)


def validate_key_type(settings: KeyTypeSettings, encoding: TextEncoding) -> KeyTypeSettings:
    granted, denied = check_access(settings.granted, settings.denied)
    return replace(
        settings,
        name=plain_text("name", Text("key type name", "naam van het sleuteltype"), settings.name, NAME_LENGTH),
        description=plain_text(
            "description", Text("description", "omschrijving"), settings.description, DESCRIPTION_LENGTH, required=False
        ),
        print_info=check_text_lines(settings.print_info, encoding),
        granted=granted,
        denied=denied,
    )


_FILTER_LABELS = {
    "labels": Text("object label filter", "filter op objectlabels"),
    "object_types": Text("object type filter", "filter op objecttypes"),
    "costs": Text("mandatory cost filter", "filter op verplichte kosten"),
    "extras": Text("extra filter", "filter op extra's"),
}


def _filter_values(field: str, values: Sequence[str]) -> tuple[str, ...]:
    tidy: dict[str, str] = {}
    for value in values:
        entry = plain_text(field, _FILTER_LABELS[field], value, NAME_LENGTH)
        tidy.setdefault(entry.casefold(), entry)
    return tuple(sorted(tidy.values(), key=str.casefold))


def validate_product(settings: ProductSettings) -> ProductSettings:
    _number_in(
        "delivery_days_before",
        Text("number of days before arrival", "aantal dagen voor aankomst"),
        settings.delivery_days_before,
        0,
        MAX_DELIVERY_DAYS,
    )
    for field, label in (
        ("fixed_start_time", Text("fixed start time", "vaste begintijd")),
        ("fixed_end_time", Text("fixed end time", "vaste eindtijd")),
    ):
        value = getattr(settings, field)
        if value is not None:
            _time_of_day(field, label, value)
    return replace(
        settings,
        name=plain_text("name", Text("product name", "productnaam"), settings.name, NAME_LENGTH),
        labels=_filter_values("labels", settings.labels),
        object_types=_filter_values("object_types", settings.object_types),
        costs=_filter_values("costs", settings.costs),
        extras=_filter_values("extras", settings.extras),
    )


def validate_encoder(settings: EncoderSettings, encoding: TextEncoding) -> EncoderSettings:
    return replace(
        settings,
        name=plain_text("name", Text("encoder name", "encodernaam"), settings.name, NAME_LENGTH),
        external_id=salto_identifier(
            "external_id",
            Text("encoder identifier", "encoder-identificatie"),
            settings.external_id,
            ENCODER_LENGTH,
            encoding,
        ),
    )


def validate_door_name(settings: DoorNameSettings, encoding: TextEncoding) -> DoorNameSettings:
    return replace(
        settings,
        pms_object_id=plain_text(
            "pms_object_id", Text("PMS object id", "PMS-object-id"), settings.pms_object_id, PMS_ID_LENGTH
        ),
        object_name=plain_text(
            "object_name", Text("object name", "objectnaam"), settings.object_name, NAME_LENGTH, required=False
        ),
        door_name=salto_identifier(
            "door_name", Text("door/room name", "deur-/kamernaam"), settings.door_name, ROOM_LENGTH, encoding
        ),
    )


def check_validity(validity: Validity) -> Validity:
    """Aware times, end after start, years SALTO's two-digit dates can carry; returned in UTC."""
    for field, moment in (("start", validity.start), ("end", validity.end)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise _error(
                field,
                f"The time {moment.isoformat()} has no time zone.",
                f"De tijd {moment.isoformat()} heeft geen tijdzone.",
            )
        if not FIRST_WIRE_YEAR <= moment.astimezone(UTC).year <= LAST_WIRE_YEAR:
            raise _error(
                field,
                f"SALTO only takes dates from {FIRST_WIRE_YEAR} to {LAST_WIRE_YEAR}, not {moment:%Y-%m-%d}.",
                f"SALTO neemt alleen datums van {FIRST_WIRE_YEAR} tot {LAST_WIRE_YEAR}, niet {moment:%Y-%m-%d}.",
            )
    start, end = validity.start.astimezone(UTC), validity.end.astimezone(UTC)  # compare instants, not wall clocks
    if end <= start:
        raise _error(
            "end",
            f"The key would expire ({validity.end:%Y-%m-%d %H:%M}) before it starts ({validity.start:%Y-%m-%d %H:%M}).",
            f"De sleutel zou verlopen ({validity.end:%Y-%m-%d %H:%M}) voordat hij ingaat "
            f"({validity.start:%Y-%m-%d %H:%M}).",
            "Choose an end after the start.",
            "Kies een einde na het begin.",
        )
    return Validity(start, end)


def check_rooms(rooms: Sequence[str], encoding: TextEncoding) -> tuple[str, ...]:
    if not 1 <= len(rooms) <= MAX_ROOMS:
        raise _error(
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
        raise _error(
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


def validate_key_draft(draft: KeyDraft, encoding: TextEncoding, country: str | None = None) -> KeyDraft:
    """Key data as stored: every field checked; ``country`` reads a national phone number (the site's)."""
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
        validity=check_validity(draft.validity),
        granted=granted,
        denied=denied,
        print_info=check_text_lines(draft.print_info, encoding),
        phone=None if draft.phone is None or not draft.phone.strip() else check_phone(draft.phone, country),
        license_plate=plate,
    )
