"""One SQL text for both backends: the domain's statements use SQLite's ``?`` placeholders, and
PostgreSQL transactions run them through ``PortableConn``, which rewrites them for psycopg.

psycopg has no ``?`` or ``:name`` paramstyle (only ``%s`` / ``%(name)s``), and it reads every ``%``
in a query with parameters as the start of a placeholder, inside string literals too. So the
rewrite turns ``?`` outside quoted text and comments into ``%s``, SQLite's named ``:name`` into
``%(name)s`` (the services pass a dict of row values to the wide upserts), and every literal ``%``
into ``%%``. It is
hand-written because no library offers the conversion on its own: SQLAlchemy would (through its
``text()`` constructs), at the per-statement cost docs/architecture.md measures. Each distinct
statement text is rewritten once and cached.

The portable subset this supports: standard single-quoted strings (``''`` inside), double-quoted
identifiers, ``--`` and ``/* */`` comments. PostgreSQL's ``E'...'`` escapes, dollar quoting and
``?``-named jsonb operators are not portable SQL and are not used by the domain code; a ``::``
cast is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from psycopg import Cursor
from psycopg.rows import TupleRow

from .connect import Conn

# SQLite's named parameter: a colon and an identifier (its ``@name`` and ``$name`` are not used).
_NAMED = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def _ends_word(sql: str, i: int) -> bool:
    """Whether the character before ``i`` ends a word, so a colon there is no parameter's."""
    return i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")


@lru_cache(maxsize=2048)
def to_psycopg(sql: str) -> str:
    """``sql`` with ``?`` placeholders as ``%s``, ``:name`` as ``%(name)s`` and literal ``%`` as ``%%``."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # a doubled quote stays inside
                        end += 2
                        continue
                    break
                end += 1
            if end >= n:
                raise ValueError(f"unterminated quoted text in SQL: {sql!r}")
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"unterminated comment in SQL: {sql!r}")
            out.append(sql[i : end + 2].replace("%", "%%"))
            i = end + 2
        elif ch == "?":
            out.append("%s")
            i += 1
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and (named := _NAMED.match(sql, i)) is not None and not _ends_word(sql, i):
            out.append(f"%({named.group(1)})s")
            i = named.end()
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class PortableConn:
    """The DB-API surface the domain code uses (``execute``, ``executemany``), over psycopg."""

    def __init__(self, conn: Conn) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor[TupleRow]:
        # Always with parameters, even none: psycopg only turns `%%` back into `%` when it
        # parses the query for parameters.
        args = dict(params) if isinstance(params, Mapping) else tuple(params)
        return self.raw.execute(to_psycopg(sql), args)

    def executemany(self, sql: str, seq_of_params: Iterable[Sequence[Any]]) -> Cursor[TupleRow]:
        cur = self.raw.cursor()
        cur.executemany(to_psycopg(sql), [tuple(p) for p in seq_of_params])
        return cur
