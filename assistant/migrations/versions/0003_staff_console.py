"""Staff console: staff accounts, their sessions, login failures and audit log; team
schedules and closed days set in the console; what the console records per appointment.

Databases that create_all made with these models already have some of this: what exists is
kept, what is missing is made.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_APPOINTMENT_COLUMNS = (("topic", sa.String(64)), ("language", sa.String(16)),
                           ("attendance", sa.String(16)), ("cancelled_by", sa.String(254)))


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    if "staff_accounts" not in existing:
        _create_staff_tables()
    if "team_schedules" not in existing:
        _create_capacity_tables()
    columns = {column["name"] for column in inspector.get_columns("appointments")}
    with op.batch_alter_table("appointments") as batch_op:
        for name, kind in NEW_APPOINTMENT_COLUMNS:
            if name not in columns:
                batch_op.add_column(sa.Column(name, kind, nullable=True))


def _account_id() -> sa.ForeignKey:
    return sa.ForeignKey("staff_accounts.id", ondelete="CASCADE")


def _create_staff_tables() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=False),
        sa.Column("totp_enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("last_totp_counter", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "staff_team_members",
        sa.Column("account_id", sa.Integer(), _account_id(), primary_key=True),
        sa.Column("team_code", sa.String(64), primary_key=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer(), _account_id(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_staff_login_failures_key", "staff_login_failures", ["key"])
    op.create_index("ix_staff_login_failures_at", "staff_login_failures", ["at"])
    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("staff_accounts.id"),
                  nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("team_code", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_staff_audit_log_account_id", "staff_audit_log", ["account_id"])
    op.create_index("ix_staff_audit_log_at", "staff_audit_log", ["at"])


def _create_capacity_tables() -> None:
    op.create_table(
        "team_schedules",
        sa.Column("team_code", sa.String(64), primary_key=True),
        sa.Column("opening_hours", sa.Text(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
    )
    op.create_table(
        "team_closed_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_code", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(254), nullable=False),
        sa.UniqueConstraint("team_code", "day", name="uq_team_closed_day"),
    )


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        for name, _kind in reversed(NEW_APPOINTMENT_COLUMNS):
            batch_op.drop_column(name)
    for table in ("team_closed_days", "team_schedules", "staff_audit_log",
                  "staff_login_failures", "staff_sessions", "staff_team_members",
                  "staff_accounts"):
        op.drop_table(table)
