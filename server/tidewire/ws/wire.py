"""Event frames as the bytes that go on the wire, WebSocket framing included, built once for every socket.

A server's frames are not masked, and the daemon sends them uncompressed, so the bytes of an
event's frame are the same for every connection: the first socket that sends an event encodes it,
the others reuse the bytes. The framing is websockets' own (``Frame.serialize``), the library
uvicorn already speaks the protocol with.
"""

from __future__ import annotations

from websockets.frames import Frame, Opcode

from ..store.entry import LogEntry

# Frames kept: a little more than the writers of sockets that keep up are ever behind, and never
# more than CACHE_BYTES (events can be large; the ring already holds their text). A socket further
# back (it reads from the store) encodes what it sends itself.
CACHE_FRAMES = 4096
CACHE_BYTES = 4 * 1024 * 1024


def text_frame(text: str) -> bytes:
    """One unmasked, unfragmented text frame."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FrameCache:
    """The wire bytes of recent events, by seq, shared by every connection of one bus.

    A seq names one event for the life of a bus (a new log has a new epoch and a new daemon
    process), so the seq alone is the key.
    """

    def __init__(self, size: int = CACHE_FRAMES, max_bytes: int = CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._frames: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._frames)

    def get(self, entry: LogEntry) -> bytes:
        frames = self._frames
        data = frames.get(entry.seq)
        if data is not None:
            return data
        data = text_frame(entry.text)
        frames[entry.seq] = data
        self.bytes += len(data)
        # Insertion order is nearly seq order (a late reader's old seqs go in last and leave last):
        # the first key is the one to drop.
        while len(frames) > self.size or (self.bytes > self.max_bytes and len(frames) > 1):
            self.bytes -= len(frames.pop(next(iter(frames))))
        return data
