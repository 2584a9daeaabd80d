"""The handshake: ``welcome`` first and whole, and the Host and Origin refusals."""

from __future__ import annotations

import json

import websockets
from websockets.typing import Origin

from ..report import Case, CaseFailed, expect
from .peer import Server, brief

RULE = "§Handshake and security"


async def _refusal(server: Server, *, host: str | None = None, origin: str | None = None) -> tuple[int, str]:
    """Open a handshake with a foreign Host or Origin; the HTTP status and the error code of its body."""
    real_host, real_port = server.host_port
    url = server.ws_url
    if host is not None:
        url = url.replace(server.netloc, host, 1)
    try:
        async with websockets.connect(
            url,
            host=real_host,
            port=real_port,
            origin=Origin(origin) if origin else None,
            additional_headers=server.auth(),
            open_timeout=10,
        ):
            raise CaseFailed(
                f"{RULE}: the handshake with Host {host or server.netloc!r}, Origin {origin!r} was accepted"
            )
    except websockets.InvalidStatus as exc:
        response = exc.response
        content_type = response.headers.get("content-type", "")
        expect(
            content_type.startswith("application/json"),
            f"{RULE}: a refused handshake's body is application/json, got {content_type!r}",
        )
        try:
            body = json.loads(response.body or b"")
            code = body["error"]["code"]
            expect(isinstance(body["error"]["message"], str), "message must be a string")
        except (ValueError, KeyError, TypeError):
            raise CaseFailed(
                f"{RULE}: a refused handshake's body is the REST error shape "
                f'{{"error": {{"code", "message"}}}}, got {(response.body or b"")[:200]!r}'
            ) from None
        return response.status_code, str(code)


def cases(server: Server) -> list[Case]:
    async def welcome() -> None:
        async with server.connect() as peer:
            w = peer.welcome
            expect(
                w["protocol"] == "tidewire.v1", f"{RULE}: welcome.protocol must be 'tidewire.v1': {brief(w)}"
            )
        health_seq = await server.head()
        expect(
            w["seq"] <= health_seq,
            f"rest.md GET /api/health: welcome.seq {w['seq']} cannot be beyond the head {health_seq}",
        )
        if "oldest_seq" in w:
            expect(
                w["oldest_seq"] <= w["seq"] + 1,
                f"§Seq, epoch and the cursor: oldest_seq {w['oldest_seq']} beyond welcome.seq {w['seq']} + 1",
            )
        async with server.connect() as again:
            for key in ("server_id", "epoch"):
                expect(
                    again.welcome[key] == w[key],
                    f"{RULE}: two connections to one server name one {key}: {w[key]!r} then "
                    f"{again.welcome[key]!r}",
                )

    async def welcome_seq_is_head() -> None:
        run = server.nonce()
        [seq] = await server.emit([("conformance.handshake.head", {"run": run})])
        async with server.connect() as peer:
            expect(
                peer.welcome["seq"] >= seq,
                f"§A connection's life: welcome.seq is the latest committed event; {seq} was committed "
                f"before the handshake but welcome.seq is {peer.welcome['seq']}",
            )

    async def foreign_host() -> None:
        status, code = await _refusal(server, host="evil.example:" + str(server.host_port[1]))
        expect(
            status == 403 and code == "forbidden_host",
            f"{RULE}: a foreign Host gets HTTP 403 forbidden_host, got {status} {code}",
        )

    async def foreign_origin() -> None:
        status, code = await _refusal(server, origin="http://evil.example")
        expect(
            status == 403 and code == "forbidden_origin",
            f"{RULE}: a foreign Origin gets HTTP 403 forbidden_origin, got {status} {code}",
        )
        async with server.connect(origin=server.origin) as peer:  # its own origin is accepted
            expect(peer.welcome["type"] == "welcome", "welcome")

    return [
        Case(
            "handshake.welcome",
            f"{RULE}, §Frames: welcome is the first frame, with every field its schema requires",
            welcome,
        ),
        Case(
            "handshake.welcome_seq_is_head",
            "§A connection's life: welcome.seq is the latest committed event",
            welcome_seq_is_head,
        ),
        Case(
            "handshake.foreign_host",
            f"{RULE}: a foreign Host is refused with HTTP 403 forbidden_host, no socket",
            foreign_host,
        ),
        Case(
            "handshake.foreign_origin",
            f"{RULE}: a foreign Origin is refused with HTTP 403 forbidden_origin; the server's own origin "
            "is accepted",
            foreign_origin,
        ),
    ]
