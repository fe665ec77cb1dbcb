"""Call-back requests: a resident outside opening hours leaves a phone number and a moment,
a task for the team (assistant/callbacks.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "callback_requests" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("team_code", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("moment", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(254), nullable=True),
    )
    op.create_index("ix_callback_requests_owner_id", "callback_requests", ["owner_id"])
    op.create_index("ix_callback_requests_team_code", "callback_requests", ["team_code"])
    op.create_index("ix_callback_requests_requested_at", "callback_requests",
                    ["requested_at"])


def downgrade() -> None:
    op.drop_table("callback_requests")
