"""Appointments count their moves (``revision``): the SEQUENCE of their calendar event, so a
moved or cancelled appointment's .ics replaces the event a calendar already has.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("appointments")}
    if "revision" in columns:
        return  # made by create_all with today's models
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("revision")
