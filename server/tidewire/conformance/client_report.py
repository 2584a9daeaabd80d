"""The reporting lines a client under test prints on stdout, and the checks every case makes
on them (pure: no sockets, no processes).

A reporting line is one JSON object with a string member ``tidewire`` (docs/conformance.md):

    {"tidewire": "event", "seq": 12, "type": "task.created"}   the application got this event
    {"tidewire": "refetch", "seq": 40}                          the application replaced its state
                                                                by a REST refetch reflecting seq 40

Any other line is the client's own output and is ignored; a line that claims to be a
reporting line but is malformed is a problem of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivered:
    """`event`: the application received (applied) event ``seq`` of type ``type``."""

    seq: int
    type: str
    at: float


@dataclass(frozen=True)
class Refetched:
    """`refetch`: the application's state now reflects exactly the events up to ``seq``."""

    seq: int
    at: float


@dataclass(frozen=True)
class Malformed:
    text: str
    why: str
    at: float


Line = Delivered | Refetched | Malformed


def _seq(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def parse_line(text: str, at: float) -> Line | None:
    """The reporting line ``text`` holds, or None for the client's own output."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        obj = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(obj, dict) or "tidewire" not in obj:
        return None
    kind = obj["tidewire"]
    seq = _seq(obj.get("seq"))
    if kind == "event":
        kind_type = obj.get("type")
        if seq is None or not isinstance(kind_type, str) or not kind_type:
            return Malformed(stripped, 'an "event" line needs an integer "seq" and a string "type"', at)
        return Delivered(seq, kind_type, at)
    if kind == "refetch":
        if seq is None:
            return Malformed(stripped, 'a "refetch" line needs an integer "seq"', at)
        return Refetched(seq, at)
    return Malformed(stripped, f'unknown reporting line "tidewire": {json.dumps(kind)}', at)


def problems(lines: Iterable[Line], sent: dict[int, set[str]], served_seqs: set[int]) -> list[str]:
    """What is wrong in a whole run's reporting lines.

    ``sent`` maps each seq the fake daemon sent (on the socket or from `GET /api/events`) to the
    event types it carried under that seq (a new epoch reuses seqs); ``served_seqs`` are the
    `X-Tidewire-Seq` values it answered REST requests with.

    Rules (docs/protocol.md, Guarantees and Resync): events are reported in strictly increasing
    seq, each once; after a refetch reflecting seq S only events above S; a reported event must
    be one the daemon sent; a refetch must reflect a seq some REST reply carried.
    """
    out: list[str] = []
    last: int | None = None
    for line in lines:
        if isinstance(line, Malformed):
            out.append(f"malformed reporting line {line.text!r}: {line.why}")
        elif isinstance(line, Refetched):
            if line.seq not in served_seqs:
                shown = sorted(served_seqs) or "none"
                out.append(
                    f"refetch reports seq {line.seq}, but no REST reply carried X-Tidewire-Seq "
                    f"{line.seq} (served: {shown})"
                )
            last = line.seq
        else:
            if line.type not in sent.get(line.seq, set()):
                out.append(f"reported event {line.seq} ({line.type}), which the daemon never sent")
            if last is not None and line.seq <= last:
                what = "a duplicate" if line.seq == last else "out of order"
                out.append(
                    f"reported event {line.seq} after {last}: {what} "
                    "(events must be applied once, in increasing seq, and above the last refetch)"
                )
            last = line.seq
    return out
