"""Every case of `tidewire conformance client`, in the order they run; one module per family."""

from __future__ import annotations

from ..client_scenario import ClientCase
from . import connect, frames, heartbeat, resume, resync

CASES: tuple[ClientCase, ...] = (
    *connect.CASES,
    *resume.CASES,
    *resync.CASES,
    *frames.CASES,
    *heartbeat.CASES,
)
