"""Alembic environment. rca runs it in-process (rca.db.Database.upgrade), passing
its own connection; `alembic -c migrations/alembic.ini` works for developers too."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from rca.models import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.begin() as new_connection:
        run_with(new_connection)
