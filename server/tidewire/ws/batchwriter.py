"""A connection's writer for a socket served through a ``DirectSink``: the frames the connection has to
send, encoded once for all connections, go out several in one write.

The decisions are the connection's own (``Connection.next_frame``, ``sent``, ``take_fetched``), made
exactly as for ``Connection.run_writer``; only the writing differs. Everything ``next_frame`` has
ready when the writer wakes (the overflow notice, replies, then events) is joined, up to
``BATCH_BYTES``, and written at once: a connection several events behind, or woken by a commit of
many events, costs one write, not one per frame. While the batch waits for the transport
(``sending``), the connection counts the events committed meanwhile, as the overflow rule needs.
"""

from __future__ import annotations

from typing import Protocol

from ..store.entry import LogEntry
from .connection import FETCH, FETCH_BATCH, Connection, ConnectionClosing
from .wire import FrameCache, text_frame

# Bytes joined into one write at most: about the transport's high-water mark (64 KiB), so a peer
# that stops reading holds about as much in the daemon as it did with one frame per write.
BATCH_BYTES = 64 * 1024


class Sink(Protocol):
    async def drain(self) -> None: ...
    def write(self, data: bytes) -> None: ...


def take_batch(conn: Connection, frames: FrameCache, limit: int = BATCH_BYTES) -> tuple[list[bytes], object]:
    """The frames ready to send now, in order, and what stopped the batch: None (nothing more to
    send), ``FETCH`` (the next event must be read from the store), a ``ConnectionClosing`` raised
    after some frames were taken, or ``...`` when the batch is full.

    Raises ConnectionClosing when the connection must be closed before anything is sent.
    """
    out: list[bytes] = []
    size = 0
    while size < limit:
        try:
            item = conn.next_frame()
        except ConnectionClosing as exc:
            if not out:
                raise
            return out, exc
        if isinstance(item, LogEntry):
            data = frames.get(item)
        elif isinstance(item, str):
            data = text_frame(item)
        else:
            return out, item
        out.append(data)
        size += len(data)
    return out, ...


async def run_batched_writer(conn: Connection, sink: Sink, frames: FrameCache) -> None:
    """Send until cancelled; raises ConnectionClosing when the connection must be closed."""
    conn.bus.add_reader(conn)
    try:
        conn.sending = True
        await sink.drain()
        sink.write(text_frame(conn.welcome()))
        conn.sent()
        while True:
            conn.wake.clear()
            batch, stop = take_batch(conn, frames)
            if batch:
                conn.sending = True
                await sink.drain()
                sink.write(batch[0] if len(batch) == 1 else b"".join(batch))
                conn.sent()
            if isinstance(stop, ConnectionClosing):
                raise stop
            if stop is FETCH:
                after = conn.cursor
                conn.take_fetched(after, await conn.bus.fetch(after, FETCH_BATCH))
            elif stop is None and not batch:
                await conn.wake.wait()
    finally:
        conn.sending = False
        conn.bus.remove_reader(conn)
