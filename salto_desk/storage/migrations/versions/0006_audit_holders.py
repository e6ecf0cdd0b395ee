"""Whose key each audit row is about (holder kind and PMS id), so a booking's history outlives its key data.

Rows of keys that still exist get their holder from the key; rows of keys deleted before this version
keep an empty holder (nothing left says whose they were).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_INDEX = "ix_audit_entries_administration_holder_kind_holder_pms_id"


def upgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("holder_kind", sa.String(length=16), server_default="", nullable=False))
        batch.add_column(sa.Column("holder_pms_id", sa.String(length=64), server_default="", nullable=False))
        batch.create_index(_INDEX, ["administration", "holder_kind", "holder_pms_id"])
    audit = sa.table("audit_entries", sa.column("key_id"), sa.column("holder_kind"), sa.column("holder_pms_id"))
    keys = sa.table("key_data", sa.column("id"), sa.column("holder_kind"), sa.column("holder_pms_id"))
    of_key = sa.select(keys.c.holder_kind).where(keys.c.id == audit.c.key_id).scalar_subquery()
    pms_id_of_key = sa.select(keys.c.holder_pms_id).where(keys.c.id == audit.c.key_id).scalar_subquery()
    op.execute(
        audit.update()
        .where(sa.exists().where(keys.c.id == audit.c.key_id))
        .values(holder_kind=of_key, holder_pms_id=pms_id_of_key)
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_index(_INDEX)
        batch.drop_column("holder_pms_id")
        batch.drop_column("holder_kind")
