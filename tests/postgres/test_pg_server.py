"""The PostgreSQL the tests run against: a real server, a fresh database per test."""

from __future__ import annotations

import psycopg
from tidewire.store_pg.scratch import Server


def test_each_test_gets_an_empty_database_of_its_own_on_a_real_server(pg_server: Server, pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        name = conn.execute("SELECT current_database()").fetchone()
    assert version is not None and int(version[0]) >= 150000
    assert tables == (0,)
    assert name is not None and name[0] != "postgres"
    with psycopg.connect(pg_server.admin_dsn) as admin:
        found = admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name[0],)).fetchone()
    assert found == (1,)


def test_a_created_database_is_gone_once_dropped(pg_server: Server) -> None:
    dsn = pg_server.create_database("probe")
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.commit()
    pg_server.drop_database(dsn)
    name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
    with psycopg.connect(pg_server.admin_dsn) as admin:
        found = admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()
    assert found == (0,)
