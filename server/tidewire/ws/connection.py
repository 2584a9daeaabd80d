"""One socket connection: its cursor over the shared log, its subscriptions, and its single writer.

All state changes happen on the event loop without awaiting, so a reply's ``seq`` is the
exact cursor at which the change took effect. The writer sends control replies first,
then walks the log from the cursor: from the bus's ring, or from the store when the ring
has moved on. Each connection holds at most one frame in flight (plus a small batch read
from the store), so a stalled peer costs no memory per event.

Overflow means the peer is not reading, nothing else: while a send waits for the transport
(its buffer is above the high-water mark because the peer takes nothing off the socket),
events committed meanwhile that this connection would send are counted; past ``max_lag``
the connection gets ``resync`` overflow (its cursor jumps to the head; a notice not sent yet
is replaced by one naming the newer head), and if the notice itself is stuck in the send
while ``max_lag`` more arrive, it is closed (1013). Every completed send resets the count.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..bus.base import EventBus
from ..config import DEFAULT_WS_BURST, DEFAULT_WS_RATE
from ..protocol import PROTOCOL
from ..protocol import models as m
from ..store.clock import utc_now
from ..store.entry import LogEntry
from .frames import FrameError, dump, error_frame, id_of, parse_client_frame, present
from .ratelimit import CLOSE_AFTER_S, Clock, InboundLimit, Verdict
from .subscriptions import FilterBudget, FilterLimitError, SubscriptionError, SubscriptionSet

SendText = Callable[[str], Awaitable[None]]
# The ASGI ``send``: events go out as their shared, pre-built ``websocket.send`` message.
SendMessage = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("tidewire.ws")

# Replies queued while the peer does not read; past this the peer is misbehaving.
MAX_PENDING_REPLIES = 10_000
# Events read from the store at once when the ring no longer holds the cursor's next one.
FETCH_BATCH = 64


class ConnectionClosing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Fetch:
    """What ``_advance`` returns when the next event must be read from the store first."""


FETCH = _Fetch()


@dataclass
class _Resume:
    after_seq: int
    to_seq: int
    frame_id: str | int | None
    replayed: int = 0


class Connection:
    def __init__(
        self,
        bus: EventBus,
        send_text: SendText,
        *,
        server_id: str,
        heartbeat_ms: int,
        max_frame_bytes: int,
        max_lag: int,
        send_message: SendMessage | None = None,
        ws_rate: float = DEFAULT_WS_RATE,
        ws_burst: float = DEFAULT_WS_BURST,
        clock: Clock = time.monotonic,
        filter_budget: FilterBudget | None = None,
    ) -> None:
        self.bus = bus
        self._send_text = send_text
        self._send_message = send_message
        self.server_id = server_id
        self.heartbeat_ms = heartbeat_ms
        self.max_frame_bytes = max_frame_bytes
        self.max_lag = max_lag
        self.subs = SubscriptionSet(filter_budget)
        self.cursor = bus.head
        self.active = False  # the cursor moves only after the first subscribe
        self.last_sent = 0
        self.replies: deque[str] = deque()
        self.wake = asyncio.Event()
        # Events after the cursor read from the store (the ring no longer had them).
        self._fetched: deque[LogEntry] = deque()
        # True while a send waits for the transport; `unread` counts the events to send
        # committed meanwhile (the peer's lag). Both belong to the overflow rule (module doc).
        self.sending = False
        self.unread = 0
        # The overflow `resync` waiting to go out (before anything else), and whether one is
        # being sent: a peer that does not take even that one is closed.
        self.notice: str | None = None
        self.notice_in_flight = False
        # Set by the endpoint: close the connection now (the writer may be blocked).
        self.on_close_request: Callable[[ConnectionClosing], None] | None = None
        self._resume: _Resume | None = None
        self.close_request: ConnectionClosing | None = None
        self.inbound = InboundLimit(ws_rate, ws_burst, clock)
        # How long the reader waits before taking the next frame: 0, or until a token is back
        # after a refusal, so a flood waits in the kernel's buffers instead of being read and dropped.
        self.read_pause_s = 0.0

    def welcome(self) -> str:
        return dump(
            m.WelcomeFrame(
                type="welcome",
                protocol=PROTOCOL,
                server_id=self.server_id,
                epoch=self.bus.epoch,
                seq=self.cursor,
                heartbeat_ms=self.heartbeat_ms,
                oldest_seq=self.bus.oldest,
                max_frame_bytes=self.max_frame_bytes,
            )
        )

    # -- incoming --------------------------------------------------------------------------

    def _reply(self, text: str) -> None:
        if len(self.replies) >= MAX_PENDING_REPLIES:
            self._request_close(1008, "too many unread replies")
        else:
            self.replies.append(text)
        self.wake.set()

    def _admit(self) -> bool:
        """Whether to handle the next incoming frame: a socket gets a bounded share of the loop."""
        verdict = self.inbound.check()
        if verdict is Verdict.ACCEPT:
            self.read_pause_s = 0.0
            return True
        self.read_pause_s = self.inbound.bucket.wait_s()
        if verdict is Verdict.REFUSE:
            bucket = self.inbound.bucket
            self._reply(
                error_frame(
                    "rate_limited",
                    f"more than {bucket.rate:g} frames/s (bursts of {bucket.burst:g}): frames are "
                    f"dropped unhandled until the rate falls; the socket closes if it stays over "
                    f"for {CLOSE_AFTER_S:g} s",
                    None,
                )
            )
        elif verdict is Verdict.CLOSE:
            self._request_close(1008, "rate limit exceeded")
        return False

    def _request_close(self, code: int, reason: str) -> None:
        """Close with the first reason given: the writer raises it at its next frame, and the
        endpoint closes at once in case the writer is stuck in a send to a peer that reads nothing."""
        if self.close_request is not None:
            return
        self.close_request = ConnectionClosing(code, reason)
        if self.on_close_request is not None:
            self.on_close_request(self.close_request)

    def handle_text(self, text: str) -> None:
        if not self._admit():
            return
        try:
            frame = parse_client_frame(text)
        except FrameError as exc:
            self._reply(error_frame(exc.code, exc.message, exc.frame_id))
            return
        try:
            if isinstance(frame, m.SubscribeFrame):
                self._subscribe(frame)
            elif isinstance(frame, m.UnsubscribeFrame):
                self._unsubscribe(frame)
            elif isinstance(frame, m.PingFrame):
                self._reply(
                    dump(
                        m.PongFrame(
                            type="pong",
                            **present(id=id_of(frame), t=frame.t),
                            server_time=utc_now(),
                            seq=self.bus.head,
                        )
                    )
                )
            else:
                self._resume_from(frame)
        except FrameError as exc:
            self._reply(error_frame(exc.code, exc.message, exc.frame_id))
        except Exception:
            # A bug must not cost the client its connection: it hears about it, the log keeps it.
            log.exception("socket frame %s failed", frame.type)
            self._reply(
                error_frame("internal_error", f"{frame.type}: the daemon failed on this frame", id_of(frame))
            )

    def handle_bytes(self) -> None:
        if not self._admit():
            return
        self._reply(error_frame("invalid_json", "binary frames are not accepted; send JSON text", None))

    def _subscribe(self, frame: m.SubscribeFrame) -> None:
        try:
            self.subs.add(e.root for e in frame.events)
        except FilterLimitError as exc:
            raise FrameError("too_many_filters", str(exc), id_of(frame)) from None
        except SubscriptionError as exc:
            raise FrameError("invalid_subscription", str(exc), id_of(frame)) from None
        self.active = True
        self._reply(
            dump(
                m.SubscribedFrame(
                    type="subscribed", events=self.subs.events, seq=self.cursor, **present(id=id_of(frame))
                )
            )
        )

    def _unsubscribe(self, frame: m.UnsubscribeFrame) -> None:
        try:
            self.subs.remove(e.root for e in frame.events)
        except SubscriptionError as exc:
            raise FrameError("invalid_subscription", str(exc), id_of(frame)) from None
        self._reply(
            dump(
                m.UnsubscribedFrame(
                    type="unsubscribed", events=self.subs.events, seq=self.cursor, **present(id=id_of(frame))
                )
            )
        )

    def _resync(self, reason: str, frame_id: str | int | None) -> str:
        return dump(
            m.ResyncFrame(
                type="resync", reason=reason, epoch=self.bus.epoch, seq=self.bus.head, **present(id=frame_id)
            )
        )

    def _resume_from(self, frame: m.ResumeFrame) -> None:
        head = self.bus.head
        if frame.epoch != self.bus.epoch:
            self._reply(self._resync("epoch_changed", id_of(frame)))
            return
        if frame.after_seq > head:
            raise FrameError(
                "invalid_resume", f"after_seq {frame.after_seq} is beyond the head {head}", id_of(frame)
            )
        if frame.after_seq < self.bus.oldest - 1 or self.last_sent > frame.after_seq:
            # Older than the log, or rewinding would repeat an event this connection already sent.
            self._reply(self._resync("gap_too_old", id_of(frame)))
            return
        self.cursor = frame.after_seq
        self._resume = _Resume(frame.after_seq, head, id_of(frame))
        self._maybe_finish_resume()
        self.wake.set()

    def _maybe_finish_resume(self) -> None:
        r = self._resume
        if r is not None and self.cursor >= r.to_seq:
            self._resume = None
            self._reply(
                dump(
                    m.ResumedFrame(
                        type="resumed",
                        after_seq=r.after_seq,
                        to_seq=r.to_seq,
                        replayed=r.replayed,
                        **present(id=r.frame_id),
                    )
                )
            )

    # -- lag and overflow --------------------------------------------------------------

    def published(self, entries: Sequence[LogEntry]) -> None:
        """The bus committed ``entries``: wake the writer; if it is stuck in a send, count its lag."""
        self.wake.set()
        if not self.sending or not self.active or self.close_request is not None:
            return
        matches = self.subs.matches
        cursor = self.cursor
        self.unread += sum(1 for e in entries if e.seq > cursor and matches(e.type, e.data))
        if self.unread > self.max_lag:
            self._overflow()

    def _overflow(self) -> None:
        """Jump the cursor to the head behind a `resync` overflow, or close if the last one is stuck."""
        if self.notice_in_flight:
            # The peer has not even taken the previous overflow notice: give up on it.
            self._request_close(1013, "overflow: the client is not reading")
            return
        self.cursor = self.bus.head
        self._fetched.clear()
        self._resume = None
        self.unread = 0
        # Replaces a notice that has not gone out yet: the peer hears once, with the latest head.
        self.notice = self._resync("overflow", None)
        self.wake.set()

    # -- outgoing --------------------------------------------------------------------------

    async def run_writer(self) -> None:
        """Send until cancelled; raises ConnectionClosing when the connection must be closed.

        One loop, one await per frame: this runs once per event per connection, so it is the
        daemon's hottest code. What to send is decided by ``next_frame`` (no I/O), the
        awaits are here.
        """
        self.bus.add_reader(self)
        send_text = self._send_text
        send_message = self._send_message
        try:
            self.sending = True
            await send_text(self.welcome())
            self.sent()
            while True:
                self.wake.clear()
                item = self.next_frame()
                if isinstance(item, LogEntry):
                    self.sending = True
                    if send_message is not None:
                        await send_message(item.message)
                    else:
                        await send_text(item.text)
                    self.sent()
                elif isinstance(item, str):
                    self.sending = True
                    await send_text(item)
                    self.sent()
                elif item is FETCH:
                    after = self.cursor
                    self.take_fetched(after, await self.bus.fetch(after, FETCH_BATCH))
                else:
                    await self.wake.wait()
        finally:
            self.sending = False
            self.bus.remove_reader(self)

    def next_frame(self) -> LogEntry | str | _Fetch | None:
        """What the writer sends next: the overflow notice, then control replies, then the
        next event for this connection from the cursor. FETCH when that event must first be
        read from the store (``take_fetched``); None when there is nothing to send.

        Raises ConnectionClosing when the connection must be closed. The caller sets
        ``sending`` while the frame is being written and calls ``sent`` once it is.
        """
        if self.close_request is not None:
            raise self.close_request
        notice = self.notice
        if notice is not None:
            self.notice = None
            self.notice_in_flight = True
            return notice
        if self.replies:
            return self.replies.popleft()
        item = self._advance() if self.active else None
        if item is None and self.replies:
            return self.replies.popleft()  # queued on the way (``resumed``): it goes first
        return item

    def sent(self) -> None:
        """The transport took the frame: the peer is reading."""
        self.sending = False
        self.notice_in_flight = False
        self.unread = 0

    def take_fetched(self, after: int, entries: list[LogEntry]) -> None:
        """The store's events after ``after`` (read for FETCH); overflow if even the store lost them."""
        if self.cursor != after:
            return  # an overflow or a resume moved the cursor meanwhile: look again
        if not entries or entries[0].seq != after + 1:
            # Pruned past the bound the store keeps for readers (Store.MAX_PINNED).
            self._overflow()
            return
        self._fetched = deque(entries)

    def _take(self, seq: int) -> LogEntry | None:
        """The event ``seq`` from the ring, else from the batch read from the store."""
        entry = self.bus.get(seq)
        if entry is not None:
            return entry
        fetched = self._fetched
        while fetched and fetched[0].seq < seq:
            fetched.popleft()
        if fetched and fetched[0].seq == seq:
            return fetched.popleft()
        return None

    def _advance(self) -> LogEntry | _Fetch | None:
        """Move the cursor to the next event to send and return it, or FETCH when the next
        event must be read from the store first.

        None when there is nothing to send, or when a reply was queued on the way.
        """
        bus = self.bus
        while self.cursor < bus.head:
            nxt = self.cursor + 1
            entry = self._take(nxt)
            if entry is None:
                return FETCH
            self.cursor = nxt
            matched = self.subs.matches(entry.type, entry.data)
            if matched and self._resume is not None:
                self._resume.replayed += 1
            self._maybe_finish_resume()
            if matched:
                self.last_sent = nxt
                return entry
            if self.replies:
                return None
        return None
