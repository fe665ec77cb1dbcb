"""Live handover: the lines a resident and a medewerker exchange (assistant/handover.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "live_messages" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "live_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(64), nullable=True),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("staff_name", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_live_messages_ticket_id", "live_messages", ["ticket_id"])
    op.create_index("ix_live_messages_owner_id", "live_messages", ["owner_id"])


def downgrade() -> None:
    op.drop_table("live_messages")
