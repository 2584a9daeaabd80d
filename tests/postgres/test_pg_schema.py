"""Both backends' migrations describe one schema: the same numbered files, tables, columns, keys,
named indexes and JSON checks. DDL is written once per backend (docs/architecture.md, "One code
path"); this is what keeps the two in step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from tidewire.store.migrations import MIGRATIONS_DIR as SQLITE_DIR
from tidewire.store.migrations import discover
from tidewire.store.migrations import migrate as migrate_sqlite
from tidewire.store_pg.migrations import MIGRATIONS_DIR as PG_DIR
from tidewire.store_pg.migrations import migrate as migrate_pg

NOW = "2026-01-01T00:00:00.000Z"

# What only one backend has, on purpose: PostgreSQL's counter row (the log's head), and the
# explicit `rowid` standing for SQLite's implicit one where the domain SQL orders by it.
PG_ONLY_TABLES = {"log_head"}
PG_ONLY_COLUMNS = {("tasks", "rowid"), ("worktrees", "rowid")}

_FAMILY = {
    "text": "text",
    "integer": "integer",
    "bigint": "integer",
    "smallint": "integer",
    "real": "real",
    "double precision": "real",
    "blob": "blob",
    "bytea": "blob",
}

Column = tuple[str, bool, bool]  # (type family, not null, part of the primary key)


def _sqlite_schema(path: Path) -> tuple[dict[str, dict[str, Column]], set[str]]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate_sqlite(conn, NOW)
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        schema: dict[str, dict[str, Column]] = {}
        for table in tables:
            schema[table] = {
                str(name): (_FAMILY[str(kind).lower()], bool(notnull) or pk > 0, pk > 0)
                for _cid, name, kind, notnull, _default, pk in conn.execute(f"PRAGMA table_info({table})")
            }
        indexes = {
            str(r[0])
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        }
        for table, column in PG_ONLY_COLUMNS:
            # Each stand-in's SQLite original exists: the table keeps its implicit rowid.
            conn.execute(f"SELECT {column} FROM {table}").fetchall()
    finally:
        conn.close()
    return schema, indexes


def _pg_schema(dsn: str) -> tuple[dict[str, dict[str, Column]], set[str]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        migrate_pg(conn, NOW)
        keys = {
            (str(t), str(c))
            for t, c in conn.execute(
                """SELECT k.table_name, k.column_name FROM information_schema.key_column_usage k
                   JOIN information_schema.table_constraints c USING (constraint_schema, constraint_name)
                   WHERE c.constraint_type = 'PRIMARY KEY' AND k.table_schema = 'public'"""
            )
        }
        schema: dict[str, dict[str, Column]] = {}
        for table, column, kind, nullable in conn.execute(
            """SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
               WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""
        ):
            schema.setdefault(str(table), {})[str(column)] = (
                _FAMILY[str(kind)],
                nullable == "NO",
                (str(table), str(column)) in keys,
            )
        # Named indexes only: those backing a primary key or UNIQUE column are SQLite's autoindexes.
        indexes = {
            str(r[0])
            for r in conn.execute(
                """SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS
                   (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""
            )
        }
    return schema, indexes


def test_both_backends_have_the_same_numbered_migrations() -> None:
    sqlite = [(m.version, m.name) for m in discover(SQLITE_DIR)]
    pg = [(m.version, m.name) for m in discover(PG_DIR)]
    assert pg == sqlite


def test_both_backends_migrate_to_the_same_tables_columns_keys_and_indexes(
    tmp_path: Path, pg_dsn: str
) -> None:
    sqlite, sqlite_indexes = _sqlite_schema(tmp_path / "db.sqlite")
    pg, pg_indexes = _pg_schema(pg_dsn)
    assert set(pg) - set(sqlite) == PG_ONLY_TABLES
    assert set(sqlite) - set(pg) == set()
    for table, columns in sqlite.items():
        extra = {c for t, c in PG_ONLY_COLUMNS if t == table}
        pg_columns = {name: col for name, col in pg[table].items() if name not in extra}
        assert pg_columns == columns, table
        assert set(pg[table]) - set(columns) == extra, table
    assert pg_indexes == sqlite_indexes


@pytest.mark.parametrize(
    ("sql", "value"),
    [
        ("INSERT INTO mcp_servers (name, transport, url, args, created_at) VALUES (?, ?, ?, ?, ?)", "[1,"),
        ("INSERT INTO mcp_servers (name, transport, url, args, created_at) VALUES (?, ?, ?, ?, ?)", ""),
    ],
)
def test_a_json_column_refuses_text_that_is_not_json_as_a_constraint_on_both(
    tmp_path: Path, pg_dsn: str, sql: str, value: str
) -> None:
    params = ("s", "streamable_http", "http://x", value, NOW)
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    try:
        migrate_sqlite(conn, NOW)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(sql, params)
    finally:
        conn.close()
    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        migrate_pg(pg, NOW)
        with pytest.raises(psycopg.errors.CheckViolation):
            pg.execute(sql.replace("?", "%s"), params)


def test_labels_must_be_a_json_array_on_both(tmp_path: Path, pg_dsn: str) -> None:
    sql = (
        "INSERT INTO tasks (id, title, status, priority, labels, created_at, updated_at)"
        " VALUES (?, 't', 'open', 2, ?, ?, ?)"
    )
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    try:
        migrate_sqlite(conn, NOW)
        conn.execute(sql, ("a", '["x"]', NOW, NOW))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql, ("b", '{"x": 1}', NOW, NOW))
    finally:
        conn.close()
    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        migrate_pg(pg, NOW)
        pg.execute(sql.replace("?", "%s"), ("a", '["x"]', NOW, NOW))
        with pytest.raises(psycopg.errors.CheckViolation):
            pg.execute(sql.replace("?", "%s"), ("b", '{"x": 1}', NOW, NOW))
