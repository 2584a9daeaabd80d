"""`tidewire conformance server`: the daemon passes every case, and a server with one deliberate
bug (tests/fixtures/conformance/broken_server.py) fails exactly the cases that check it."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import Daemon
from support.daemon import free_port

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "conformance" / "broken_server.py"
TOKEN = "conformance-token"
MAX_LAG = 100
# Short enough for the heartbeat case to take seconds, long enough for a stalled socket to get its
# overflow before the heartbeat closes it.
HEARTBEAT_MS = 1500
# A client flooding frames holds its own pongs behind them in the daemon's socket, so the flood
# case runs against a daemon with the default heartbeat (30 s), where the 1008 comes first.
FLOOD = "flow.rate_limited"


def kit(url: str, junit: Path, *names: str, wait_s: float = 5.0) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "tidewire", "conformance", "server", url, "--token", TOKEN]
    cmd += ["--max-lag", str(MAX_LAG), "--junit", str(junit), "--wait", str(wait_s)]
    for name in names:
        cmd += ["-k", name]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)


def case_names() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "tidewire", "conformance", "server", "http://127.0.0.1:1", "--list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def verdicts(junit: Path) -> dict[str, str]:
    """Each case in a JUnit report: "pass", "fail" or "skip"."""
    out: dict[str, str] = {}
    for tc in ET.parse(junit).getroot().iter("testcase"):
        out[tc.get("name", "")] = (
            "fail" if tc.find("failure") is not None else "skip" if tc.find("skipped") is not None else "pass"
        )
    return out


def start_daemon(data_dir: Path, *args: str) -> Daemon:
    return Daemon(data_dir, ["--token", TOKEN, *args]).start()


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    d = start_daemon(
        tmp_path_factory.mktemp("conformance") / "data",
        "--retain",
        "200",
        "--max-lag",
        str(MAX_LAG),
        "--heartbeat-ms",
        str(HEARTBEAT_MS),
    )
    try:
        yield d
    finally:
        try:
            d.stop()
        finally:
            d.kill()


def test_the_daemon_passes_every_case(daemon: Daemon, tmp_path: Path) -> None:
    names = case_names()
    assert FLOOD in names
    run = kit(daemon.base_url, tmp_path / "main.xml", *[n for n in names if n != FLOOD])
    assert run.returncode == 0, run.stdout + run.stderr
    flood_daemon = start_daemon(tmp_path / "flood-data")
    try:
        flood = kit(flood_daemon.base_url, tmp_path / "flood.xml", FLOOD)
    finally:
        flood_daemon.stop()
    assert flood.returncode == 0, flood.stdout + flood.stderr
    seen = {**verdicts(tmp_path / "main.xml"), **verdicts(tmp_path / "flood.xml")}
    assert seen == dict.fromkeys(names, "pass")
    assert all(line.startswith("PASS ") for line in run.stdout.splitlines()[:-1]), run.stdout


def test_without_test_events_the_cases_that_need_them_fail_and_say_why(tmp_path: Path) -> None:
    d = Daemon(tmp_path / "data", ["--token", TOKEN], test_events=False).start()
    try:
        run = kit(d.base_url, tmp_path / "r.xml", "patterns.exact", "errors.unknown_type")
    finally:
        d.stop()
    assert run.returncode == 1
    assert verdicts(tmp_path / "r.xml") == {"patterns.exact": "fail", "errors.unknown_type": "pass"}
    [line] = [line for line in run.stdout.splitlines() if line.startswith("FAIL patterns.exact (")]
    assert "POST /api/test-events, which the server does not offer (404)" in line
    assert "--allow-test-events" in line


# The proxy runs leave out two cases no bug here is about: flow.rate_limited (see FLOOD) and
# resync.overflow, whose stalled socket the proxy's own buffers would hide from the daemon.
# Cases every bug below leaves alone (unless it is in the bug's own set): run with each bug, they
# show the kit does not blame the wrong rule.
CONTROLS = {
    "handshake.welcome",
    "patterns.exact",
    "rest.seq_header",
    "heartbeat.ping_pong",
    "resume.at_head",
    "errors.invalid_subscription",
    "token.rest_refused",
}
BUG_WAIT_S = 2.0
SOCKET_CONTROLS = CONTROLS - {"rest.seq_header", "token.rest_refused"}

# Each bug, and exactly the cases that must fail with it. Events are counted per connection:
# the bugs that touch "the third event" reach the cases whose connections receive three or more.
EXPECTED: dict[str, set[str]] = {
    "drop_event": {"cursor.late_subscribe", "ordering.concurrent_writers", "resume.replay"},
    # resume.replay reads up to its third event and stops: the copy after it goes unseen.
    "duplicate_event": {"cursor.late_subscribe", "ordering.concurrent_writers"},
    "reorder_events": {"cursor.late_subscribe", "ordering.concurrent_writers", "resume.replay"},
    "skip_welcome": SOCKET_CONTROLS | {"cursor.starts_at_welcome"},
    "high_volume_to_star": {"patterns.high_volume"},
    "filter_value_ignored": {"filters.strings", "filters.numbers", "filters.literals_and_paths"},
    "resume_off_by_one": {"resume.replay", "resume.at_head", "resync.gap_too_old_rewind"},
    "no_seq_header": {"rest.seq_header", "rest.refusals"},
    "foreign_origin_accepted": {"handshake.foreign_origin", "rest.refusals"},
    "pong_without_t": {"heartbeat.ping_pong"},
    "wrong_error_code": {"errors.invalid_subscription", "limits.held_patterns"},
    "no_heartbeat": {"heartbeat.server_pings"},
}


@pytest.fixture
def broken(daemon: Daemon, request: pytest.FixtureRequest) -> Iterator[str]:
    bug: str | None = request.param
    port = free_port()
    cmd = [sys.executable, str(BROKEN), "--port", str(port), "--upstream-port", str(daemon.port)]
    cmd += ["--heartbeat-ms", str(HEARTBEAT_MS)] + (["--bug", bug] if bug else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", line + (proc.stdout.read() if proc.poll() is not None else "")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize("broken", [None], indirect=True)
def test_the_proxy_without_a_bug_passes(broken: str, tmp_path: Path) -> None:
    names = sorted(CONTROLS.union(*EXPECTED.values()))
    run = kit(broken, tmp_path / "r.xml", *names)
    assert run.returncode == 0, run.stdout
    assert set(verdicts(tmp_path / "r.xml").values()) == {"pass"}


@pytest.mark.parametrize(("broken", "bug"), [(b, b) for b in EXPECTED], indirect=["broken"])
def test_each_bug_fails_exactly_its_cases(broken: str, bug: str, tmp_path: Path) -> None:
    expected = EXPECTED[bug]
    # A bug that loses a frame fails its case by a wait running out: keep those waits short.
    run = kit(broken, tmp_path / "r.xml", *sorted(expected | CONTROLS), wait_s=BUG_WAIT_S)
    failed = {name for name, verdict in verdicts(tmp_path / "r.xml").items() if verdict == "fail"}
    assert failed == expected, run.stdout
    assert run.returncode == 1
    for name in expected:  # the line output says the same, with the rule and why
        assert any(line.startswith(f"FAIL {name} (") for line in run.stdout.splitlines()), run.stdout
