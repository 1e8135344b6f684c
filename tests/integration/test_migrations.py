"""The Alembic migrations produce exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tgexchange.adapters.db.migrate import alembic_config, current_revision, upgrade
from tgexchange.adapters.db.tables import metadata
from tgexchange.bootstrap import Storage


def head(storage: Storage) -> str | None:
    config = alembic_config(storage.engine.url.render_as_string(hide_password=False))
    return ScriptDirectory.from_config(config).get_current_head()


def test_migrated_schema_matches_the_declared_tables(storage: Storage) -> None:
    with storage.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_reaches_head(storage: Storage) -> None:
    upgrade(storage.engine)
    upgrade(storage.engine)
    assert current_revision(storage.engine) == head(storage)


def test_downgrade_to_base_and_back_up_leaves_a_working_schema(storage: Storage) -> None:
    config = alembic_config(storage.engine.url.render_as_string(hide_password=False))
    with storage.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(storage.engine) is None
    upgrade(storage.engine)
    assert current_revision(storage.engine) == head(storage)
