"""The rewrite that lets the domain's SQL (``?`` placeholders) run on psycopg: pure, no server."""

from __future__ import annotations

import pytest
from tidewire.store_pg.portable import to_psycopg


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        # A literal % is doubled everywhere: psycopg reads % as a placeholder inside literals too.
        ("SELECT 1 WHERE p LIKE '%.jsonl' AND x > ?", "SELECT 1 WHERE p LIKE '%%.jsonl' AND x > %s"),
        ("SELECT a % ? FROM t", "SELECT a %% %s FROM t"),
        # A ? inside quoted text, identifiers or comments is not a placeholder.
        ("SELECT '?', \"odd?col\" FROM t WHERE a = ?", "SELECT '?', \"odd?col\" FROM t WHERE a = %s"),
        ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
        ("SELECT ? -- why? 100%\n, ?", "SELECT %s -- why? 100%%\n, %s"),
        ("SELECT /* ? */ ?", "SELECT /* ? */ %s"),
        ("UPDATE t SET a = excluded.a", "UPDATE t SET a = excluded.a"),
        # SQLite's named parameters, as the wide upserts use them; a cast and quoted text are not.
        ("VALUES (:id, :started_at, 'running')", "VALUES (%(id)s, %(started_at)s, 'running')"),
        ("SELECT x::text, ':no' FROM t WHERE a = :a", "SELECT x::text, ':no' FROM t WHERE a = %(a)s"),
        ("SELECT a:b FROM t", "SELECT a:b FROM t"),
        ("", ""),
    ],
)
def test_placeholders_become_psycopg_ones_outside_quotes_and_comments(sql: str, expected: str) -> None:
    assert to_psycopg(sql) == expected


@pytest.mark.parametrize("sql", ["SELECT 'open", 'SELECT "open', "SELECT 1 /* open"])
def test_unterminated_quotes_and_comments_are_refused_with_the_statement(sql: str) -> None:
    with pytest.raises(ValueError, match="unterminated"):
        to_psycopg(sql)
