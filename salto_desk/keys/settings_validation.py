"""Checks of what managers and installers set up: administrations, key types, products, encoders, door names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.draft_validation import check_access, check_authorization_number
from salto_desk.keys.field_validation import (
    MAX_TEXT_LINES,
    NAME_LENGTH,
    PMS_ID_LENGTH,
    check_choice,
    check_number,
    check_text_lines,
    check_time_of_day,
    field_error,
    plain_text,
    salto_identifier,
    salto_text,
)
from salto_desk.keys.model import (
    LICENSE_PLATE_MIN_VERSION,
    AdministrationSettings,
    AuthorizationName,
    DoorNameSettings,
    EncoderSettings,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.protocol.messages import EjectMode
from salto_desk.protocol.text import ENCODER_LENGTH, OPERATOR_LENGTH, ROOM_LENGTH, TextEncoding
from salto_desk.protocol.transport import parse_endpoint

DESCRIPTION_LENGTH = 500
ENDPOINT_LENGTH = 255
MAX_DELIVERY_DAYS = 60
REPLY_TIMEOUT_RANGE = (5, 600)
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES = ("N", "E", "O", "M", "S")
STOP_BITS = (1.0, 1.5, 2.0)
TEXT_ENCODINGS = ("ascii", "latin-1")
TRAILING_FIELDS = ("full", "trim")
AUDIT_DATE_ORDERS = ("dm", "md")
_VERSION = re.compile(r"\d{1,2}\.\d{1,2}")


def check_time_zone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise field_error(
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
        raise field_error(
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
        raise field_error(
            "include_license_plate",
            f"The license plate can only be sent with SALTO software 1.20 or newer, not {settings.salto_version}.",
            f"Het kenteken kan alleen worden meegestuurd met SALTO-software 1.20 of nieuwer, niet "
            f"{settings.salto_version}.",
            "Update the SALTO version in the settings, or switch the license plate off.",
            "Pas de SALTO-versie in de instellingen aan, of zet het kenteken uit.",
        )
    check_number(
        "license_plate_line",
        Text("license plate text line", "tekstregel voor het kenteken"),
        settings.license_plate_line,
        1,
        MAX_TEXT_LINES,
    )
    check_time_of_day("check_in_time", Text("default check-in time", "standaard incheckttijd"), settings.check_in_time)
    check_time_of_day(
        "check_out_time", Text("default check-out time", "standaard uitchecktijd"), settings.check_out_time
    )
    if not isinstance(settings.eject_mode, EjectMode):
        raise field_error(
            "eject_mode",
            f"Unknown eject mode {settings.eject_mode!r}.",
            f"Onbekende uitwerpmodus {settings.eject_mode!r}.",
        )
    check_choice("text_encoding", Text("text encoding", "tekstcodering"), settings.text_encoding, TEXT_ENCODINGS)
    check_choice(
        "trailing_fields",
        Text("trailing fields setting", "instelling voor lege eindvelden"),
        settings.trailing_fields,
        TRAILING_FIELDS,
    )
    check_choice(
        "audit_date_order",
        Text("audit date order", "volgorde van auditdatums"),
        settings.audit_date_order,
        AUDIT_DATE_ORDERS,
    )
    check_number(
        "reply_timeout",
        Text("reply timeout in seconds", "antwoordtime-out in seconden"),
        settings.reply_timeout,
        *REPLY_TIMEOUT_RANGE,
    )
    check_choice("serial_baudrate", Text("serial baud rate", "seriële baudrate"), settings.serial_baudrate, BAUD_RATES)
    check_number("serial_bytesize", Text("serial data bits", "seriële databits"), settings.serial_bytesize, 5, 8)
    check_choice("serial_parity", Text("serial parity", "seriële pariteit"), settings.serial_parity, PARITIES)
    check_choice("serial_stopbits", Text("serial stop bits", "seriële stopbits"), settings.serial_stopbits, STOP_BITS)
    for flag in ("include_license_plate", "send_lrc", "acknowledge_replies"):
        if not isinstance(getattr(settings, flag), bool):
            raise field_error(flag, f"{flag} must be true or false.", f"{flag} moet waar of onwaar zijn.")
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
            raise field_error(
                "authorizations",
                f"Authorization {number} is named twice.",
                f"Autorisatie {number} heeft twee namen.",
                "Keep one name per number.",
                "Houd één naam per nummer.",
            )
        if (other := seen_names.get(name.casefold())) is not None:
            raise field_error(
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
    check_number(
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
            check_time_of_day(field, label, value)
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
