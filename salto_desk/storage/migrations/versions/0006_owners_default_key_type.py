"""The owners' default key type: the one +Key on an owner starts with (at most one per administration).

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


def upgrade() -> None:
    with op.batch_alter_table("key_types") as batch:
        batch.add_column(sa.Column("owners_default", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("key_types") as batch:
        batch.drop_column("owners_default")
