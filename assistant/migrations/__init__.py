"""Schema changes of our own tables as Alembic migrations (``versions/``).

``migrate`` brings a database to the newest schema before anything serves: the launcher
calls it, and so does ``get_engine`` the first time a process opens a database. A database
that ``create_all`` made before migrations existed is adopted (stamped at the baseline), not
rebuilt. Only one process migrates at a time (a PostgreSQL advisory lock, a lock file next to
a SQLite database); the others then find it done.

A new change: edit the models in ``assistant/storage.py``, then
``.venv/bin/python -m assistant.migrations revision "what changed"`` writes the migration
(autogenerate); check it, and ``tests/test_migrations.py`` proves it matches the models.
"""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from assistant.privacy.files import owner_only_file

MIGRATIONS_DIR = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema create_all made before there were migrations
HEAD = "head"
_ADVISORY_LOCK = 0x61737369  # any constant shared by every process of this assistant


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the database of ``engine`` to the newest schema (adopting a create_all one)."""
    _run(engine, lambda config: command.upgrade(config, HEAD))


def downgrade(engine: Engine, revision: str) -> None:
    """Back to ``revision`` ("base": none of our tables). For tests and a rollback."""
    _run(engine, lambda config: command.downgrade(config, revision))


def _run(engine: Engine, step: Callable[[Config], None]) -> None:
    # SQLite: the file lock before the first connection, whose pragmas (WAL) need a write
    # lock: two workers starting on a new database, one migrating, the other's connection
    # failed with "database is locked" and that Rasa worker stopped during start-up.
    with _only_one_migrating_sqlite(engine), engine.connect() as connection, \
            _only_one_migrating_postgresql(engine, connection):
        config = alembic_config(connection)
        if _made_by_create_all(connection):
            command.stamp(config, BASELINE)
            connection.commit()
        step(config)
        connection.commit()


def _made_by_create_all(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return "appointments" in tables and "alembic_version" not in tables


@contextmanager
def _only_one_migrating_postgresql(engine: Engine, connection: Connection) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_LOCK})
    connection.commit()
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK})
        connection.commit()


@contextmanager
def _only_one_migrating_sqlite(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with owner_only_file(f"{database}.migrate-lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def main(arguments: list[str]) -> int:
    """usage: python -m assistant.migrations upgrade | downgrade REVISION | revision MESSAGE"""
    from assistant.settings import get_settings
    from assistant.storage import create_engine_for

    engine = create_engine_for(get_settings().database_url)
    if arguments[:1] == ["revision"] and len(arguments) == 2:
        number = len(list((MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))) + 1
        with engine.connect() as connection:
            command.revision(alembic_config(connection), message=arguments[1],
                             autogenerate=True, rev_id=f"{number:04d}")
        return 0
    if arguments == ["upgrade"]:
        migrate(engine)
        return 0
    if arguments[:1] == ["downgrade"] and len(arguments) == 2:
        downgrade(engine, arguments[1])
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


def migrate_database(database_url: str) -> None:
    """What the launcher runs before it serves: the schema up to date, or a clear refusal."""
    from assistant.settings import ConfigError
    from assistant.storage import DATABASE_UNAVAILABLE, get_engine

    try:
        get_engine(database_url)  # migrates on first use
    except DATABASE_UNAVAILABLE as error:
        where = database_url.split("@")[-1]
        raise ConfigError(f"the database {where} cannot be reached ({error.orig}); "
                          "start it, or set DATABASE_URL") from error
