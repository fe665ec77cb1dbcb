"""Exactly once: turn outcomes (idempotency keys), one person per slot, button expiry.

Databases that create_all made while these models already existed have some of this
(adopted at the baseline): what exists is kept, what is missing is made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("cancelled_at IS NULL")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "turn_outcomes" not in inspector.get_table_names():
        op.create_table(
            "turn_outcomes",
            sa.Column("turn_id", sa.String(64), primary_key=True),
            sa.Column("owner_id", sa.String(128), nullable=False),
            sa.Column("operation", sa.String(16), nullable=False),
            sa.Column("reference", sa.String(16), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
        )
        op.create_index("ix_turn_outcomes_owner_id", "turn_outcomes", ["owner_id"])
    if "uq_active_appointment_owner_slot" not in _indexes(inspector, "appointments"):
        _cancel_second_holdings_of_one_slot()
        op.create_index("uq_active_appointment_owner_slot", "appointments",
                        ["owner_id", "team_code", "starts_at"], unique=True,
                        sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    if "ix_button_payloads_created_at" not in _indexes(inspector, "button_payloads"):
        op.create_index("ix_button_payloads_created_at", "button_payloads", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_button_payloads_created_at", table_name="button_payloads")
    op.drop_index("uq_active_appointment_owner_slot", table_name="appointments")
    op.drop_index("ix_turn_outcomes_owner_id", table_name="turn_outcomes")
    op.drop_table("turn_outcomes")


def _indexes(inspector: sa.engine.Inspector, table: str) -> set[str]:
    return {index["name"] for index in inspector.get_indexes(table)}


def _cancel_second_holdings_of_one_slot() -> None:
    """Before the rule existed a retried "ja" could book one person's slot twice: keep the
    first booking, cancel the copies (the person sees one appointment, as they asked)."""
    op.execute(sa.text(
        "UPDATE appointments SET cancelled_at = CURRENT_TIMESTAMP "
        "WHERE cancelled_at IS NULL AND id NOT IN ("
        " SELECT MIN(id) FROM appointments WHERE cancelled_at IS NULL"
        " GROUP BY owner_id, team_code, starts_at)"))
