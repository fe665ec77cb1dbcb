"""Handover queue: residents' requests for a person, per team (the database queue of
assistant/handover.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "handover_requests" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "handover_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("team_code", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("collected", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("taken_by", sa.String(254), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_handover_requests_owner_id", "handover_requests", ["owner_id"])
    op.create_index("ix_handover_requests_team_code", "handover_requests", ["team_code"])
    op.create_index("ix_handover_requests_requested_at", "handover_requests",
                    ["requested_at"])


def downgrade() -> None:
    op.drop_table("handover_requests")
