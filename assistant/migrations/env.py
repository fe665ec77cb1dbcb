"""Alembic's environment: our models' metadata, on the connection ``migrate`` hands over."""

from __future__ import annotations

from alembic import context

from assistant.storage import Base


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Only our own tables: Rasa's tracker store may share the database."""
    return type_ != "table" or name in Base.metadata.tables or name == "alembic_version"


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  include_name=include_name, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
