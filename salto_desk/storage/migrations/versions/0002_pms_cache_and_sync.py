"""Desk-wide settings, the cache of BEX data, and the sync's key links and outbox.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _administration_and_id() -> list[sa.Column[str]]:
    return [
        sa.Column("administration_pms_id", sa.String(length=64), nullable=False),
        sa.Column("pms_id", sa.String(length=64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )
    op.create_table(
        "pms_sync_states",
        sa.Column("administration_pms_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("offline_since", sa.DateTime(), nullable=True),
        sa.Column("reservations_until", sa.DateTime(), nullable=True),
        sa.Column("objects_until", sa.DateTime(), nullable=True),
        sa.Column("configuration", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("administration_pms_id", name=op.f("pk_pms_sync_states")),
    )
    op.create_table(
        "pms_objects",
        *_administration_and_id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("rentable_type_id", sa.String(length=64), nullable=True),
        sa.Column("rentable_identity_id", sa.String(length=64), nullable=True),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("administration_pms_id", "pms_id", name=op.f("pk_pms_objects")),
    )
    op.create_table(
        "pms_rentable_types",
        *_administration_and_id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("administration_pms_id", "pms_id", name=op.f("pk_pms_rentable_types")),
    )
    op.create_table(
        "pms_catalogue",
        sa.Column("administration_pms_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("pms_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("administration_pms_id", "kind", "pms_id", name=op.f("pk_pms_catalogue")),
    )
    op.create_table(
        "pms_reservations",
        *_administration_and_id(),
        sa.Column("booking_nr", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("checked_in_on", sa.Date(), nullable=True),
        sa.Column("checked_out_on", sa.Date(), nullable=True),
        sa.Column("guest_name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("object_pms_id", sa.String(length=64), nullable=True),
        sa.Column("rentable_type_id", sa.String(length=64), nullable=True),
        sa.Column("extras", sa.Text(), nullable=False),
        sa.Column("costs", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("administration_pms_id", "pms_id", name=op.f("pk_pms_reservations")),
    )
    op.create_index(
        op.f("ix_pms_reservations_administration_pms_id_start_date"),
        "pms_reservations",
        ["administration_pms_id", "start_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pms_reservations_administration_pms_id_end_date"),
        "pms_reservations",
        ["administration_pms_id", "end_date"],
        unique=False,
    )
    op.create_table(
        "pms_owners",
        *_administration_and_id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("administration_pms_id", "pms_id", name=op.f("pk_pms_owners")),
    )
    op.create_table(
        "pms_agreements",
        *_administration_and_id(),
        sa.Column("owner_pms_id", sa.String(length=64), nullable=False),
        sa.Column("rentable_identity_id", sa.String(length=64), nullable=True),
        sa.Column("inventory_object_id", sa.String(length=64), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("administration_pms_id", "pms_id", name=op.f("pk_pms_agreements")),
    )
    op.create_index(
        op.f("ix_pms_agreements_administration_pms_id_owner_pms_id"),
        "pms_agreements",
        ["administration_pms_id", "owner_pms_id"],
        unique=False,
    )
    op.create_table(
        "sync_keys",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("holder_label", sa.String(length=200), nullable=False),
        sa.Column("rooms", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_sync_keys_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sync_keys_product_id_products"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_sync_keys")),
    )
    op.create_index(op.f("ix_sync_keys_product_id"), "sync_keys", ["product_id"], unique=False)
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_sync_outbox_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_sync_outbox_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("key_id", "action", name=op.f("uq_sync_outbox_key_id_action")),
    )
    op.create_index(op.f("ix_sync_outbox_administration_id"), "sync_outbox", ["administration_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_outbox_administration_id"), table_name="sync_outbox")
    op.drop_table("sync_outbox")
    op.drop_index(op.f("ix_sync_keys_product_id"), table_name="sync_keys")
    op.drop_table("sync_keys")
    op.drop_index(op.f("ix_pms_agreements_administration_pms_id_owner_pms_id"), table_name="pms_agreements")
    op.drop_table("pms_agreements")
    op.drop_table("pms_owners")
    op.drop_index(op.f("ix_pms_reservations_administration_pms_id_end_date"), table_name="pms_reservations")
    op.drop_index(op.f("ix_pms_reservations_administration_pms_id_start_date"), table_name="pms_reservations")
    op.drop_table("pms_reservations")
    op.drop_table("pms_catalogue")
    op.drop_table("pms_rentable_types")
    op.drop_table("pms_objects")
    op.drop_table("pms_sync_states")
    op.drop_table("settings")
