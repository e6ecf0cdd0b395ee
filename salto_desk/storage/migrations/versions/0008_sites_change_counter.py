"""The ``sites`` change counter: it moves only with administrations, objects, object types and door names,
so a search can keep those in memory and ask the database for one number instead of four tables.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COUNTERS = sa.table(
    "change_counters", sa.column("topic", sa.String), sa.column("version", sa.Integer), sa.column("changed_at")
)


def upgrade() -> None:
    op.bulk_insert(_COUNTERS, [{"topic": "sites", "version": 0, "changed_at": None}])


def downgrade() -> None:
    op.execute(_COUNTERS.delete().where(_COUNTERS.c.topic == "sites"))
