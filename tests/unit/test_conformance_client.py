"""The pure parts of `tidewire conformance client`: reporting lines, the checks made on them,
the reconnect-delay judge, and the frames the fake daemon sends."""

from __future__ import annotations

import io
import json

import pytest
from tidewire.conformance import client_frames as frames
from tidewire.conformance.client_report import Delivered, Malformed, Refetched, parse_line, problems
from tidewire.conformance.client_timing import backoff_problems
from tidewire.conformance.report import Case, CaseNotApplicable, Report
from tidewire.protocol import ServerFrame
from tidewire.ws.subscriptions import parse_pattern


def test_reporting_lines_are_parsed_and_other_output_is_ignored() -> None:
    assert parse_line('{"tidewire":"event","seq":3,"type":"task.created"}\n', 1.0) == Delivered(
        3, "task.created", 1.0
    )
    assert parse_line('{"tidewire": "refetch", "seq": 0, "extra": 1}', 2.0) == Refetched(0, 2.0)
    for own in ("connected", '{"level":"info"}', "[1,2]", "{not json", ""):
        assert parse_line(own, 0.0) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"tidewire":"event","seq":"3","type":"task.created"}',
        '{"tidewire":"event","seq":3}',
        '{"tidewire":"event","seq":true,"type":"x.y"}',
        '{"tidewire":"refetch"}',
        '{"tidewire":"refetch","seq":-1}',
        '{"tidewire":"ready"}',
    ],
)
def test_a_malformed_reporting_line_is_a_problem(text: str) -> None:
    line = parse_line(text, 0.0)
    assert isinstance(line, Malformed)
    assert problems([line], {}, set())


def test_events_must_increase_and_restart_above_each_refetch() -> None:
    sent = {1: {"task.created"}, 2: {"task.updated"}, 3: {"task.created"}}
    ok = [
        Delivered(1, "task.created", 0),
        Delivered(3, "task.created", 0),
        Refetched(1, 0),
        Delivered(2, "task.updated", 0),
    ]
    assert problems(ok, sent, {1}) == []
    duplicate = [Delivered(1, "task.created", 0), Delivered(1, "task.created", 0)]
    assert "a duplicate" in problems(duplicate, sent, set())[0]
    backwards = [Delivered(3, "task.created", 0), Delivered(2, "task.updated", 0)]
    assert "out of order" in problems(backwards, sent, set())[0]
    covered = [Refetched(2, 0), Delivered(2, "task.updated", 0)]
    assert "out of order" not in problems(covered, sent, {2})[0] and problems(covered, sent, {2})


def test_reported_events_and_refetches_must_match_what_was_sent() -> None:
    sent = {1: {"task.created"}}
    assert "never sent" in problems([Delivered(1, "task.updated", 0)], sent, set())[0]
    assert "never sent" in problems([Delivered(7, "task.created", 0)], sent, set())[0]
    assert "X-Tidewire-Seq 5" in problems([Refetched(5, 0)], sent, {1, 2})[0]


@pytest.mark.parametrize(
    ("delays", "verdict"),
    [
        ([0.2, 0.15, 0.4, 0.9], None),  # [cap/2, cap] from 0.25 s
        ([0.003, 0.6, 1.1, 3.2], None),  # full jitter may draw one near zero
        ([0.0, 0.001, 0.002, 0.001], "tight reconnect loop"),
        ([0.01, 0.012, 0.6, 1.0], "tight reconnect loop"),
        ([0.05, 0.05, 0.06, 0.05], "tight reconnect loop"),
        ([0.3, 0.31, 0.3, 0.32], "the same delay"),
    ],
)
def test_backoff_judge(delays: list[float], verdict: str | None) -> None:
    found = backoff_problems(delays)
    if verdict is None:
        assert found == []
    else:
        assert any(verdict in p for p in found), found


def _valid(frame: dict[str, object]) -> None:
    ServerFrame.model_validate_json(json.dumps(frame))


def test_the_fake_daemons_frames_validate_against_the_schemas() -> None:
    _valid(frames.welcome("ep_1", 0, 1))
    _valid(frames.welcome("ep_1", 5, 1, region="eu"))
    for seq, kind in enumerate(frames.KINDS, start=1):
        _valid(frames.event(kind, seq))
    _valid({"type": "pong", "server_time": frames.now_ts(), "seq": 3, "id": 1})
    _valid({"type": "subscribed", "events": list(frames.PATTERNS), "seq": 0, "id": "s"})
    _valid({"type": "resync", "reason": "overflow", "epoch": "ep_1", "seq": 9})
    _valid({"type": "resumed", "after_seq": 1, "to_seq": 4, "replayed": 2, "id": "r"})


def test_every_kind_of_event_matches_the_given_patterns() -> None:
    patterns = [parse_pattern(p) for p in frames.PATTERNS]
    for kind in frames.KINDS:
        ev = frames.event(kind, 1)
        assert any(p.matches_type(kind) and p.matches_data(ev["data"]) for p in patterns), kind
    # Each pattern is needed: dropping any one leaves some kind unmatched.
    for left_out in range(len(patterns)):
        rest = patterns[:left_out] + patterns[left_out + 1 :]
        assert any(
            not any(p.matches_type(k) and p.matches_data(frames.event(k, 1)["data"]) for p in rest)
            for k in frames.KINDS
        )


async def test_a_client_case_that_does_not_apply_is_skipped_with_its_reason() -> None:
    async def skip() -> None:
        raise CaseNotApplicable("the client sent no ping frame")

    out = io.StringIO()
    report = Report("suite", out=out)
    result = await report.run(Case("slow_pong", "§Heartbeats: x", skip), 5)
    assert result.passed and result.skipped and report.failures == []
    assert out.getvalue().startswith("SKIP slow_pong (§Heartbeats: x)")
    assert "the client sent no ping frame" in out.getvalue()
