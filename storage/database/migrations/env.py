"""Alembic environment, configured in code by storage.database.schema (no alembic.ini).

storage.database.schema hands over an open connection in `config.attributes["connection"]` (one
transaction for the whole upgrade; on SQLite a real one, so a failed upgrade changes nothing);
with only `sqlalchemy.url` set, a connection is opened here the same way. Batch mode on SQLite,
so changes SQLite's ALTER TABLE cannot make become a table copy.
"""

import warnings

from alembic import context
from sqlmodel import SQLModel

from storage.database import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.database.schema import EXPRESSION_INDEX_WARNING, include_name, migration_engine

config = context.config
target_metadata = SQLModel.metadata


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
        include_name=include_name,
    )
    with context.begin_transaction(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=EXPRESSION_INDEX_WARNING)
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "storage.database.schema.alembic_config sets the URL when it passes no connection"
    engine = migration_engine(url)
    with engine.connect() as connection:
        run_on(connection)
        connection.commit()
    engine.dispose()
