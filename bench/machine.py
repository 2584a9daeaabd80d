"""What the figures were measured on: host, CPU, memory, and the versions of the stack."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from typing import Any

import psutil

_PACKAGES = (
    "tidewire",
    "websockets",
    "uvicorn",
    "starlette",
    "fastapi",
    "pydantic",
    "python-socketio",
    "python-engineio",
    "mcp",
    "uvloop",
    "psutil",
    "pyinstrument",
    "psycopg",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _command_version(*argv: str) -> str | None:
    if shutil.which(argv[0]) is None:
        return None
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else None


def describe() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    versions["python"] = platform.python_version()
    versions["sqlite"] = __import__("sqlite3").sqlite_version
    versions["node"] = _command_version("node", "--version")
    versions["chromium"] = _command_version("/usr/bin/chromium", "--version")
    load = os.getloadavg()
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_mib": round(psutil.virtual_memory().total / 2**20),
        "loadavg_at_start": [round(x, 2) for x in load],
        "python_executable": os.path.relpath(sys.executable),
        "versions": versions,
    }
