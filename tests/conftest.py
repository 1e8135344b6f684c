"""Shared fixtures: real storage on SQLite files and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fakes import FakeClock, FakePlatform
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.bootstrap import Storage, storage_on

POSTGRES_URL_ENV = "TGEXCHANGE_TEST_POSTGRES_URL"


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(_sqlite_url(path))
    upgrade(engine)
    engine.dispose()
    with closing(sqlite3.connect(path)) as connection:  # fold the WAL into the file we copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def sqlite_storage(tmp_path: Path, sqlite_template: Path) -> Iterator[Storage]:
    path = tmp_path / "tgexchange.db"
    shutil.copy(sqlite_template, path)
    storage = storage_on(make_engine(_sqlite_url(path)))
    yield storage
    storage.dispose()


def postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_URL_ENV} must point at a PostgreSQL server in CI")
        pytest.skip(f"set {POSTGRES_URL_ENV} to run PostgreSQL tests")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated database on the test server for this session (one per xdist worker)."""
    admin_url = postgres_admin_url()
    assert admin_url is not None
    name = f"tgx_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def postgres_storage(postgres_url: str) -> Iterator[Storage]:
    engine = make_engine(postgres_url)
    names = ", ".join(t.name for t in tables.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    storage = storage_on(engine)
    yield storage
    storage.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Each storage test runs on a SQLite file and on PostgreSQL."""
    fixture = "sqlite_storage" if request.param == "sqlite" else "postgres_storage"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def world(sqlite_storage: Storage, clock: FakeClock, platform: FakePlatform) -> World:
    """The exchange on a SQLite file, for use-case tests."""
    return World(sqlite_storage, clock, platform)


@pytest.fixture
def any_world(storage: Storage, clock: FakeClock, platform: FakePlatform) -> World:
    """The exchange on SQLite and on PostgreSQL, for storage tests."""
    return World(storage, clock, platform)
