"""The Alembic migrations produce exactly the schema the code declares, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import postgres_admin_url
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import alembic_config, current_revision, head_revision, upgrade
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


@pytest.mark.postgres
@pytest.mark.slow
def test_processes_starting_together_on_a_fresh_postgresql_all_migrate(tmp_path: Path) -> None:
    admin_url = postgres_admin_url()
    assert admin_url is not None
    name = f"tgx_race_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "TGEXCHANGE_DATA_DIR": str(tmp_path)}
    try:
        # Three workers starting at once, each migrating as it starts (as `tgexchange migrate` does).
        starting = [
            subprocess.Popen([sys.executable, "-m", "tgexchange.cli", "migrate"], env=env, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        errors = [process.communicate(timeout=120)[1].decode() for process in starting]
        assert [process.returncode for process in starting] == [0, 0, 0], errors
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
