"""REST as the socket client needs it: ``X-Tidewire-Seq`` on every reply, errors and refusals
included, and the Host and Origin refusals with their error bodies."""

from __future__ import annotations

import httpx

from ..report import Case, expect
from .peer import Server

RULE = "rest.md X-Tidewire-Seq and the socket"


def _seq(r: httpx.Response, what: str) -> int:
    value = r.headers.get("x-tidewire-seq")
    expect(value is not None and value.isdigit(), f"{RULE}: {what} must carry X-Tidewire-Seq, got {value!r}")
    assert value is not None
    return int(value)


def _code(r: httpx.Response) -> str | None:
    try:
        error = r.json()["error"]
        return str(error["code"]) if isinstance(error.get("message"), str) else None
    except (ValueError, KeyError, TypeError):
        return None


def cases(server: Server) -> list[Case]:
    async def seq_header() -> None:
        async with server.http() as client:
            r = await client.post(
                "/api/test-events",
                json={"events": [{"type": "conformance.rest", "data": {"n": i}} for i in range(2)]},
            )
            expect(
                r.status_code == 201,
                f"rest.md POST /api/test-events: expected 201, got {r.status_code} {r.text[:200]}",
            )
            written = _seq(r, "a write")
            expect(
                written == r.json()["seq"],
                f"{RULE}: a write's X-Tidewire-Seq is the seq of its last event: {written} vs {r.text[:120]}",
            )
            for path in ("/api/health", "/api/events?after_seq=0&limit=1", "/api/tasks", "/api/sessions"):
                r = await client.get(path)
                expect(r.status_code == 200, f"rest.md GET {path}: expected 200, got {r.status_code}")
                seq = _seq(r, f"GET {path}")
                expect(
                    seq >= written, f"{RULE}: GET {path} reflects the head ({written} or later), got {seq}"
                )
                body = r.json()
                if "items" in body:
                    expect(
                        body.get("seq") == seq,
                        f"rest.md Basics: a list's seq equals its X-Tidewire-Seq: {body.get('seq')} vs {seq}",
                    )
            r = await client.get("/api/conformance-no-such-path")
            expect(
                r.status_code == 404 and _code(r) == "not_found",
                f"rest.md Errors: an unknown /api path is 404 not_found, got {r.status_code}",
            )
            expect(_seq(r, "an error reply") >= written, f"{RULE}: an error carries the head")

    async def refusals() -> None:
        async with server.http() as client:
            r = await client.get("/api/health", headers={"Host": "evil.example"})
            expect(
                r.status_code == 403 and _code(r) == "forbidden_host",
                f"rest.md Authentication: a foreign Host is 403 forbidden_host, got {r.status_code} "
                f"{r.text[:120]}",
            )
            _seq(r, "a refusal")
            r = await client.get("/api/health", headers={"Origin": "http://evil.example"})
            expect(
                r.status_code == 403 and _code(r) == "forbidden_origin",
                f"rest.md Authentication: a foreign Origin is 403 forbidden_origin, got {r.status_code} "
                f"{r.text[:120]}",
            )
            _seq(r, "a refusal")
            r = await client.get("/api/health", headers={"Origin": server.origin})
            expect(
                r.status_code == 200,
                f"rest.md Authentication: the server's own origin is accepted, got {r.status_code}",
            )

    return [
        Case(
            "rest.seq_header",
            f"{RULE}: every reply carries X-Tidewire-Seq; a write's is its last event's seq",
            seq_header,
        ),
        Case(
            "rest.refusals",
            "rest.md Authentication, Host and Origin: foreign Host and Origin get 403 with the error body",
            refusals,
        ),
    ]
