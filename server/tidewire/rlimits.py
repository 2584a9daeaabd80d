"""Raise the soft open-file limit to the hard limit at start.

Every socket, SQLite handle, agent log and subprocess pipe is a descriptor; a shell's default
soft limit (often 1024) is far below what the hard limit allows, and running out stops the
daemon from accepting connections at all.
"""

from __future__ import annotations

import logging
import resource

log = logging.getLogger("tidewire.rlimits")

# Linux refuses RLIM_INFINITY for RLIMIT_NOFILE; this is the kernel's usual nr_open.
_INFINITY_CAP = 1 << 20


def raise_nofile_limit() -> tuple[int, int]:
    """Set the soft RLIMIT_NOFILE to the hard one; return (old soft, new soft). Never raises."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = _INFINITY_CAP if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, target, exc)
            return soft, soft
        log.info("open-file limit raised from %d to %d (the hard limit)", soft, target)
        return soft, target
    log.info("open-file limit is %d", soft)
    return soft, soft
