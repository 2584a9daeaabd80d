"""One socket connection: its cursor over the shared log, its subscriptions, and its single writer.

All state changes happen on the event loop without awaiting, so a reply's ``seq`` is the
exact cursor at which the change took effect. The writer sends control replies first,
then walks the log from the cursor; each connection holds at most one frame in flight,
so a stalled peer costs no memory per event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
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


class ConnectionClosing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Waker(asyncio.Event):
    """The bus sets it on every publish; it also lets the connection look at its lag while
    its writer is stuck in a send."""

    def __init__(self, on_set: Callable[[], None]) -> None:
        super().__init__()
        self._on_set = on_set

    def set(self) -> None:
        super().set()
        self._on_set()


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
        self.wake: asyncio.Event = _Waker(self._check_stuck_overflow)
        # The head when an overflow `resync` started sending; None when none is in flight.
        self._overflow_sending_at: int | None = None
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
            self.close_request = ConnectionClosing(1008, "too many unread replies")
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
        elif verdict is Verdict.CLOSE and self.close_request is None:
            self.close_request = ConnectionClosing(1008, "rate limit exceeded")
            if self.on_close_request is not None:
                self.on_close_request(self.close_request)
        return False

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

    def _check_stuck_overflow(self) -> None:
        at = self._overflow_sending_at
        if at is None or self.close_request is not None or self.bus.head - at <= self.max_lag:
            return
        # The peer has not even taken the previous overflow notice: give up on it.
        self.close_request = ConnectionClosing(1013, "overflow: the client is not reading")
        if self.on_close_request is not None:
            self.on_close_request(self.close_request)

    # -- outgoing --------------------------------------------------------------------------

    async def run_writer(self) -> None:
        """Send until cancelled; raises ConnectionClosing when the connection must be closed.

        One loop, one await per frame: this runs once per event per connection, so it is the
        daemon's hottest code. Control replies go first, then the log from the cursor.
        """
        self.bus.add_waker(self.wake)
        try:
            await self._send_text(self.welcome())
            send_message = self._send_message
            replies = self.replies
            while True:
                self.wake.clear()
                if self.close_request is not None:
                    raise self.close_request
                if replies:
                    await self._send_text(replies.popleft())
                    continue
                item = self._advance() if self.active else None
                if isinstance(item, LogEntry):
                    if send_message is not None:
                        await send_message(item.message)
                    else:
                        await self._send_text(item.text)
                elif item is not None:
                    # The overflow notice: while it is in flight, _check_stuck_overflow watches the head.
                    await self._send_text(item)
                    self._overflow_sending_at = None
                elif not replies:
                    await self.wake.wait()
        finally:
            self.bus.remove_waker(self.wake)

    def _advance(self) -> LogEntry | str | None:
        """Move the cursor to the next event to send and return it, or the overflow ``resync`` text.

        None when there is nothing to send, or when a reply was queued on the way (it goes first).
        """
        bus = self.bus
        while self.cursor < bus.head:
            nxt = self.cursor + 1
            lagging = self._resume is None and bus.head - self.cursor > self.max_lag
            entry = bus.get(nxt) if not lagging else None
            if entry is None:
                # Fell out of the ring (or too far behind): the client must refetch.
                self.cursor = bus.head
                self._resume = None
                self._overflow_sending_at = bus.head
                return self._resync("overflow", None)
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
