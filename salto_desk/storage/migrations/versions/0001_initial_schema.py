"""Initial schema: configuration, key data and the audit trail.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "administrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pms_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("check_in_time", sa.Time(), nullable=False),
        sa.Column("check_out_time", sa.Time(), nullable=False),
        sa.Column("salto_endpoint", sa.String(length=255), nullable=False),
        sa.Column("salto_version", sa.String(length=16), nullable=False),
        sa.Column("include_license_plate", sa.Boolean(), nullable=False),
        sa.Column("license_plate_line", sa.Integer(), nullable=False),
        sa.Column("default_operator", sa.String(length=24), nullable=False),
        sa.Column("eject_mode", sa.String(length=8), nullable=False),
        sa.Column("text_encoding", sa.String(length=16), nullable=False),
        sa.Column("trailing_fields", sa.String(length=8), nullable=False),
        sa.Column("send_lrc", sa.Boolean(), nullable=False),
        sa.Column("audit_date_order", sa.String(length=2), nullable=False),
        sa.Column("acknowledge_replies", sa.Boolean(), nullable=False),
        sa.Column("reply_timeout", sa.Integer(), nullable=False),
        sa.Column("serial_baudrate", sa.Integer(), nullable=False),
        sa.Column("serial_bytesize", sa.Integer(), nullable=False),
        sa.Column("serial_parity", sa.String(length=1), nullable=False),
        sa.Column("serial_stopbits", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administrations")),
        sa.UniqueConstraint("pms_id", name=op.f("uq_administrations_pms_id")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("desk", sa.String(length=255), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("administration", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("command", sa.String(length=8), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("encoder", sa.String(length=100), nullable=False),
        sa.Column("rooms", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("card_number", sa.Integer(), nullable=True),
        sa.Column("card_count", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("serials", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_desk_state"), "audit_entries", ["desk", "state"], unique=False)
    op.create_index(op.f("ix_audit_entries_started_at"), "audit_entries", ["started_at"], unique=False)
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_authorizations_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint("administration_id", "name", name=op.f("uq_authorizations_administration_id_name")),
        sa.UniqueConstraint("administration_id", "number", name=op.f("uq_authorizations_administration_id_number")),
    )
    op.create_table(
        "door_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("pms_object_id", sa.String(length=64), nullable=False),
        sa.Column("object_name", sa.String(length=100), nullable=False),
        sa.Column("door_name", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_door_names_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_names")),
        sa.UniqueConstraint(
            "administration_id", "pms_object_id", name=op.f("uq_door_names_administration_id_pms_object_id")
        ),
    )
    op.create_table(
        "encoders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_encoders_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encoders")),
        sa.UniqueConstraint("administration_id", "external_id", name=op.f("uq_encoders_administration_id_external_id")),
        sa.UniqueConstraint("administration_id", "name", name=op.f("uq_encoders_administration_id_name")),
    )
    op.create_table(
        "key_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("print_info", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_key_types_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_types")),
        sa.UniqueConstraint("administration_id", "name", name=op.f("uq_key_types_administration_id_name")),
    )
    op.create_table(
        "key_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("key_type_id", sa.Integer(), nullable=False),
        sa.Column("holder_kind", sa.String(length=16), nullable=False),
        sa.Column("holder_pms_id", sa.String(length=64), nullable=False),
        sa.Column("holder_label", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("print_info", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("license_plate", sa.String(length=24), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("cards_encoded", sa.Integer(), nullable=False),
        sa.Column("last_encoder", sa.String(length=100), nullable=True),
        sa.Column("last_encoded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_key_data_administration_id_administrations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["key_type_id"], ["key_types.id"], name=op.f("fk_key_data_key_type_id_key_types"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_data")),
    )
    op.create_index(
        op.f("ix_key_data_administration_id_holder_kind_holder_pms_id"),
        "key_data",
        ["administration_id", "holder_kind", "holder_pms_id"],
        unique=False,
    )
    op.create_table(
        "key_type_access",
        sa.Column("key_type_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_type_id"], ["key_types.id"], name=op.f("fk_key_type_access_key_type_id_key_types"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_type_id", "number", name=op.f("pk_key_type_access")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_type_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("wait_for_check_in", sa.Boolean(), nullable=False),
        sa.Column("deliver_to_guest", sa.Boolean(), nullable=False),
        sa.Column("delivery_days_before", sa.Integer(), nullable=False),
        sa.Column("fixed_start_time", sa.Time(), nullable=True),
        sa.Column("fixed_end_time", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_type_id"], ["key_types.id"], name=op.f("fk_products_key_type_id_key_types"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("key_type_id", "name", name=op.f("uq_products_key_type_id_name")),
    )
    op.create_table(
        "card_serials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_card_serials_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_serials")),
    )
    op.create_index(op.f("ix_card_serials_key_id"), "card_serials", ["key_id"], unique=False)
    op.create_table(
        "key_access",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_key_access_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_id", "number", name=op.f("pk_key_access")),
    )
    op.create_table(
        "key_rooms",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_key_rooms_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_id", "position", name=op.f("pk_key_rooms")),
    )
    op.create_index(op.f("ix_key_rooms_room"), "key_rooms", ["room"], unique=False)
    op.create_table(
        "mobile_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("command", sa.String(length=8), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_mobile_deliveries_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobile_deliveries")),
    )
    op.create_index(op.f("ix_mobile_deliveries_key_id"), "mobile_deliveries", ["key_id"], unique=False)
    op.create_table(
        "product_filters",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_filters_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", "kind", "value", name=op.f("pk_product_filters")),
    )


def downgrade() -> None:
    op.drop_table("product_filters")
    op.drop_index(op.f("ix_mobile_deliveries_key_id"), table_name="mobile_deliveries")
    op.drop_table("mobile_deliveries")
    op.drop_index(op.f("ix_key_rooms_room"), table_name="key_rooms")
    op.drop_table("key_rooms")
    op.drop_table("key_access")
    op.drop_index(op.f("ix_card_serials_key_id"), table_name="card_serials")
    op.drop_table("card_serials")
    op.drop_table("products")
    op.drop_table("key_type_access")
    op.drop_index(op.f("ix_key_data_administration_id_holder_kind_holder_pms_id"), table_name="key_data")
    op.drop_table("key_data")
    op.drop_table("key_types")
    op.drop_table("encoders")
    op.drop_table("door_names")
    op.drop_table("authorizations")
    op.drop_index(op.f("ix_audit_entries_started_at"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_desk_state"), table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("administrations")
