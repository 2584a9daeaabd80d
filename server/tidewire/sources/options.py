"""The sources' sections of the config file, checked: `[agent]`, `[sessions]`, `[mcp]`, `[autonomous]`.

`check_sources_config(raw)` checks them all at once, so `tidewire serve` can refuse a bad file
with one clear line naming the key before anything starts. The components read their own
section through the same functions, so a value they use has always passed the same checks.
Unknown keys are not errors (a newer file on an older daemon should still start), but they
are reported: most are typos of a key the daemon would otherwise quietly ignore.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tidewire.errors import InvalidArgument

log = logging.getLogger("tidewire.config")

# Keys of each section; `[agent]` and `[sessions].idle_timeout_seconds` are also read by
# tidewire.config into Settings.
SECTION_KEYS: dict[str, frozenset[str]] = {
    "agent": frozenset({"command", "grace_seconds"}),
    "sessions": frozenset({"idle_timeout_seconds", "poll_interval_seconds", "read_timeout_seconds"}),
    "mcp": frozenset(
        {
            "backoff_base_seconds",
            "backoff_max_seconds",
            "failed_backoff_max_seconds",
            "max_failures",
            "connect_timeout_seconds",
            "call_timeout_seconds",
            "health_interval_seconds",
        }
    ),
    "autonomous": frozenset({"command", "prompt"}),
}


@dataclass(frozen=True)
class McpOptions:
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    # A failed server is retried further apart: its every attempt is an event, and a server
    # that stays down for days must not fill the event log.
    failed_backoff_max: float = 300.0
    max_failures: int = 8
    connect_timeout: float = 30.0
    call_timeout: float = 300.0
    health_interval: float = 15.0


@dataclass(frozen=True)
class AutonomousOptions:
    prompt: str | None = None  # None: the loop's built-in prompt
    command: list[str] | None = None  # None: the agent command


def _section(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = raw.get(name, {})
    if not isinstance(section, Mapping):
        raise InvalidArgument(f"config: [{name}] must be a table, not {type(section).__name__}")
    return section


def _number(
    section: Mapping[str, Any], where: str, key: str, default: float, *, zero_ok: bool = False
) -> float:
    if key not in section:
        return default
    value = section[key]
    bound = "at least 0" if zero_ok else "greater than 0"
    # bool is an int subclass in Python, but `true` is no number of seconds.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgument(f"config: {where}.{key} must be a number {bound}, not {value!r}")
    if value < 0 or (value == 0 and not zero_ok):
        raise InvalidArgument(f"config: {where}.{key} must be a number {bound}, not {value!r}")
    return float(value)


def _count(section: Mapping[str, Any], where: str, key: str, default: int) -> int:
    if key not in section:
        return default
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"config: {where}.{key} must be a whole number of at least 1, not {value!r}")
    return value


def _argv(section: Mapping[str, Any], where: str, key: str) -> list[str] | None:
    if key not in section:
        return None
    value = section[key]
    if not isinstance(value, list) or not value or not all(isinstance(p, str) for p in value):
        raise InvalidArgument(
            f"config: {where}.{key} must be a non-empty list of strings (an argv, not a shell string)"
        )
    if not value[0]:
        raise InvalidArgument(f"config: {where}.{key}[0] must name a program")
    return list(value)


def unknown_keys(raw: Mapping[str, Any], name: str) -> list[str]:
    """One warning per key of section `name` that the daemon does not read."""
    section = raw.get(name, {})
    if not isinstance(section, Mapping):
        return []
    known = SECTION_KEYS[name]
    return [
        f"config: unknown key {name}.{key} is ignored (known: {', '.join(sorted(known))})"
        for key in section
        if key not in known
    ]


def warn_unknown_keys(raw: Mapping[str, Any], name: str) -> None:
    for warning in unknown_keys(raw, name):
        log.warning("%s", warning)


def check_agent_section(raw: Mapping[str, Any]) -> None:
    """`[agent]`: tidewire.config reads the values into Settings; this checks them."""
    section = _section(raw, "agent")
    _argv(section, "agent", "command")
    _number(section, "agent", "grace_seconds", 0.0, zero_ok=True)


def session_options(raw: Mapping[str, Any]) -> tuple[float, float]:
    """`[sessions]`: (poll_interval_seconds, idle_timeout_seconds)."""
    section = _section(raw, "sessions")
    poll = _number(section, "sessions", "poll_interval_seconds", 0.5)
    idle = _number(section, "sessions", "idle_timeout_seconds", 1800.0)
    return poll, idle


def session_read_timeout(raw: Mapping[str, Any]) -> float:
    """`[sessions].read_timeout_seconds`: how long one transcript read may take before it is abandoned."""
    return _number(_section(raw, "sessions"), "sessions", "read_timeout_seconds", 5.0)


def mcp_options(raw: Mapping[str, Any]) -> McpOptions:
    section = _section(raw, "mcp")
    default = McpOptions()
    return McpOptions(
        backoff_base=_number(section, "mcp", "backoff_base_seconds", default.backoff_base),
        backoff_max=_number(section, "mcp", "backoff_max_seconds", default.backoff_max),
        failed_backoff_max=_number(section, "mcp", "failed_backoff_max_seconds", default.failed_backoff_max),
        max_failures=_count(section, "mcp", "max_failures", default.max_failures),
        connect_timeout=_number(section, "mcp", "connect_timeout_seconds", default.connect_timeout),
        call_timeout=_number(section, "mcp", "call_timeout_seconds", default.call_timeout),
        health_interval=_number(section, "mcp", "health_interval_seconds", default.health_interval),
    )


def autonomous_options(raw: Mapping[str, Any]) -> AutonomousOptions:
    section = _section(raw, "autonomous")
    prompt = section.get("prompt")
    if prompt is not None and (not isinstance(prompt, str) or not prompt.strip()):
        raise InvalidArgument("config: autonomous.prompt must be a non-empty string")
    return AutonomousOptions(prompt=prompt, command=_argv(section, "autonomous", "command"))


def check_sources_config(raw: Mapping[str, Any]) -> list[str]:
    """Checks the sources' sections; raises InvalidArgument naming the first bad key.

    Returns the warnings (unknown keys) without printing them: the components log them when
    they start, so they show up once, in the daemon's log.
    """
    check_agent_section(raw)
    session_options(raw)
    session_read_timeout(raw)
    mcp_options(raw)
    autonomous_options(raw)
    return [warning for name in SECTION_KEYS for warning in unknown_keys(raw, name)]
