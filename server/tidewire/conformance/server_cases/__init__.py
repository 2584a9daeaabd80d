"""The server cases, one module per concern of docs/protocol.md; ``all_cases`` lists them in the
order the kit runs them."""

from __future__ import annotations

from ..report import Case
from . import (
    cursor,
    errors,
    filters,
    flow,
    handshake,
    heartbeat,
    limits,
    ordering,
    patterns,
    rest,
    resume,
    resync,
    subscriptions,
    token,
)
from .peer import Server

MODULES = (
    handshake,
    token,
    errors,
    limits,
    patterns,
    subscriptions,
    filters,
    cursor,
    ordering,
    resume,
    resync,
    heartbeat,
    rest,
    flow,
)


def all_cases(server: Server) -> list[Case]:
    return [case for module in MODULES for case in module.cases(server)]


__all__ = ["Server", "all_cases"]
