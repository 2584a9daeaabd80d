"""(a) the daemon's real path, hosted in this process: event model -> Store.write commit -> bus -> socket.

The app is the one `tidewire serve` runs (`create_app(Settings)` under uvicorn); the emitter calls
`Store.write` directly instead of going through HTTP, so what is measured is the event path itself,
not the cost of an HTTP request per event.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import events as sample
from bench.servers import UvicornHost, free_port

BACKGROUND_TYPE = "mcp.tool_called"
WRITE_CONCURRENCY = 16


class TidewireHost:
    name = "a_tidewire"
    protocol = "tidewire"

    def __init__(
        self,
        *,
        retain: int = 10_000,
        max_lag: int | None = None,
        heartbeat_ms: int = 30_000,
        per_tx: int = 1,
        background_per_tx: int = 1,
        web_dist: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/ws"
        self.http_url = f"http://127.0.0.1:{self.port}"
        self.retain = retain
        self.max_lag = max_lag
        self.heartbeat_ms = heartbeat_ms
        self.per_tx = per_tx
        self.background_per_tx = background_per_tx
        self.web_dist = web_dist
        self._tmp: str | None = None
        self._host: UvicornHost | None = None
        self.app: Any = None

    async def start(self) -> None:
        from tidewire.app import create_app
        from tidewire.config import Settings

        self._tmp = tempfile.mkdtemp(prefix="tidewire-bench-")
        settings = Settings(
            host="127.0.0.1",
            port=self.port,
            data_dir=Path(self._tmp),
            retain=self.retain,
            max_lag=self.max_lag,
            heartbeat_ms=self.heartbeat_ms,
            # The connection suite holds thousands of sockets; the cap is not what it measures.
            max_connections=50_000,
            allow_test_events=True,
            web_dist=self.web_dist or Path(self._tmp) / "no-web",
        )
        self.app = await asyncio.to_thread(create_app, settings)
        self._host = UvicornHost(self.app, self.port, **uvicorn_options(settings))
        await self._host.start()

    async def stop(self) -> None:
        if self._host is not None:
            await self._host.stop()
            self._host = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def store(self) -> Any:
        return self.app.state.ctx.store

    async def head(self) -> int:
        head: int = self.app.state.ctx.bus.head
        return head

    def connections(self) -> int:
        return len(self.app.state.hub)

    async def wait_clients(self, n: int, limit_s: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while self.connections() < n:
            if loop.time() > deadline:
                raise TimeoutError(f"only {self.connections()} of {n} connections registered")
            await asyncio.sleep(0.02)

    async def emit(self, events: Sequence[dict[str, Any]]) -> None:
        """Commit `per_tx` events per transaction, several writes in flight (as concurrent requests would)."""
        pad = len(events[0]["data"]["task"]["description"]) - len(sample.task_data(0).task.description)
        models = [sample.task_data(int(e["seq"]), pad) for e in events]
        await self._write_all(sample.EVENT_TYPE, models, self.per_tx)

    async def commit_many(self, count: int) -> None:
        """Fill the log quickly (the resume benchmark does not measure how the events were committed)."""
        await self._write_all(sample.EVENT_TYPE, [sample.task_data(i) for i in range(count)], 100)

    async def commit_background(self, count: int) -> None:
        from tidewire.protocol.models import McpToolCalledData

        data = McpToolCalledData(server_name="bench", tool_name="noop", duration_ms=1.0, ok=True)
        await self._write_all(BACKGROUND_TYPE, [data] * count, self.background_per_tx)

    async def _write_all(self, event_type: str, models: Sequence[Any], per_tx: int) -> None:
        store = self.store
        sem = asyncio.Semaphore(WRITE_CONCURRENCY)

        def fn(batch: Sequence[Any]) -> Callable[[Any], None]:
            def write(tx: Any) -> None:
                for model in batch:
                    tx.emit(event_type, model)

            return write

        async def one(batch: Sequence[Any]) -> None:
            async with sem:
                await store.write(fn(batch))

        batches = [models[i : i + per_tx] for i in range(0, len(models), per_tx)]
        await asyncio.gather(*(one(b) for b in batches))


def uvicorn_options(settings: Any) -> dict[str, Any]:
    """The uvicorn options `tidewire serve` passes (tidewire/serve.py), so the benchmark runs the same stack.

    Copied as values because serve() builds its uvicorn.Config inline; keep the two in step.
    """
    from tidewire.ws.direct import DirectWriteWebSocketProtocol

    heartbeat = settings.heartbeat_ms / 1000
    return {
        "ws_max_size": settings.max_frame_bytes,
        "ws_ping_interval": heartbeat,
        "ws_ping_timeout": heartbeat,
        "ws_per_message_deflate": False,
        "ws": DirectWriteWebSocketProtocol,
        "proxy_headers": False,
        "server_header": False,
    }
