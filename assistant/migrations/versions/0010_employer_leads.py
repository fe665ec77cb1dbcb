"""Employer leads for the werkgeversservicepunt (assistant/leads.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "employer_leads" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all with today's models
    op.create_table(
        "employer_leads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("fits", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(254), nullable=True),
    )
    op.create_index("ix_employer_leads_owner_id", "employer_leads", ["owner_id"])
    op.create_index("ix_employer_leads_created_at", "employer_leads", ["created_at"])


def downgrade() -> None:
    op.drop_table("employer_leads")
