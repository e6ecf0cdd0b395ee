"""The plain, immutable data of the configuration, key data and audit trail.

Repositories return these dataclasses, never ORM objects, so the GUI can hold them on any thread
and nothing it does can write to the database behind the repositories' back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from salto_desk.keys.phones import country_of_zone
from salto_desk.protocol.client import Timeouts
from salto_desk.protocol.messages import AuditDateOrder, EjectMode, TrailingFields, WireOptions
from salto_desk.protocol.text import TextEncoding
from salto_desk.protocol.transport import SerialSettings

# --- configuration --------------------------------------------------------------------------------

LICENSE_PLATE_MIN_VERSION = (1, 20)


@dataclass(frozen=True, kw_only=True)
class AdministrationSettings:
    """What the manager and installer set for one administration (a park, hotel or campsite)."""

    pms_id: str
    name: str
    salto_endpoint: str
    time_zone: str = "Europe/Amsterdam"
    check_in_time: time = time(15, 0)
    check_out_time: time = time(10, 0)
    salto_version: str = "1.20"
    include_license_plate: bool = False
    license_plate_line: int = 3
    default_operator: str = ""
    eject_mode: EjectMode = EjectMode.EJECT
    text_encoding: TextEncoding = "ascii"
    trailing_fields: TrailingFields = "full"
    send_lrc: bool = True
    audit_date_order: AuditDateOrder = "dm"
    acknowledge_replies: bool = False
    reply_timeout: int = 60
    serial_baudrate: int = 9600
    serial_bytesize: int = 8
    serial_parity: str = "N"
    serial_stopbits: float = 1.0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.salto_version.split(".")
        return int(major), int(minor)

    @property
    def carries_license_plate(self) -> bool:
        return self.include_license_plate and self.version >= LICENSE_PLATE_MIN_VERSION

    @property
    def phone_country(self) -> str | None:
        """The country whose national phone numbers the site's guests and desk use (from its time zone)."""
        return country_of_zone(self.time_zone)

    def wire_options(self) -> WireOptions:
        return WireOptions(
            site_zone=self.zone,
            encoding=self.text_encoding,
            trailing_fields=self.trailing_fields,
            send_lrc=self.send_lrc,
            audit_date_order=self.audit_date_order,
        )

    def timeouts(self) -> Timeouts:
        return Timeouts(reply=float(self.reply_timeout))

    def serial_settings(self) -> SerialSettings:
        return SerialSettings(
            baudrate=self.serial_baudrate,
            bytesize=self.serial_bytesize,
            parity=self.serial_parity,
            stopbits=self.serial_stopbits,
        )


@dataclass(frozen=True, kw_only=True)
class Administration(AdministrationSettings):
    id: int


@dataclass(frozen=True)
class AuthorizationName:
    """A SALTO "PMS authorization" number (1..62) and the place it opens."""

    number: int
    name: str


@dataclass(frozen=True, kw_only=True)
class KeyTypeSettings:
    """The name, card text and access of a kind of key."""

    administration_id: int
    name: str
    description: str = ""
    print_info: tuple[str, ...] = ()
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    owners_default: bool = False
    """+Key on an owner starts with this key type; at most one per administration is marked."""


@dataclass(frozen=True, kw_only=True)
class KeyType(KeyTypeSettings):
    id: int


@dataclass(frozen=True, kw_only=True)
class ProductSettings:
    """Which bookings get a key type, and when the key becomes usable.

    Each filter lists PMS identifiers or names; an empty filter admits every booking.
    """

    key_type_id: int
    name: str
    labels: tuple[str, ...] = ()
    object_types: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    wait_for_check_in: bool = False
    deliver_to_guest: bool = False
    delivery_days_before: int = 0
    fixed_start_time: time | None = None
    fixed_end_time: time | None = None


@dataclass(frozen=True, kw_only=True)
class Product(ProductSettings):
    id: int


@dataclass(frozen=True, kw_only=True)
class EncoderSettings:
    """A desk encoder: a name staff recognise and the identifier SALTO knows it by."""

    administration_id: int
    name: str
    external_id: str


@dataclass(frozen=True, kw_only=True)
class Encoder(EncoderSettings):
    id: int


@dataclass(frozen=True, kw_only=True)
class DoorNameSettings:
    """The SALTO door/room name of a PMS object whose PMS name differs."""

    administration_id: int
    pms_object_id: str
    object_name: str
    door_name: str


@dataclass(frozen=True, kw_only=True)
class DoorName(DoorNameSettings):
    id: int


# --- reservations and key data --------------------------------------------------------------------


@dataclass(frozen=True)
class BookingFacts:
    """The facts of a reservation that decide which products apply to it.

    Product filters list PMS names or ids, so costs and extras hold both, and ``object_type_ids``
    holds the id(s) of the object type whose name is ``object_type``.
    """

    labels: frozenset[str] = frozenset()
    object_type: str = ""
    costs: frozenset[str] = frozenset()
    extras: frozenset[str] = frozenset()
    object_type_ids: frozenset[str] = frozenset()


class HolderKind(StrEnum):
    RESERVATION = "reservation"
    OWNER = "owner"


@dataclass(frozen=True)
class Holder:
    """Whom key data belongs to: a PMS id plus a label staff recognise (booking nr, guest or owner name)."""

    kind: HolderKind
    pms_id: str
    label: str


@dataclass(frozen=True)
class OwnerDetails:
    pms_id: str
    name: str
    phone: str | None = None


class KeyState(StrEnum):
    """Where key data is in its life; ``NEEDS_REENCODE`` is set when the PMS changed an issued key."""

    WAITING_FOR_CHECK_IN = "waiting_for_check_in"
    READY = "ready"
    ISSUED = "issued"
    NEEDS_REENCODE = "needs_reencode"
    REVOKING = "revoking"
    """The PMS cancelled the stay; the key data stays until SALTO confirmed the check-out of its rooms."""


@dataclass(frozen=True)
class Validity:
    start: datetime
    end: datetime


@dataclass(frozen=True, kw_only=True)
class KeyDraft:
    """Key data before it is stored."""

    administration_id: int
    key_type_id: int
    holder: Holder
    rooms: tuple[str, ...]
    validity: Validity
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    print_info: tuple[str, ...] = ()
    phone: str | None = None
    license_plate: str | None = None
    state: KeyState = KeyState.READY


@dataclass(frozen=True, kw_only=True)
class KeyFields:
    """What the desk sets by hand when it creates or edits key data; holder, state and cards follow from the rest."""

    key_type_id: int
    rooms: tuple[str, ...]
    validity: Validity
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    print_info: tuple[str, ...] = ()
    phone: str | None = None
    license_plate: str | None = None

    @classmethod
    def of(cls, key: KeyDraft) -> KeyFields:
        return cls(
            key_type_id=key.key_type_id,
            rooms=key.rooms,
            validity=key.validity,
            granted=key.granted,
            denied=key.denied,
            print_info=key.print_info,
            phone=key.phone,
            license_plate=key.license_plate,
        )


@dataclass(frozen=True)
class CardsEncoded:
    count: int = 0
    last_encoder: str | None = None
    last_encoded_at: datetime | None = None
    serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class MobileDelivery:
    phone: str
    command: str
    delivered_at: datetime


@dataclass(frozen=True, kw_only=True)
class KeyData(KeyDraft):
    id: int
    cards: CardsEncoded = CardsEncoded()
    deliveries: tuple[MobileDelivery, ...] = ()

    @property
    def issued(self) -> bool:
        """Cards or a mobile key exist in SALTO for this key data."""
        return self.cards.count > 0 or bool(self.deliveries)


@dataclass(frozen=True)
class StayDates:
    """Arrival and departure of a reservation (nights run arrival .. departure - 1)."""

    arrival: date
    departure: date


# --- audit trail ----------------------------------------------------------------------------------


class AuditState(StrEnum):
    PENDING = "pending"
    OK = "ok"
    SALTO_ERROR = "salto_error"
    LINK_ERROR = "link_error"
    CANCELLED = "cancelled"
    """The user stopped it (Cancel); distinct from a failed link."""
    UNKNOWN = "unknown"


class AuditAction(StrEnum):
    ENCODE_NEW = "encode_new"
    ENCODE_COPY = "encode_copy"
    SEND_TO_PHONE = "send_to_phone"
    READ_CARD = "read_card"
    CHECK_OUT = "check_out"
    CREATE_KEY = "create_key"
    DELETE_KEY = "delete_key"
    EDIT_KEY = "edit_key"


@dataclass(frozen=True, kw_only=True)
class AuditDraft:
    """What an operation is about to do, written before anything is sent."""

    action: AuditAction
    command: str = ""
    administration: str = ""
    key_id: int | None = None
    holder: str = ""
    holder_kind: HolderKind | None = None
    holder_pms_id: str = ""
    """Whose key it is (with ``administration``): a booking's history outlives its deleted key data."""
    encoder: str = ""
    rooms: tuple[str, ...] = ()
    phone: str = ""
    card_number: int | None = None
    card_count: int | None = None
    operator: str = ""


@dataclass(frozen=True, kw_only=True)
class AuditEntry(AuditDraft):
    id: int
    started_at: datetime
    finished_at: datetime | None
    desk: str
    process_id: int
    state: AuditState
    error_code: str = ""
    message: str = ""
    serials: tuple[str, ...] = ()


class FlagCode(StrEnum):
    PHONE_REFUSED = "phone_refused"
    """The phone BEX has for the guest cannot be sent to (details: the phone problem)."""
    OBJECT_MISSING = "object_missing"
    """BEX no longer lists the reservation's object (details: ``object``, its BEX id)."""


@dataclass(frozen=True)
class KeyFlag:
    """One thing the sync found wrong with a key: a code and its parameters (put into words when shown)."""

    code: FlagCode
    details: tuple[tuple[str, str], ...] = ()
