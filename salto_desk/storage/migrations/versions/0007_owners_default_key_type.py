"""The owners' default key type: the one +Key on an owner starts with (at most one per administration).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# Plain ALTER TABLEs, not batches: a batch rebuilds key_types on SQLite, dropping a table that key data,
# products and access rows refer to, which SQLite's foreign keys refuse.


def upgrade() -> None:
    op.add_column("key_types", sa.Column("owners_default", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("key_types", "owners_default")
