"""docs/rest.md documents exactly the endpoints a real daemon serves (its live OpenAPI document)."""

from __future__ import annotations

import re
from pathlib import Path

from support import Daemon

REST_MD = Path(__file__).resolve().parents[2] / "docs" / "rest.md"
_METHODS = ("get", "post", "put", "patch", "delete")
# One heading per endpoint: ### `METHOD /path`, the path spelled as in the OpenAPI document.
_HEADING = re.compile(r"^### `(GET|POST|PUT|PATCH|DELETE) (/\S*)`$", re.M)


def documented_endpoints(markdown: str) -> list[tuple[str, str]]:
    return [(method, path) for method, path in _HEADING.findall(markdown)]


def served_endpoints(openapi: dict[str, object]) -> set[tuple[str, str]]:
    paths = openapi["paths"]
    assert isinstance(paths, dict)
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in _METHODS
    }


def test_the_heading_parser_reads_endpoints_and_ignores_other_headings() -> None:
    text = "### Tasks\n\n### `GET /api/tasks/{task_id}`\n\ntext `POST /api/x`\n### `DELETE /api/a`\n"
    assert documented_endpoints(text) == [("GET", "/api/tasks/{task_id}"), ("DELETE", "/api/a")]


def test_rest_md_lists_every_endpoint_of_the_live_openapi_document_and_no_other(daemon: Daemon) -> None:
    # The fixture starts the daemon with --allow-test-events, so the testing endpoint is served too.
    reply = daemon.get("/openapi.json")
    assert reply.status_code == 200
    served = served_endpoints(reply.json())
    assert ("POST", "/api/test-events") in served
    documented = documented_endpoints(REST_MD.read_text(encoding="utf-8"))
    duplicates = sorted({e for e in documented if documented.count(e) > 1})
    assert duplicates == [], f"documented twice in docs/rest.md: {duplicates}"
    undocumented = sorted(served - set(documented))
    assert undocumented == [], f"served but missing from docs/rest.md: {undocumented}"
    unserved = sorted(set(documented) - served)
    assert unserved == [], f"in docs/rest.md but not served: {unserved}"


def _anchors(markdown: str) -> set[str]:
    """Explicit `<a id>` anchors and GitHub's heading slugs (lower case, punctuation dropped)."""
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def test_rest_md_links_resolve() -> None:
    docs = REST_MD.parent
    text = REST_MD.read_text(encoding="utf-8")
    broken = []
    for target, anchor in re.findall(r"\]\(([\w.-]*\.md)?(?:#([^)]+))?\)", text):
        page = docs / target if target else REST_MD
        if not page.exists() or (anchor and anchor not in _anchors(page.read_text(encoding="utf-8"))):
            broken.append(f"{target}#{anchor}")
    assert broken == []
