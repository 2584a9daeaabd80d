"""Client load generator: many WebSocket connections in one separate process, counting frames.

Run as `python -m bench.clients '<json config>'` (see `ClientConfig`). The process talks to its parent
over stdin/stdout, one JSON object a line:

- it prints `{"ready": ...}` once every connection is open (and, for Tidewire, subscribed);
- it then counts event frames until every reading client has `expect` of them, the deadline passes,
  or the parent writes `stop`;
- it prints `{"result": ...}` with per-client counts and CLOCK_MONOTONIC receipt times (the clock is
  system-wide on Linux, so the parent can compare them with its own) and exits.

Clients live in their own process so that the server under test does not pay for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import uvloop
import websockets
from websockets.asyncio.client import ClientConnection, connect

from bench.limits import raise_nofile

_SEQ = re.compile(r"\s*(\d+)")


@dataclass
class ClientConfig:
    url: str
    n: int
    protocol: str = "tidewire"  # "tidewire" | "plain" | "socketio"
    subscribe: list[str] = field(default_factory=lambda: ["*"])
    expect: int = 0  # event frames per reading client; 0 = hold until `stop`
    timeout_s: float = 60.0
    stall: list[int] = field(default_factory=list)  # indexes of clients that stop reading
    stall_s: float = 0.0  # how long they stop reading for, from `ready`
    count_match: str = "task.created"  # frames containing this are the events counted
    record_match: str | None = None  # client 0 records (data.task_id, t_ns) of frames containing this
    resume_after: int | None = None  # send `resume` with this after_seq before subscribing
    resume_epoch: str | None = None
    connect_concurrency: int = 64
    small_rcvbuf: bool = True  # stalled clients: a small kernel receive buffer so the stall bites soon
    window_s: float = 0.0  # when > 0, snapshot every client's count this long after `ready`


@dataclass
class ClientState:
    index: int
    count: int = 0
    t_first: int | None = None
    t_last: int | None = None
    last_seq: int = 0
    out_of_order: int = 0
    control: dict[str, int] = field(default_factory=dict)
    resync: list[dict[str, Any]] = field(default_factory=list)
    resumed: dict[str, Any] | None = None
    t_resumed: int | None = None
    t_resume_sent: int | None = None
    close_code: int | None = None
    close_reason: str | None = None
    error: str | None = None
    welcome: dict[str, Any] | None = None
    records: list[tuple[str, int]] = field(default_factory=list)
    window_count: int | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def summary(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            "t_first": self.t_first,
            "t_last": self.t_last,
            "out_of_order": self.out_of_order,
            "control": self.control,
            "resync": self.resync,
            "resumed": self.resumed,
            "t_resumed": self.t_resumed,
            "t_resume_sent": self.t_resume_sent,
            "close_code": self.close_code,
            "close_reason": self.close_reason,
            "error": self.error,
            "records": self.records,
            "window_count": self.window_count,
        }


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _socket_for(small_rcvbuf: bool) -> socket.socket | None:
    if not small_rcvbuf:
        return None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Set before connect so the TCP window is negotiated small: the stall then reaches the server
    # after a few frames instead of after megabytes of kernel buffering.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    return sock


class Client:
    def __init__(self, cfg: ClientConfig, index: int) -> None:
        self.cfg = cfg
        self.state = ClientState(index)
        self.ws: ClientConnection | None = None
        self.stalled = index in cfg.stall

    async def open(self) -> None:
        cfg = self.cfg
        url = cfg.url
        if cfg.protocol == "socketio":
            url = url.rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        sock = _socket_for(cfg.small_rcvbuf) if self.stalled else None
        if sock is not None:
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(loop.sock_connect(sock, _address(url)), 10)
        self.ws = await connect(
            url,
            sock=sock,
            compression=None,
            max_queue=4 if self.stalled else 64,
            ping_interval=None,
            open_timeout=30,
            max_size=None,
        )
        if cfg.protocol == "tidewire":
            await self._tidewire_handshake()
        elif cfg.protocol == "socketio":
            await self._socketio_handshake()

    async def _tidewire_handshake(self) -> None:
        assert self.ws is not None
        welcome = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
        self.state.welcome = welcome
        if self.cfg.resume_after is not None:
            epoch = self.cfg.resume_epoch or welcome.get("epoch")
            self.state.t_resume_sent = time.monotonic_ns()
            await self.ws.send(
                json.dumps({"type": "resume", "epoch": epoch, "after_seq": self.cfg.resume_after, "id": "r"})
            )
        await self.ws.send(json.dumps({"type": "subscribe", "events": self.cfg.subscribe, "id": "s"}))
        if self.cfg.resume_after is None:
            # The subscription is in force once `subscribed` arrives; only then is the client ready.
            while True:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
                if frame.get("type") == "subscribed":
                    break
                self._control(frame)

    async def _socketio_handshake(self) -> None:
        assert self.ws is not None
        opened = await asyncio.wait_for(self.ws.recv(), 30)
        if not str(opened).startswith("0"):
            raise RuntimeError(f"unexpected engine.io open packet: {opened!r}")
        await self.ws.send("40")
        while True:
            msg = str(await asyncio.wait_for(self.ws.recv(), 30))
            if msg.startswith("40"):
                return
            if msg == "2":
                await self.ws.send("3")

    def _control(self, frame: dict[str, Any]) -> None:
        kind = str(frame.get("type"))
        self.state.control[kind] = self.state.control.get(kind, 0) + 1
        if kind == "resync":
            self.state.resync.append(frame)
        elif kind == "resumed":
            self.state.resumed = frame
            self.state.t_resumed = time.monotonic_ns()

    def _count(self, now: int) -> None:
        st = self.state
        st.count += 1
        if st.t_first is None:
            st.t_first = now
        st.t_last = now
        if self.cfg.expect and st.count >= self.cfg.expect:
            st.done.set()

    async def run(self, t_ready: float) -> None:
        assert self.ws is not None
        ws = self.ws
        st = self.state
        if self.stalled and self.cfg.stall_s > 0:
            await asyncio.sleep(max(0.0, t_ready + self.cfg.stall_s - time.monotonic()))
        socketio = self.cfg.protocol == "socketio"
        count_match = self.cfg.count_match
        record_match = self.cfg.record_match if st.index == 0 else None
        try:
            async for message in ws:
                now = time.monotonic_ns()
                text = message if isinstance(message, str) else message.decode()
                if socketio and text == "2":
                    await ws.send("3")  # engine.io heartbeat
                    continue
                # Substring tests instead of parsing every frame: the clients share two cores with the
                # server under test, and a full parse per frame would make them the bottleneck.
                if record_match is not None and record_match in text:
                    frame = json.loads(text[2:] if socketio else text)
                    data = (frame[1] if socketio else frame)["data"]
                    st.records.append((str(data.get("task_id")), now))
                if count_match in text:
                    self._order(text)
                    self._count(now)
                elif not socketio:
                    frame = json.loads(text)
                    self._control(frame)
                    if frame.get("type") == "resync" and self.stalled:
                        st.done.set()
        except websockets.ConnectionClosed:
            pass
        except Exception as exc:  # a client failure is reported, never fatal for the others
            st.error = repr(exc)
        finally:
            st.close_code = ws.close_code
            st.close_reason = ws.close_reason
            st.done.set()

    def _order(self, text: str) -> None:
        at = text.find('"seq":')
        if at < 0:
            return
        digits = _SEQ.match(text, at + 6)
        if digits is None:
            return
        seq = int(digits.group(1))
        if seq <= self.state.last_seq:
            self.state.out_of_order += 1
        self.state.last_seq = seq


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "127.0.0.1", parts.port or 80)


async def _open_all(clients: list[Client], concurrency: int) -> list[str]:
    sem = asyncio.Semaphore(concurrency)
    errors: list[str] = []

    async def one(c: Client) -> None:
        async with sem:
            try:
                await c.open()
            except Exception as exc:
                c.state.error = repr(exc)
                errors.append(repr(exc))

    await asyncio.gather(*(one(c) for c in clients))
    return errors


async def _read_stdin_line() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


async def main_async(cfg: ClientConfig) -> None:
    clients = [Client(cfg, i) for i in range(cfg.n)]
    errors = await _open_all(clients, cfg.connect_concurrency)
    opened = [c for c in clients if c.ws is not None and c.state.error is None]
    welcome = opened[0].state.welcome if opened else None
    _emit({"ready": {"connected": len(opened), "errors": errors[:5], "welcome": welcome}})
    t_ready = time.monotonic()
    if cfg.window_s > 0:

        def snapshot() -> None:
            for c in clients:
                c.state.window_count = c.state.count

        asyncio.get_running_loop().call_later(cfg.window_s, snapshot)
    tasks = [asyncio.create_task(c.run(t_ready)) for c in opened]
    stop_line = asyncio.create_task(_read_stdin_line())
    waiters: list[asyncio.Future[Any]] = [stop_line]
    if cfg.expect:
        waiters.append(
            asyncio.ensure_future(asyncio.gather(*(c.state.done.wait() for c in opened if not c.stalled)))
        )
    await asyncio.wait(waiters, timeout=cfg.timeout_s, return_when=asyncio.FIRST_COMPLETED)
    if cfg.stall and not stop_line.done():
        # The stalled client reads again after its stall; give it a bounded time to show its outcome.
        stalled = [c for c in opened if c.stalled]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(c.state.done.wait() for c in stalled)),
                max(1.0, t_ready + cfg.timeout_s - time.monotonic()),
            )
    for c in clients:
        if cfg.window_s > 0 and c.state.window_count is None:
            c.state.window_count = c.state.count  # finished before the window closed
    _emit({"result": {"clients": [c.state.summary() for c in clients], "t_ready": int(t_ready * 1e9)}})
    for t in tasks:
        t.cancel()
    await asyncio.gather(*(c.ws.close() for c in opened if c.ws is not None), return_exceptions=True)
    stop_line.cancel()


def main() -> None:
    raise_nofile()
    cfg = ClientConfig(**json.loads(sys.argv[1]))
    uvloop.run(main_async(cfg))
    # The stdin reader thread may still be blocked; exit without waiting for it.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
