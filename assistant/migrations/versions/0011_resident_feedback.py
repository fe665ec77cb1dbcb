"""Residents' feedback on answers (assistant/feedback.py), and why a handover request closed
without a medewerker (nobody took it in time: a call-back was offered).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "closed_reason" not in {column["name"]
                               for column in inspector.get_columns("handover_requests")}:
        with op.batch_alter_table("handover_requests") as batch:
            batch.add_column(sa.Column("closed_reason", sa.String(16), nullable=True))
    if "resident_feedback" in inspector.get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "resident_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.String(32), nullable=False, unique=True),
        sa.Column("owner_id", sa.String(128), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(96), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("given_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_resident_feedback_owner_id", "resident_feedback", ["owner_id"])
    op.create_index("ix_resident_feedback_given_at", "resident_feedback", ["given_at"])


def downgrade() -> None:
    op.drop_table("resident_feedback")
    with op.batch_alter_table("handover_requests") as batch:
        batch.drop_column("closed_reason")
