"""Sizes of each benchmark in quick mode (a smoke run inside `make test`) and full mode (the record)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    fanout_clients: tuple[int, ...]
    fanout_requests: int  # `POST .../expand` requests of 50 subtasks (51 events each) per fan-out run
    fanout_frames: int  # the in-process profile of (a): frames per run at the clients
    fanout_min_events: int
    fanout_max_events: int
    repeats: int
    latency_probes: int
    latency_clients: int
    background_rate: int  # events per second
    slow_clients: int
    slow_rate: int
    slow_stall_s: float
    resume_events: int
    commit_events: int
    connections: tuple[int, ...]
    browser_probes: int
    storm_seconds: float
    storm_rate: int
    flood_probes: int  # REST requests and quiet-socket pings, idle and again under the flood
    flood_seconds: float  # each phase lasts at least this long (past the 2 s the limit allows a flood)
    flood_compare_unlimited: bool  # also measure with the inbound limit lifted
    filter_sockets: int  # sockets holding as many filters as they may
    filter_events: int
    hook_runs: int  # calls of each hook option (interleaved with `true`)
    timeout_s: float


QUICK = Mode(
    name="quick",
    fanout_clients=(100,),
    fanout_requests=8,
    fanout_frames=6_000,
    fanout_min_events=40,
    fanout_max_events=300,
    repeats=1,
    latency_probes=10,
    latency_clients=20,
    background_rate=1_000,
    slow_clients=20,
    slow_rate=300,
    slow_stall_s=2.5,
    resume_events=1_000,
    commit_events=300,
    connections=(100,),
    browser_probes=3,
    storm_seconds=1.0,
    storm_rate=1_000,
    flood_probes=40,
    flood_seconds=2.5,
    flood_compare_unlimited=False,
    filter_sockets=5,
    filter_events=300,
    hook_runs=12,
    timeout_s=60,
)

FULL = Mode(
    name="full",
    fanout_clients=(100, 1_000),
    fanout_requests=40,
    fanout_frames=100_000,
    fanout_min_events=100,
    fanout_max_events=2_000,
    repeats=3,
    latency_probes=200,
    latency_clients=100,
    background_rate=1_000,
    slow_clients=100,
    slow_rate=150,
    slow_stall_s=6.0,
    resume_events=10_000,
    commit_events=2_000,
    connections=(1_000, 5_000),
    browser_probes=40,
    storm_seconds=10.0,
    storm_rate=1_000,
    flood_probes=400,
    flood_seconds=10.0,
    flood_compare_unlimited=True,
    filter_sockets=50,
    filter_events=2_000,
    hook_runs=300,
    timeout_s=180,
)

MODES = {m.name: m for m in (QUICK, FULL)}
