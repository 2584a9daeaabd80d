"""Input the API must refuse with a 4xx JSON error, never a 500 (each once was a 500)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import Daemon

DEEP = "[" * 100_000 + "]" * 100_000


WRITES = ["/api/hooks/claude", "/api/tasks", "/api/projects"]
WRITES += ["/api/agents", "/api/autonomous", "/api/mcp-servers"]


@pytest.mark.parametrize("path", WRITES)
def test_a_100k_deep_json_body_is_a_4xx(daemon: Daemon, path: str) -> None:
    r = daemon.post(path, content=DEEP.encode(), headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
    assert r.json()["error"]["code"] in ("bad_request", "invalid_argument")
    assert "Traceback" not in daemon.log()


def test_loop_counts_beyond_the_documented_bound_are_422(daemon: Daemon, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    project = daemon.post("/api/projects", {"path": str(repo)}).json()["id"]
    for field in ("max_failures", "max_iterations"):
        for value in (2**63, 2**62, 2**53, 0, -1):
            r = daemon.post("/api/autonomous", {"project_id": project, field: value})
            assert r.status_code == 422, (field, value, r.status_code, r.text)
            assert r.json()["error"]["code"] == "invalid_argument"
    assert "Traceback" not in daemon.log()
    schema = daemon.get("/openapi.json").json()
    body = schema["paths"]["/api/autonomous"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    loop = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    bounds = [b for b in loop["properties"]["max_failures"]["anyOf"] if b.get("type") == "integer"]
    assert bounds == [{"type": "integer", "minimum": 1, "maximum": 2**53 - 1}]


def test_every_operation_documents_its_errors_with_the_error_shape(daemon: Daemon) -> None:
    schema = daemon.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for code in ("401", "403", "422"):
                assert code in responses, (method, path, code)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(responses), (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, code)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_refused_not_stored(daemon: Daemon, number: str) -> None:
    json_type = {"Content-Type": "application/json"}
    hook = f'{{"session_id": "s-{number}", "hook_event_name": "Notification", "n": {number}}}'
    r = daemon.post("/api/hooks/claude", content=hook.encode(), headers=json_type)
    assert r.status_code == 422, (r.status_code, r.text[:200])
    call = f'{{"tool_name": "t", "arguments": {{"a": [{number}]}}}}'
    r = daemon.post("/api/mcp-servers/x/call", content=call.encode(), headers=json_type)
    assert r.status_code == 422, (r.status_code, r.text[:200])
    assert daemon.get(f"/api/sessions/s-{number}").status_code == 404
    assert "Traceback" not in daemon.log()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 422, "invalid_argument"),
        (b'{"title": "x"}', "text/plain", 422, "invalid_argument"),
        (b"", "application/json", 422, "invalid_argument"),
        (b"\xff\xfe[", "application/json", 400, "bad_request"),
    ],
)
def test_a_body_that_is_not_json_gets_a_documented_error(
    daemon: Daemon, body: bytes, content_type: str, status: int, code: str
) -> None:
    r = daemon.post("/api/tasks", content=body, headers={"Content-Type": content_type})
    assert r.status_code == status, (r.status_code, r.text[:200])
    assert r.json()["error"]["code"] == code
    documented = daemon.get("/openapi.json").json()["paths"]["/api/tasks"]["post"]["responses"]
    assert str(r.status_code) in documented
