"""The built web UI from ``web/dist`` with an SPA fallback, or a hint page when it is not built."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tidewire</title></head>
<body><h1>Tidewire is running</h1>
<p>The web dashboard has not been built. Run <code>make setup</code> in the repository, then reload.</p>
<p>REST: <a href="/docs">/docs</a> &middot; health: <a href="/api/health">/api/health</a></p>
</body></html>
"""


# First path segments that belong to the server, never to client routes.
SERVER_PREFIXES = frozenset({"api", "ws", "mcp", "docs", "redoc", "openapi.json"})


class SpaFiles(StaticFiles):
    """Static files; a path without a file extension that does not exist gets index.html (a client route)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            last = path.rstrip("/").rsplit("/", 1)[-1]
            server_path = path.split("/", 1)[0] in SERVER_PREFIXES
            if exc.status_code != 404 or "." in last or server_path or scope["method"] not in ("GET", "HEAD"):
                raise
            return FileResponse(Path(str(self.directory)) / "index.html")


async def _not_built(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    response = HTMLResponse(NOT_BUILT, status_code=200)
    await response(scope, receive, send)


def web_app(dist: Path) -> SpaFiles | object:
    if (dist / "index.html").is_file():
        return SpaFiles(directory=dist, html=True)
    return _not_built
