"""Several desks on one database: leases, the SALTO endpoint queue and the change counters.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TOPICS = ("keys", "config", "pms")


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("desk", sa.String(length=255), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    op.create_table(
        "endpoint_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=255), nullable=False),
        sa.Column("desk", sa.String(length=255), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endpoint_queue")),
        sa.UniqueConstraint("token", name=op.f("uq_endpoint_queue_token")),
    )
    op.create_index(op.f("ix_endpoint_queue_endpoint_id"), "endpoint_queue", ["endpoint", "id"], unique=False)
    counters = op.create_table(
        "change_counters",
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_change_counters")),
    )
    op.bulk_insert(counters, [{"topic": topic, "version": 0, "changed_at": None} for topic in TOPICS])


def downgrade() -> None:
    op.drop_table("change_counters")
    op.drop_index(op.f("ix_endpoint_queue_endpoint_id"), table_name="endpoint_queue")
    op.drop_table("endpoint_queue")
    op.drop_table("leases")
