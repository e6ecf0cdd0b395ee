"""Key data of reservations deleted at the desk, which the sync must never make again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_desk_deletions",
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("reservation_pms_id", sa.String(length=64), nullable=False),
        sa.Column("key_type_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_sync_desk_deletions_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_type_id"],
            ["key_types.id"],
            name=op.f("fk_sync_desk_deletions_key_type_id_key_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "administration_id", "reservation_pms_id", "key_type_id", name=op.f("pk_sync_desk_deletions")
        ),
    )


def downgrade() -> None:
    op.drop_table("sync_desk_deletions")
