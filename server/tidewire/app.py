"""Builds the ASGI app: store and bus, REST routers, ``/ws``, ``/mcp``, the web UI, and the lifespan."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers
from starlette.routing import Mount, Route, WebSocketRoute

from . import __version__
from .api import ROUTERS
from .api.errors import install_error_handlers
from .api.events import test_router
from .api.openapi import install_openapi
from .body_limit import BodyLimitMiddleware
from .bus import SqliteEventBus
from .bus.base import EventBus
from .components import COMPONENT_FACTORIES, component_name
from .config import Settings
from .context import AppContext
from .fallback import ServerPathsFirst
from .middleware import GuardMiddleware
from .node import resolve_node_id
from .security import SecurityPolicy
from .store import Store
from .store.startup import open_daemon_store
from .webui import web_app
from .ws import Hub, SocketEndpoint

log = logging.getLogger("tidewire.app")

MCP_MODULE = "tidewire.mcp.server"
DOCS_ASSETS = "/docs/assets"


def _resolve_router(item: APIRouter | str) -> APIRouter | None:
    if isinstance(item, APIRouter):
        return item
    module_name, _, attr = item.partition(":")
    if importlib.util.find_spec(module_name) is None:
        log.warning("router module %s does not exist; skipped", module_name)
        return None
    router = getattr(importlib.import_module(module_name), attr or "router")
    if not isinstance(router, APIRouter):
        raise TypeError(f"{item} is not an APIRouter")
    return router


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _mcp_app(ctx: AppContext) -> tuple[Any, Callable[[], AbstractAsyncContextManager[Any]] | None] | None:
    if not _module_exists(MCP_MODULE):
        return None
    module = importlib.import_module(MCP_MODULE)
    result = module.create_mcp_app(ctx)
    if isinstance(result, tuple):
        asgi_app, lifespan = result
        return asgi_app, lifespan
    return result, None


def create_app(settings: Settings, store: Store | None = None, bus: EventBus | None = None) -> FastAPI:
    """Open the store (unless given one), wire every part, and return the app.

    ``bus`` is the store's event bus when the store is not the SQLite one (``serve_pg``). The
    store is closed by the app's lifespan on shutdown.
    """
    store = store if store is not None else open_daemon_store(settings)
    bus = bus if bus is not None else SqliteEventBus(store, settings.retain)
    ctx = AppContext(
        settings=settings, store=store, bus=bus, server_id=store.server_id, node_id=resolve_node_id(settings)
    )
    hub = Hub(settings.max_connections)
    policy = SecurityPolicy(settings)
    mcp = _mcp_app(ctx)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        started: list[Any] = []
        async with contextlib.AsyncExitStack() as stack:
            try:
                for factory in COMPONENT_FACTORIES:
                    component = factory(ctx)
                    await component.start()
                    started.append(component)
                    ctx.components[component_name(factory, component)] = component
                if mcp is not None and mcp[1] is not None:
                    await stack.enter_async_context(mcp[1]())
                yield
            finally:
                await stack.aclose()
                await hub.close_all(1001, "the daemon is shutting down")
                for component in reversed(started):
                    try:
                        await component.stop()
                    except Exception:
                        log.exception("stopping %r failed", component)
                await store.close()

    # `/docs` and `/redoc` with Swagger UI and ReDoc served from the installed package (no CDN):
    # the docs work with no network. fastapi-offline is kept in step with FastAPI and ships both.
    app = FastAPIOffline(title="Tidewire", version=__version__, lifespan=lifespan, static_url=DOCS_ASSETS)
    app.state.ctx = ctx
    app.state.hub = hub
    install_error_handlers(app)
    install_openapi(app)
    app.router.routes.append(
        WebSocketRoute("/ws", SocketEndpoint(settings, bus, store.server_id, policy, hub))
    )
    for item in ROUTERS:
        router = _resolve_router(item)
        if router is not None:
            app.include_router(router)
    if settings.allow_test_events:
        app.include_router(test_router)
    web = web_app(settings.web_dist)
    if mcp is not None:
        # Both `/mcp` and `/mcp/...`: a Mount alone would send `/mcp` to the web UI.
        app.router.routes.append(
            Route("/mcp", endpoint=_PageOrEndpoint(web, mcp[0]), include_in_schema=False)
        )
        app.router.routes.append(Mount("/mcp", app=mcp[0]))
    app.router.routes.append(Mount("/", app=ServerPathsFirst(web, app.router.routes)))  # type: ignore[arg-type]
    # Added first, so it runs inside the guard: a refused request's body is never read.
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_body_bytes,
        overrides=[("/api/hooks/", settings.max_hook_body_bytes)],
    )
    app.add_middleware(GuardMiddleware, policy=policy, head=lambda: bus.head)
    return app


class _PageOrEndpoint:
    """`/mcp` is both the MCP endpoint and the dashboard's MCP page.

    A browser navigating there asks for HTML and not for an event stream; it gets the web UI
    (before its service worker is installed it would otherwise see the endpoint's 406).
    A class, not a function: Starlette's Route treats a plain function as a request handler.
    """

    def __init__(self, web: Any, endpoint: Any) -> None:
        self.web = web
        self.endpoint = endpoint

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            accept = Headers(scope=scope).get("accept", "")
            if "text/html" in accept and "text/event-stream" not in accept:
                # The app shell lives at `/`; its router shows the MCP page for `/mcp`.
                await self.web({**scope, "path": "/", "raw_path": b"/"}, receive, send)
                return
        await self.endpoint(scope, receive, send)
