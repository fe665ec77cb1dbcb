"""The buttons each conversation was shown, shared by every gateway (only those are forwarded).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "offered_buttons" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "offered_buttons",
        sa.Column("sender_id", sa.String(128), primary_key=True),
        sa.Column("payload_hash", sa.String(64), primary_key=True),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_offered_buttons_offered_at", "offered_buttons", ["offered_at"])


def downgrade() -> None:
    op.drop_index("ix_offered_buttons_offered_at", table_name="offered_buttons")
    op.drop_table("offered_buttons")
