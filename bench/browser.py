"""Browser: event-to-DOM latency and a 1,000 events/s storm, in headless Chromium (playwright-core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.modes import Mode

CHROMIUM = Path("/usr/bin/chromium")
WEB_DIST = Path("web/dist/index.html")


def unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (`make test-deps` installs it)"
    if not WEB_DIST.exists():
        return f"the dashboard is not built ({WEB_DIST} is missing; `make web-build`)"
    return None


async def run_suite(mode: Mode) -> dict[str, Any]:
    why = unavailable()
    if why is not None:
        return {"skipped": why}
    return {"skipped": "the browser benchmark is not written yet"}
