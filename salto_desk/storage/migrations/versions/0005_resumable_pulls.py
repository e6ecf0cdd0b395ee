"""Resumable reservation pulls, reservations waiting for their key data, and the sync's flags on keys.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_STATE_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("objects_complete_at", sa.DateTime()),
    ("pull_started", sa.DateTime()),
    ("pull_updated_since", sa.DateTime()),
    ("pull_departing_from", sa.Date()),
    ("pull_offset", sa.Integer()),
    ("paused_until", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("pms_sync_states") as batch:
        for name, kind in _STATE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("pms_reservations") as batch:
        batch.add_column(sa.Column("pending_keys", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_index(
            batch.f("ix_pms_reservations_administration_pms_id_pending_keys"),
            ["administration_pms_id", "pending_keys"],
        )
    op.create_table(
        "sync_key_flags",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["key_data.id"], name=op.f("fk_sync_key_flags_key_id_key_data"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_id", "code", name=op.f("pk_sync_key_flags")),
    )


def downgrade() -> None:
    op.drop_table("sync_key_flags")
    with op.batch_alter_table("pms_reservations") as batch:
        batch.drop_index(batch.f("ix_pms_reservations_administration_pms_id_pending_keys"))
        batch.drop_column("pending_keys")
    with op.batch_alter_table("pms_sync_states") as batch:
        for name, _kind in reversed(_STATE_COLUMNS):
            batch.drop_column(name)
