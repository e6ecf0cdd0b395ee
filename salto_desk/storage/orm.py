"""The database schema as typed SQLAlchemy models; Alembic migrations must produce exactly this.

Only portable types and constraints (no SQLite or PostgreSQL specifics), every constraint named so
that batch migrations on SQLite and plain ones on PostgreSQL address the same objects. Times are
stored as naive UTC and come back aware, whatever the database does with time zones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from salto_desk.protocol.text import TextEncoding

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PMS_ID_LENGTH = 64
NAME_LENGTH = 100
DESCRIPTION_LENGTH = 500
HOLDER_LABEL_LENGTH = 200
SALTO_FIELD_LENGTH = 24
PHONE_LENGTH = 16
SETTING_NAME_LENGTH = 64
LEASE_NAME_LENGTH = 255
TOKEN_LENGTH = 32


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive ones are refused rather than guessed."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AdministrationRow(Base):
    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    time_zone: Mapped[str] = mapped_column(String(64))
    check_in_time: Mapped[time] = mapped_column(Time)
    check_out_time: Mapped[time] = mapped_column(Time)
    salto_endpoint: Mapped[str] = mapped_column(String(255))
    salto_version: Mapped[str] = mapped_column(String(16))
    include_license_plate: Mapped[bool] = mapped_column(Boolean)
    license_plate_line: Mapped[int] = mapped_column(Integer)
    default_operator: Mapped[str] = mapped_column(String(SALTO_FIELD_LENGTH))
    eject_mode: Mapped[str] = mapped_column(String(8))
    text_encoding: Mapped[str] = mapped_column(String(16))
    trailing_fields: Mapped[str] = mapped_column(String(8))
    send_lrc: Mapped[bool] = mapped_column(Boolean)
    audit_date_order: Mapped[str] = mapped_column(String(2))
    acknowledge_replies: Mapped[bool] = mapped_column(Boolean)
    reply_timeout: Mapped[int] = mapped_column(Integer)
    serial_baudrate: Mapped[int] = mapped_column(Integer)
    serial_bytesize: Mapped[int] = mapped_column(Integer)
    serial_parity: Mapped[str] = mapped_column(String(1))
    serial_stopbits: Mapped[float] = mapped_column(Float)

    authorizations: Mapped[list[AuthorizationRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AuthorizationRow.number"
    )
    key_types: Mapped[list[KeyTypeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="KeyTypeRow.name"
    )
    encoders: Mapped[list[EncoderRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EncoderRow.name"
    )
    door_names: Mapped[list[DoorNameRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DoorNameRow.pms_object_id"
    )

    @property
    def encoding(self) -> TextEncoding:
        return "latin-1" if self.text_encoding == "latin-1" else "ascii"


class AuthorizationRow(Base):
    __tablename__ = "authorizations"
    __table_args__ = (
        UniqueConstraint("administration_id", "number"),
        UniqueConstraint("administration_id", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))


class KeyTypeRow(Base):
    __tablename__ = "key_types"
    __table_args__ = (UniqueConstraint("administration_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH))
    print_info: Mapped[str] = mapped_column(Text)
    owners_default: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """At most one key type per administration (the repository unmarks the others)."""

    access: Mapped[list[KeyTypeAccessRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="KeyTypeAccessRow.position"
    )
    products: Mapped[list[ProductRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ProductRow.name"
    )


class KeyTypeAccessRow(Base):
    """One authorization a key type grants or denies; a number is either, never both."""

    __tablename__ = "key_type_access"

    key_type_id: Mapped[int] = mapped_column(ForeignKey("key_types.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("key_type_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_type_id: Mapped[int] = mapped_column(ForeignKey("key_types.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    wait_for_check_in: Mapped[bool] = mapped_column(Boolean)
    deliver_to_guest: Mapped[bool] = mapped_column(Boolean)
    delivery_days_before: Mapped[int] = mapped_column(Integer)
    fixed_start_time: Mapped[time | None] = mapped_column(Time)
    fixed_end_time: Mapped[time | None] = mapped_column(Time)

    filters: Mapped[list[ProductFilterRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class ProductFilterRow(Base):
    """One accepted value of one product filter (kind: label, object_type, cost or extra)."""

    __tablename__ = "product_filters"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)


class EncoderRow(Base):
    __tablename__ = "encoders"
    __table_args__ = (
        UniqueConstraint("administration_id", "name"),
        UniqueConstraint("administration_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    external_id: Mapped[str] = mapped_column(String(SALTO_FIELD_LENGTH))


class DoorNameRow(Base):
    __tablename__ = "door_names"
    __table_args__ = (UniqueConstraint("administration_id", "pms_object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"))
    pms_object_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))
    object_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    door_name: Mapped[str] = mapped_column(String(SALTO_FIELD_LENGTH))


class KeyRow(Base):
    """Key data: administrations and key types in use cannot be deleted under it (RESTRICT)."""

    __tablename__ = "key_data"
    __table_args__ = (Index(None, "administration_id", "holder_kind", "holder_pms_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="RESTRICT"))
    key_type_id: Mapped[int] = mapped_column(ForeignKey("key_types.id", ondelete="RESTRICT"))
    holder_kind: Mapped[str] = mapped_column(String(16))
    holder_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))
    holder_label: Mapped[str] = mapped_column(String(HOLDER_LABEL_LENGTH))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    print_info: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH))
    license_plate: Mapped[str | None] = mapped_column(String(SALTO_FIELD_LENGTH))
    state: Mapped[str] = mapped_column(String(24))
    cards_encoded: Mapped[int] = mapped_column(Integer)
    last_encoder: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    last_encoded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    rooms: Mapped[list[KeyRoomRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="KeyRoomRow.position"
    )
    access: Mapped[list[KeyAccessRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="KeyAccessRow.position"
    )
    serials: Mapped[list[CardSerialRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CardSerialRow.id"
    )
    deliveries: Mapped[list[MobileDeliveryRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MobileDeliveryRow.id"
    )


class KeyRoomRow(Base):
    __tablename__ = "key_rooms"

    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    room: Mapped[str] = mapped_column(String(SALTO_FIELD_LENGTH), index=True)


class KeyAccessRow(Base):
    __tablename__ = "key_access"

    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)


class CardSerialRow(Base):
    __tablename__ = "card_serials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), index=True)
    serial: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))


class MobileDeliveryRow(Base):
    __tablename__ = "mobile_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(PHONE_LENGTH))
    command: Mapped[str] = mapped_column(String(8))
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """The permanent audit trail: no foreign keys, so deleting key data or configuration keeps it whole."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index(None, "desk", "state"), Index(None, "administration", "holder_kind", "holder_pms_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    desk: Mapped[str] = mapped_column(String(255))
    process_id: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(String(NAME_LENGTH))
    administration: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))
    action: Mapped[str] = mapped_column(String(24))
    command: Mapped[str] = mapped_column(String(8))
    key_id: Mapped[int | None] = mapped_column(Integer)
    holder: Mapped[str] = mapped_column(String(HOLDER_LABEL_LENGTH))
    holder_kind: Mapped[str] = mapped_column(String(16), default="")
    holder_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), default="")
    encoder: Mapped[str] = mapped_column(String(NAME_LENGTH))
    rooms: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(PHONE_LENGTH))
    card_number: Mapped[int | None] = mapped_column(Integer)
    card_count: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    serials: Mapped[str] = mapped_column(Text)


# --- desk-wide settings ---------------------------------------------------------------------------


class SettingRow(Base):
    """A desk-wide setting shared by every desk (never a secret: those live in the keyring)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(SETTING_NAME_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- cached BEX data ------------------------------------------------------------------------------
# Keyed by the BEX administration id (not the desk's), so administrations that are not set up at
# the desk are cached too. Names and other BEX texts have no documented length: Text throughout.


class PmsSyncStateRow(Base):
    """How far the sync of one BEX administration got, and whether BEX answered last time."""

    __tablename__ = "pms_sync_states"

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    offline_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reservations_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    objects_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    objects_complete_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the last read of every object began (an incremental read cannot see deletions)."""
    configuration: Mapped[str | None] = mapped_column(String(64))
    """A digest of the desk configuration the key data was last derived with (products, door names...)."""
    pull_started: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """An unfinished reservation pull: when it began (None: none is unfinished), what it asks, its next page."""
    pull_updated_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pull_departing_from: Mapped[date | None] = mapped_column(Date)
    pull_offset: Mapped[int | None] = mapped_column(Integer)
    paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """BEX asked to wait (429 with a long Retry-After): no request before this time."""


class PmsObjectRow(Base):
    __tablename__ = "pms_objects"

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    rentable_type_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    rentable_identity_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    labels: Mapped[str] = mapped_column(Text)


class PmsRentableTypeRow(Base):
    __tablename__ = "pms_rentable_types"

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class PmsCatalogueRow(Base):
    """An extra or a cost of an administration's catalogue (kind: ``extra`` or ``cost``)."""

    __tablename__ = "pms_catalogue"

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class PmsReservationRow(Base):
    """A reservation as last read from BEX; ``search_text`` is its booking nr and guest name, folded."""

    __tablename__ = "pms_reservations"
    __table_args__ = (
        Index(None, "administration_pms_id", "start_date"),
        Index(None, "administration_pms_id", "end_date"),
        Index(None, "administration_pms_id", "pending_keys"),
    )

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    booking_nr: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    checked_in_on: Mapped[date | None] = mapped_column(Date)
    checked_out_on: Mapped[date | None] = mapped_column(Date)
    guest_name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    object_pms_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    rentable_type_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    extras: Mapped[str] = mapped_column(Text)
    costs: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pending_keys: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Stored or touched (its object renamed or deleted) since its key data was last derived."""


class PmsOwnerRow(Base):
    __tablename__ = "pms_owners"

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)


class PmsAgreementRow(Base):
    """An owner's right to a unit (by rentable identity or object) from a day, open-ended without an end."""

    __tablename__ = "pms_agreements"
    __table_args__ = (Index(None, "administration_pms_id", "owner_pms_id"),)

    administration_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    owner_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH))
    rentable_identity_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    inventory_object_id: Mapped[str | None] = mapped_column(String(PMS_ID_LENGTH))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


# --- the sync's own bookkeeping -------------------------------------------------------------------


class SyncKeyRow(Base):
    """What the sync last wrote into key data it made, so changes made at the desk are recognised and kept."""

    __tablename__ = "sync_keys"

    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    holder_label: Mapped[str] = mapped_column(String(HOLDER_LABEL_LENGTH))
    rooms: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH))


class SyncKeyFlagRow(Base):
    """Something the sync found wrong with a key that the desk should look at (a refused phone, a deleted object).

    ``code`` says what; ``details`` holds its parameters as JSON, put into words when shown.
    """

    __tablename__ = "sync_key_flags"

    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    details: Mapped[str] = mapped_column(Text)


class SyncDeskDeletionRow(Base):
    """Key data of a reservation deleted at the desk: the sync never makes that key type for it again."""

    __tablename__ = "sync_desk_deletions"

    administration_id: Mapped[int] = mapped_column(
        ForeignKey("administrations.id", ondelete="CASCADE"), primary_key=True
    )
    reservation_pms_id: Mapped[str] = mapped_column(String(PMS_ID_LENGTH), primary_key=True)
    key_type_id: Mapped[int] = mapped_column(ForeignKey("key_types.id", ondelete="CASCADE"), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """A SALTO request the sync owes (deliver a mobile key, check a revoked key's rooms out), kept until done."""

    __tablename__ = "sync_outbox"
    __table_args__ = (UniqueConstraint("key_id", "action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("key_data.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


# --- several desks, one database ------------------------------------------------------------------


class LeaseRow(Base):
    """A named, expiring right held by one desk process (the sync, an encoder, a SALTO link).

    One row per name; it changes hands only by a conditional UPDATE (free or expired) or by the INSERT
    that wins the primary key, so two desks can never both hold it. ``token`` identifies one holding.
    """

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(LEASE_NAME_LENGTH), primary_key=True)
    label: Mapped[str] = mapped_column(String(LEASE_NAME_LENGTH))
    desk: Mapped[str] = mapped_column(String(255))
    process_id: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QueueTicketRow(Base):
    """A desk process waiting for (or using) a SALTO endpoint; the lowest live id goes first."""

    __tablename__ = "endpoint_queue"
    __table_args__ = (Index(None, "endpoint", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(LEASE_NAME_LENGTH))
    desk: Mapped[str] = mapped_column(String(255))
    process_id: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), unique=True)
    enqueued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ChangeCounterRow(Base):
    """How often data of one topic (``keys``, ``config``, ``pms``) was committed; desks poll these to refresh."""

    __tablename__ = "change_counters"

    topic: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
