"""Resident memory of this process, where the server under test runs."""

from __future__ import annotations

import gc

import psutil


class RssSampler:
    """Peak RSS growth over a window that starts at `reset()`."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.start = self.peak = self.proc.memory_info().rss

    def reset(self) -> None:
        gc.collect()
        self.start = self.peak = self.proc.memory_info().rss

    def __call__(self) -> None:
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth_mib(self) -> float:
        growth: float = round((self.peak - self.start) / 2**20, 2)
        return growth


def rss() -> int:
    gc.collect()
    value: int = psutil.Process().memory_info().rss
    return value
