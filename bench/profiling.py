"""Where a goal is missed: a pyinstrument profile of the daemon process during the benchmark that missed it.

The daemon runs in this process, so pyinstrument samples its event loop thread directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler


async def profile(label: str, work: Callable[[], Awaitable[Any]], out_dir: Path) -> dict[str, Any]:
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    try:
        result = await work()
    finally:
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False)
    # Paths relative to the repository, so the recorded profile reads the same on any checkout.
    text = text.replace(str(Path.cwd()) + "/", "")
    path = out_dir / f"profile-{label}.txt"
    await asyncio.to_thread(_save, path, text)
    return {"label": label, "path": str(path), "top": _top(text, 45), "result": result}


def _save(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _top(text: str, lines: int) -> str:
    """The head of the call tree, which is what the analysis cites."""
    body = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(body[:lines])
