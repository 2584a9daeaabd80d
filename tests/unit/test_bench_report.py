"""The benchmark's own arithmetic and report: percentiles, delivery summaries, goals, the Markdown splice.

No timing is asserted here; the benchmark programs themselves run in `make bench-quick`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

# `bench` is a top-level package of the repository, not an installed one; pytest puts only the test
# directories on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import fanout, fanout_fair, latency, report
from bench.stats import percentile


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200))
def test_percentile_is_an_observed_value_and_monotonic(values: list[float]) -> None:
    p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
    assert p50 in values and p99 in values
    assert p50 is not None and p95 is not None and p99 is not None
    assert min(values) <= p50 <= p95 <= p99 <= max(values)


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([], 50) is None


def _client(index: int, count: int, t_last: int | None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "index": index,
        "count": count,
        "t_first": None,
        "t_last": t_last,
        "out_of_order": 0,
        "resync": [],
        "close_code": None,
        "close_reason": None,
        "error": None,
    }
    return {**base, **extra}


def test_summarise_counts_readers_only_and_reports_the_stalled_outcome() -> None:
    t0 = 1_000_000_000
    clients = [
        _client(0, 3, t0 + 4_000_000_000, resync=[{"reason": "overflow"}]),
        _client(1, 10, t0 + 1_000_000_000),
        _client(2, 10, t0 + 2_000_000_000),
    ]
    out = fanout.summarise(clients, t0, expected=10, stalled={0}, emit_s=0.5)
    assert out["frames_delivered"] == 20
    assert out["complete"] is True
    assert out["seconds"] == 2.0
    assert out["frames_per_s"] == 10.0
    assert out["per_client_rate_mean"] == (10 / 1 + 10 / 2) / 2
    assert out["stalled"][0]["resync"] == ["overflow"]


def test_summarise_flags_a_lost_frame() -> None:
    t0 = 0
    clients = [_client(0, 10, 1_000_000_000), _client(1, 9, 1_000_000_000)]
    assert fanout.summarise(clients, t0, expected=10, stalled=set(), emit_s=None)["complete"] is False


def test_latency_goal_needs_the_load_to_have_been_reached() -> None:
    under = {"a_load": {"p99_ms": 2.0, "missing": 0, "background_per_client_per_s": 300.0}}
    goal = latency._goal(under, 1000, 100)
    assert goal["met"] is False and "not reached" in goal["text"]
    reached = {
        "a_load": {"p99_ms": 2.0, "missing": 0, "background_per_client_per_s": 300.0},
        "a_load_batched": {"p99_ms": 8.0, "missing": 0, "background_per_client_per_s": 990.0},
    }
    goal = latency._goal(reached, 1000, 100)
    assert goal["met"] is True and "a_load_batched" in goal["text"]
    slow = {"a_load": {"p99_ms": 12.0, "missing": 0, "background_per_client_per_s": 1000.0}}
    assert latency._goal(slow, 1000, 100)["met"] is False


def _results() -> dict[str, Any]:
    return {
        "mode": "quick",
        "started": "2026-01-01T00:00:00+00:00",
        "duration_s": 1.0,
        "daemon": "measured",
        "machine": {
            "platform": "Linux",
            "cpu": "cpu",
            "cores": 2,
            "memory_mib": 1024,
            "loadavg_at_start": [0.0, 0.0, 0.0],
            "versions": {"python": "3.11", "websockets": "17"},
        },
        "suites": {
            "fanout": {
                "requests": 1,
                "subtasks_per_request": 50,
                "in_flight": 4,
                "rows": [
                    {
                        "clients": 100,
                        "events": 51,
                        "quietest": 0,
                        "repeats": [
                            {
                                "a": {"frames_per_s": 70.0, "server_cpu_us_per_frame": 3.0, "complete": True},
                                "b": {"frames_per_s": 100.0, "server_cpu_us_per_frame": 2.0},
                                "ratios": {"cpu_a_over_b": 1.5, "fps_a_over_b": 0.7},
                                "others_cores": 0.5,
                            }
                        ],
                    }
                ],
                "goal": {"text": "fan-out goal", "met": True},
            },
            "browser": {"skipped": "no dashboard"},
            "resume": {"error": "RuntimeError('boom')"},
        },
        "goals": {"fanout": {"text": "fan-out goal", "met": True}},
    }


def test_render_names_machine_goals_skips_and_errors() -> None:
    text = report.render(_results())
    assert "| (a) `tidewire serve` | 70 | 3.00 |" in text
    assert "| 1.50x | 0.70x |" in text and "repeat 1 of 1, the quietest" in text
    assert "| fanout | fan-out goal | met |" in text
    assert "_Not measured: no dashboard_" in text
    assert "Could not run: `RuntimeError('boom')`" in text
    assert "websockets 17" in text


def test_update_doc_keeps_the_analysis_outside_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(
        f"# Performance\n\nintro\n\n{report.BEGIN}\nold table\n{report.END}\n\n## Analysis\nkept\n"
    )
    report.update_doc(doc, _results())
    first = doc.read_text()
    assert "old table" not in first and "intro" in first and "## Analysis\nkept" in first
    report.update_doc(doc, _results())
    assert doc.read_text() == first  # regenerating is idempotent
    assert first.count(report.BEGIN) == 1


def test_merge_replaces_only_the_suites_run_again() -> None:
    from bench.__main__ import _merged

    old = _results()
    new = {
        "started": "2026-01-02T00:00:00+00:00",
        "suites": {"browser": {"probes_seen": 3, "goal": {"text": "g", "met": False}}},
        "goals": {"browser": {"text": "g", "met": False}},
    }
    merged = _merged(old, new)
    assert merged["suites"]["fanout"] == old["suites"]["fanout"]
    assert merged["suites"]["browser"]["probes_seen"] == 3
    assert set(merged["goals"]) == {"fanout", "browser"}
    assert merged["rerun"] == [{"started": "2026-01-02T00:00:00+00:00", "suites": ["browser"]}]
    assert "Re-run on 2026-01-02T00:00:00+00:00 (same machine): browser." in report.render(merged)


def test_latency_table_shows_committed_and_delivered_rates_for_every_case() -> None:
    case = {"p50_ms": 1.0, "p99_ms": 5.5, "max_ms": 6.0, "missing": 0}
    suite = {
        "clients": 100,
        "background_rate": 1000,
        "probes": 10,
        "a_load_unsubscribed": {
            **case,
            "background_committed_per_s": 995.0,
            "background_per_client_per_s": 0.0,
        },
        "a_load_fewer_clients": {
            **case,
            "background_committed_per_s": 990.0,
            "background_per_client_per_s": 990.0,
        },
        "a_load_batched": {"error": "RuntimeError('boom')"},
    }
    text = report.latency(suite)
    assert (
        "| (a) daemon, same, background committed but not subscribed | 1.00 | 5.50 | 6.00 | 0 | 995 | 0 |"
        in text
    )
    assert (
        "| (a) daemon, same, 10 clients (background delivered) | 1.00 | 5.50 | 6.00 | 0 | 990 | 990 |" in text
    )
    assert "error: `RuntimeError('boom')` | | | | | |" in text


def test_commit_table_lists_both_synchronous_levels() -> None:
    suite = {
        "a_sequential": {"events_per_s": 600.0},
        "a_concurrent_normal": {"events_per_s": 6500.0},
        "a_sequential_over_sqlite": 1.5,
        "a_concurrent_normal_over_sqlite": 15.0,
    }
    text = report.commit(suite)
    assert "| (a) `Store.write`, one write in flight, synchronous=FULL (default) | 600 |" in text
    assert "| (a) `Store.write`, 32 writes in flight (group commit), NORMAL | 6,500 |" in text
    assert "15.00x (32 in flight)" in text


def _flood_phase(p50: float, flooder: dict[str, Any] | None = None) -> dict[str, Any]:
    stats = {"samples": 10, "p50_ms": p50, "p99_ms": p50 * 3, "max_ms": p50 * 4}
    phase: dict[str, Any] = {
        "rest": stats,
        "ping": stats,
        "handshake": stats,
        "daemon_cpu_share": 0.25,
        "daemon_cpu_ms_per_probe": 0.4,
    }
    if flooder is not None:
        phase["flooder"] = flooder
        phase["flooder_pongs_per_s"] = 500.0
    return phase


def test_the_flood_section_shows_both_phases_the_ratios_and_the_flooders_fate() -> None:
    flooder = {"received": {"pong": 900, "error:rate_limited": 3}, "closes": {"1008 rate limit exceeded": 2}}
    section = {
        "probes": 10,
        "seconds": 2.5,
        "handshake_every": 10,
        "limited": {
            "idle": _flood_phase(1.0),
            "flood": _flood_phase(1.5, flooder),
            "ratio": {f"{w}_{q}": 1.5 for w in ("rest", "ping", "handshake") for q in ("p50", "p99")},
        },
        "unlimited": {"error": "RuntimeError('x')"},
        "goal": {"text": "within 2x", "met": True},
    }
    text = report.flood(section)
    assert "| default limit (500/s, burst 1000) | idle | 1.00 / 3.00 |" in text
    assert "2x 1008 rate limit exceeded" in text
    assert "REST p50 1.50x" in text
    assert "error: `RuntimeError('x')`" in text
    assert "**met**" in text


def test_the_filter_section_compares_with_and_without_and_the_index_with_the_baseline() -> None:
    section = {
        "sockets": 50,
        "events": 2000,
        "end_to_end": {
            "events": 2000,
            "clauses_per_socket": 4096,
            "without_s": 1.0,
            "with_s": 1.25,
            "ratio": 1.25,
            "daemon_cpu_ms_per_event_without": 0.1,
            "daemon_cpu_ms_per_event_with": 0.12,
        },
        "in_process": {
            "indexed_us_per_event_per_socket": 1.0,
            "direct_us_per_event_per_socket": 300.0,
            "direct_over_indexed": 300.0,
        },
        "goal": {"text": "under 2x", "met": True},
    }
    text = report.filters(section)
    assert "| 2,000 events posted -> all at a `task.*` socket, s | 1.000 | 1.250 | 1.25x |" in text
    assert "300.00x" in text and "**met**" in text
    assert "error: `boom`" in report.filters({**section, "in_process": {"error": "boom"}})
def test_hooks_table_shows_each_option_beside_the_baseline() -> None:
    suite = {
        "runs": 5,
        "spooled_while_down": 7,
        "options": {
            "true": {"median_ms": 1.0, "p99_ms": 3.0, "cpu_ms_per_call": 0.5},
            "lean": {"median_ms": 25.0, "p99_ms": 60.0, "cpu_ms_per_call": 12.0},
            "http": {"median_ms": 4.0, "p99_ms": 9.0, "cpu_ms_per_call": 0.0},
        },
        "overhead": {"lean": {"median_ms": 24.0, "p99_ms": 57.0}, "http": {"median_ms": 3.0, "p99_ms": 6.0}},
        "goal": {"text": "at most 30 ms", "met": True},
    }
    text = report.hooks(suite)
    assert "| `sh -c true` (baseline) | 1.0 | 3.0 |  | 0.5 |" in text
    assert "what install-hooks writes) | 25.0 | 60.0 | 24.0 / 57.0 | 12.0 |" in text
    assert "| HTTP hook: POST from a kept-alive client | 4.0 | 9.0 | 3.0 / 6.0 |  |" in text
    assert "7 calls spooled" in text


def _repeat(cpu: dict[str, float], fps: dict[str, float], others: float) -> dict[str, Any]:
    rep: dict[str, Any] = {
        k: {"server_cpu_us_per_frame": cpu[k], "frames_per_s": fps[k], "others_cores": others} for k in cpu
    }
    rep["ratios"] = fanout_fair.repeat_ratios(rep)
    return rep


def test_fanout_ratios_are_taken_within_a_repeat_and_the_goal_reads_the_quietest() -> None:
    cpu = {"a": 6.0, "b": 5.0, "c": 8.0, "e": 2.5}
    fps = {"a": 90.0, "b": 100.0, "c": 50.0, "e": 120.0}
    quiet = _repeat(cpu, fps, 0.1)
    assert quiet["ratios"]["cpu_a_over_b"] == 1.2 and quiet["ratios"]["cpu_a_over_e"] == 2.4
    assert quiet["ratios"]["fps_a_over_b"] == 0.9
    # A noisy repeat where the daemon looks bad does not count: the quiet one is read.
    noisy = _repeat({**cpu, "a": 20.0}, fps, 1.5)
    row = {"clients": 100, "repeats": [noisy, quiet], "quietest": 1}
    assert fanout_fair.goal([row])["met"] is True
    assert fanout_fair.goal([{**row, "quietest": 0}])["met"] is False
    # The floor bound counts on its own: within 1.5x of (b) but 4x the floor misses.
    far = _repeat({**cpu, "e": 1.5}, fps, 0.1)
    assert fanout_fair.goal([{"clients": 100, "repeats": [far], "quietest": 0}])["met"] is False
    assert fanout_fair.goal([])["met"] is False



def test_commit_pg_table_puts_postgresql_beside_sqlite_with_cpu_per_write() -> None:
    suite = {
        "a_sqlite_32": {"writes_per_s": 1800.0, "client_cpu_ms_per_write": 0.1},
        "p_store_32": {"writes_per_s": 600.0, "client_cpu_ms_per_write": 0.5, "server_cpu_ms_per_write": 0.3},
        "p_store_32_over_sqlite": 1 / 3,
        "raw_counter_over_sequence": 0.25,
    }
    text = report.commit_pg(suite)
    assert "| (a) SQLite `Store.write`, 32 in flight (group commit) | 1,800 | 0.100 | - |" in text
    pg_row = "| (p) `PgStore.write`, 32 in flight (group commit under the counter row) | 600 | 0.500 | 0.300"
    assert pg_row in text
    assert "0.33x (32 in flight)" in text and "0.25x (the cap" in text
    assert report.commit_pg({"error": "boom"}).strip() == "_Could not run: `boom`_"
