"""Process limits the connection benchmarks need."""

from __future__ import annotations

import resource


def raise_nofile(want: int = 20_000) -> int:
    """Raise the soft open-files limit towards `want`, never above the hard limit; returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft
