"""A libpq connection string as the `postgresql://` URL `tidewire serve --store` takes."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from psycopg.conninfo import conninfo_to_dict

_IN_URL = ("user", "password", "host", "port", "dbname")


def pg_url(dsn: str) -> str:
    if dsn.startswith(("postgresql://", "postgres://")):
        return dsn
    parts = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    user = quote(parts.get("user", ""), safe="")
    if "password" in parts:
        user += ":" + quote(parts["password"], safe="")
    auth = f"{user}@" if user else ""
    host = parts.get("host", "")
    # A Unix socket directory goes in the query: it cannot be the URL's host.
    query = {k: v for k, v in parts.items() if k not in _IN_URL}
    if host.startswith("/"):
        query["host"] = host
        host = ""
    port = f":{parts['port']}" if "port" in parts and host else ""
    if "port" in parts and not host:
        query["port"] = parts["port"]
    tail = f"?{urlencode(query)}" if query else ""
    return f"postgresql://{auth}{host}{port}/{quote(parts.get('dbname', ''), safe='')}{tail}"
