"""The token: refused on the socket with 1008 before any frame and on REST with 401; accepted
in each of the four documented places. Not applicable to a server run without a token."""

from __future__ import annotations

from ..report import Case, CaseFailed, CaseNotApplicable, expect
from .peer import Server, brief

RULE = "§Handshake and security"


def _need_token(server: Server) -> str:
    if not server.token:
        raise CaseNotApplicable(
            "no --token given: run the kit with the server's token to check the token rules"
        )
    return server.token


def cases(server: Server) -> list[Case]:
    async def socket_refused() -> None:
        token = _need_token(server)
        for label, headers in (("no token", {}), ("a wrong token", {"Authorization": f"Bearer x{token}"})):
            async with server.connect(auth=False, headers=headers, read_welcome=False) as peer:
                try:
                    frame = await peer.recv(what="the close")
                except CaseFailed:  # closed (or silent: the close check below says which)
                    frame = None
                expect(
                    frame is None,
                    f"{RULE}: with {label} the server closes before any frame, but sent {brief(frame)}",
                )
                rcvd = peer.conn.protocol.close_rcvd
                expect(
                    rcvd is not None and rcvd.code == 1008 and rcvd.reason == "a valid token is required",
                    f"{RULE}: with {label} the server closes with 1008 'a valid token is required', got "
                    f"{(rcvd.code, rcvd.reason) if rcvd else 'no close frame'}",
                )

    async def presentations() -> None:
        token = _need_token(server)
        ways: list[tuple[str, dict[str, str], str]] = [
            ("Authorization: Bearer", {"Authorization": f"Bearer {token}"}, ""),
            ("X-Tidewire-Token", {"X-Tidewire-Token": token}, ""),
            ("the tidewire_token cookie", {"Cookie": f"tidewire_token={token}"}, ""),
            ("?token=", {}, f"token={token}"),
        ]
        for label, headers, query in ways:
            try:
                async with server.connect(auth=False, headers=headers, query=query) as peer:
                    expect(peer.welcome["type"] == "welcome", "welcome")
            except Exception as exc:
                raise CaseFailed(f"{RULE}: a token presented as {label} must be accepted: {exc}") from None

    async def rest_refused() -> None:
        token = _need_token(server)
        async with server.http(auth=False) as client:
            for label, headers in (
                ("no token", {}),
                ("a wrong token", {"Authorization": f"Bearer x{token}"}),
            ):
                r = await client.get("/api/health", headers=headers)
                code = (
                    r.json().get("error", {}).get("code")
                    if r.headers.get("content-type", "").startswith("application/json")
                    else None
                )
                expect(
                    r.status_code == 401 and code == "unauthorized",
                    f"rest.md Authentication: {label} gets 401 unauthorized, got {r.status_code} "
                    f"{r.text[:160]}",
                )
            r = await client.get("/api/health", headers={"X-Tidewire-Token": token})
            expect(
                r.status_code == 200,
                f"rest.md Authentication: X-Tidewire-Token is accepted, got {r.status_code}",
            )

    return [
        Case(
            "token.socket_refused",
            f"{RULE}: a missing or wrong token gets close 1008 at once, before any frame",
            socket_refused,
        ),
        Case(
            "token.presentations",
            f"{RULE}: the token is accepted as Authorization: Bearer, X-Tidewire-Token, the cookie, or "
            "?token=",
            presentations,
        ),
        Case(
            "token.rest_refused",
            "rest.md Authentication, Host and Origin: a missing or wrong token gets 401 unauthorized",
            rest_refused,
        ),
    ]
