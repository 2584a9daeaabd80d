"""What a request that no route fully matched gets, before the web UI sees it.

The web UI is mounted at ``/`` and would answer anything, so without this a wrong method on
an API path (``DELETE /api/tasks``) or an unknown ``/api/...`` path got the dashboard page or
Starlette's 405 naming only the first route's method. Here: a path some route serves with
other methods is 405 with every method it takes in ``Allow``; any other ``/api`` path is 404;
both with the usual JSON error shape. Everything else goes to the web UI.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .api.errors import error_body

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ServerPathsFirst:
    def __init__(self, web: ASGIApp, routes: list[BaseRoute]) -> None:
        self.web = web
        self.routes = routes  # the app's live route list: routes added later are seen too

    def allowed_methods(self, scope: Scope) -> list[str]:
        """Methods some route fully matches for this path (each route's public ``matches``)."""
        others = [r for r in self.routes if getattr(r, "app", None) is not self]
        return [
            method
            for method in _METHODS
            if any(r.matches({**scope, "method": method})[0] is Match.FULL for r in others)
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.web(scope, receive, send)
            return
        path: str = scope["path"]
        allowed = self.allowed_methods(scope)
        if allowed:
            response = JSONResponse(
                error_body("method_not_allowed", f"{scope['method']} is not allowed on {path}"),
                status_code=405,
                headers={"Allow": ", ".join(allowed)},
            )
        elif path == "/api" or path.startswith("/api/"):
            response = JSONResponse(error_body("not_found", f"no such endpoint: {path}"), status_code=404)
        else:
            await self.web(scope, receive, send)
            return
        await response(scope, receive, send)
