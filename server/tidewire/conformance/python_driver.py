"""The conformance driver of the Python client (`tidewire.client`), and an example of a driver:

    tidewire conformance client -- python -m tidewire.conformance.python_driver

It plays a small application: it subscribes to $TIDEWIRE_EVENTS, keeps a task list fetched
over REST, and reports on stdout, one JSON line each, every event it applies and every refetch
(docs/conformance.md, "Checking a client").
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import httpx

from ..client import ConnectionFailed, TidewireClient
from ..protocol import models as m


def report(kind: str, **fields: Any) -> None:
    print(json.dumps({"tidewire": kind, **fields}), flush=True)


async def main() -> int:
    token = os.environ["TIDEWIRE_TOKEN"]
    events = json.loads(os.environ["TIDEWIRE_EVENTS"])
    async with httpx.AsyncClient(
        base_url=os.environ["TIDEWIRE_URL"], headers={"Authorization": f"Bearer {token}"}, trust_env=False
    ) as rest:

        async def refetch(frame: m.ResyncFrame) -> int:
            # Events were lost: replace the state, and tell the client which seq it reflects so
            # that events at or below it (already in the state) are skipped.
            reply = await rest.get("/api/tasks")
            reply.raise_for_status()
            seq = int(reply.headers["X-Tidewire-Seq"])
            report("refetch", seq=seq)
            return seq

        client = TidewireClient(os.environ["TIDEWIRE_WS_URL"], events, token=token, on_resync=refetch)
        try:
            async with client:
                async for event in client:
                    report("event", seq=event.seq, type=event.type)
        except ConnectionFailed as exc:
            print(f"tidewire client gave up: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
