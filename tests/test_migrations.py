"""Alembic migrations of our tables, on an empty SQLite and an empty PostgreSQL database:
up to head and back, the models match the migrations (autogenerate finds nothing to do), and
databases that create_all made before migrations existed are adopted, their data kept."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from assistant.migrations import alembic_config, downgrade, migrate, migrate_database
from assistant.settings import ConfigError
from assistant.storage import Base, create_engine_for
from tests.conftest import throwaway_postgres_database
from tests.fakes import closed_port_url

NEWEST = ScriptDirectory.from_config(alembic_config()).get_current_head()
OUR_TABLES = {"appointments", "button_payloads", "turn_outcomes", "user_profiles",
              "staff_accounts", "staff_team_members", "staff_sessions", "staff_login_failures",
              "staff_audit_log", "team_schedules", "team_closed_days", "handover_requests",
              "live_messages", "callback_requests", "training_examples",
              "offered_buttons", "employer_leads", "resident_feedback"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A database with nothing in it: a new SQLite file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with throwaway_postgres_database("migrations") as url:
        engine = create_engine_for(url)
        yield engine
        engine.dispose()


def differences(engine: Engine) -> list:
    """What autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_up_to_head_and_back_and_the_models_match(empty_engine: Engine) -> None:
    migrate(empty_engine)
    assert tables(empty_engine) == OUR_TABLES | {"alembic_version"}
    assert differences(empty_engine) == []

    downgrade(empty_engine, "0001")
    assert "turn_outcomes" not in tables(empty_engine) and revision(empty_engine) == "0001"
    assert {diff[0] for diff in differences(empty_engine)} >= {"add_table", "add_index"}
    downgrade(empty_engine, "base")
    assert tables(empty_engine) == {"alembic_version"} and revision(empty_engine) is None

    migrate(empty_engine)
    migrate(empty_engine)  # again: nothing to do
    assert revision(empty_engine) == NEWEST and differences(empty_engine) == []


def test_a_database_made_by_create_all_before_migrations_is_adopted(empty_engine: Engine) -> None:
    """The old schema with the data the double-booking bug left: kept, the copy cancelled."""
    migrate(empty_engine)
    downgrade(empty_engine, "0001")
    with empty_engine.begin() as connection:  # as create_all left it: no version table
        connection.execute(text("DROP TABLE alembic_version"))
        for number, reference in enumerate(["AAA-AAA", "BBB-BBB"], start=1):
            connection.execute(text(
                "INSERT INTO appointments (reference, owner_id, team_code, starts_at, ends_at,"
                " seat, location, created_at) VALUES (:reference, 'web:x', 'klantmanager',"
                " :start, :end, :seat, 'Beilen', :start)"),
                {"reference": reference, "seat": number, "start": datetime(2026, 12, 1, 8),
                 "end": datetime(2026, 12, 1, 8, 30)})
        connection.execute(text(
            "INSERT INTO user_profiles (sender_id, channel, language, created_at, updated_at)"
            " VALUES ('web:x', 'web', 'ti', :now, :now)"), {"now": datetime(2026, 12, 1)})

    migrate(empty_engine)

    assert revision(empty_engine) == NEWEST and differences(empty_engine) == []
    with empty_engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT reference FROM appointments WHERE cancelled_at IS NULL")).scalars().all()
        language = connection.execute(text("SELECT language FROM user_profiles")).scalar()
    assert kept == ["AAA-AAA"] and language == "ti"


def test_a_database_made_by_create_all_with_todays_models_is_adopted(
        empty_engine: Engine) -> None:
    Base.metadata.create_all(empty_engine)
    migrate(empty_engine)
    assert revision(empty_engine) == NEWEST and differences(empty_engine) == []


def test_the_launcher_migrates_before_serving_or_says_why_it_cannot(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    migrate_database(url)
    assert revision(create_engine_for(url)) == NEWEST

    with pytest.raises(ConfigError, match="cannot be reached"):
        migrate_database(f"postgresql://postgres@{closed_port_url().split('//')[1]}/test")


def _migrate_when_all_are_ready(url: str, ready) -> None:  # in another process
    ready.wait()
    migrate(create_engine_for(url))


def test_workers_starting_together_on_a_new_sqlite_database_all_start(tmp_path) -> None:
    """Two Rasa workers starting on a new database: one migrating, the other's first
    connection (its WAL pragma) failed with "database is locked" and it stopped."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(PROCESSES)
    workers = [context.Process(target=_migrate_when_all_are_ready, args=(url, ready))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert revision(create_engine_for(url)) == NEWEST


PROCESSES = 6
