"""`tidewire conformance client`: both our clients pass every case, and a deliberately broken
client fails exactly the cases about the rule it breaks (tests/fixtures/conformance)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from tidewire.conformance.client_cases import CASES

ROOT = Path(__file__).resolve().parents[2]
TIDEWIRE = str(Path(sys.executable).with_name("tidewire"))
BROKEN = ROOT / "tests" / "fixtures" / "conformance" / "broken_client.py"
ALL = {c.name for c in CASES}

# For each bug of the broken client, the cases that must fail; every other case must pass.
RECONNECTS_AND_RESUBSCRIBES = {
    "resume_from_zero",
    "drop_mid_stream",
    "restart_same_epoch",
    "new_epoch",
    "gap_too_old",
    "log_behind_position",
}
EXPECTED_FAILURES: dict[str, set[str]] = {
    "resume_plus_one": {
        "resume_from_zero",
        "drop_mid_stream",
        "restart_same_epoch",
        "overflow",
        "missing_pong",
    },
    "zero_is_no_position": {"resume_from_zero"},
    "forget_pattern": RECONNECTS_AND_RESUBSCRIBES,
    "no_refetch": {"new_epoch", "gap_too_old", "log_behind_position", "overflow"},
    "report_duplicates": {"duplicate_event", "out_of_order_event"},
    "tight_loop": {"reconnect_backoff"},
    "constant_delay": {"reconnect_backoff"},
    "ignore_pings": {"protocol_ping"},
    "retry_after_1008": {"token_refused"},
}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    results: dict[str, str | None]  # case name -> failure message, None when it passed

    @property
    def failed(self) -> set[str]:
        return {name for name, message in self.results.items() if message is not None}


def run_kit(cmd: list[str], junit: Path) -> Run:
    proc = subprocess.run(
        [TIDEWIRE, "conformance", "client", "--junit", str(junit), "--", *cmd],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=ROOT,
    )
    results: dict[str, str | None] = {}
    for tc in ET.parse(junit).getroot().iter("testcase"):
        failure = tc.find("failure")
        results[tc.attrib["name"]] = None if failure is None else failure.attrib["message"]
    return Run(proc.returncode, proc.stdout + proc.stderr, results)


def assert_all_pass(run: Run) -> None:
    assert set(run.results) == ALL, run.stdout
    assert not run.failed, run.stdout
    assert run.returncode == 0, run.stdout
    assert re.search(rf"{len(ALL)} passed, 0 failed", run.stdout), run.stdout


@pytest.fixture(scope="module")
def web_driver(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The web client's driver bundled for node with the bundler vite already ships (rolldown)."""
    out = tmp_path_factory.mktemp("web-driver") / "driver.mjs"
    subprocess.run(
        [
            "node_modules/.bin/rolldown",
            "conformance/driver.ts",
            "--platform",
            "node",
            "--format",
            "esm",
            "-o",
            str(out),
        ],
        cwd=ROOT / "web",
        check=True,
        capture_output=True,
        timeout=120,
    )
    has_ws = subprocess.run(
        ["node", "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)"]
    ).returncode
    return ["node", *([] if has_ws == 0 else ["--experimental-websocket"]), str(out)]


@pytest.mark.timeout(300)
def test_the_python_client_passes_every_case(tmp_path: Path) -> None:
    assert_all_pass(
        run_kit([sys.executable, "-m", "tidewire.conformance.python_driver"], tmp_path / "py.xml")
    )


@pytest.mark.timeout(300)
def test_the_web_client_passes_every_case(web_driver: list[str], tmp_path: Path) -> None:
    assert_all_pass(run_kit(web_driver, tmp_path / "web.xml"))


@pytest.fixture(scope="module")
def broken_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str | None, Run]]:
    """One kit run per bug and one without, side by side (each case is mostly waiting)."""
    out = tmp_path_factory.mktemp("broken")
    bugs: list[str | None] = [None, *EXPECTED_FAILURES]

    def one(bug: str | None) -> Run:
        return run_kit([sys.executable, str(BROKEN), *([bug] if bug else [])], out / f"{bug or 'none'}.xml")

    with ThreadPoolExecutor(len(bugs)) as pool:
        yield dict(zip(bugs, pool.map(one, bugs), strict=True))


@pytest.mark.timeout(300)
def test_the_broken_client_without_bugs_passes_every_case(broken_runs: dict[str | None, Run]) -> None:
    assert_all_pass(broken_runs[None])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("bug", sorted(EXPECTED_FAILURES))
def test_each_bug_fails_exactly_its_cases(bug: str, broken_runs: dict[str | None, Run]) -> None:
    run = broken_runs[bug]
    assert set(run.results) == ALL, run.stdout
    assert run.failed == EXPECTED_FAILURES[bug], run.stdout
    assert run.returncode == 1
    for name in EXPECTED_FAILURES[bug]:
        assert re.search(rf"^FAIL {name} \(§", run.stdout, re.M), run.stdout
    assert re.search(rf"{len(ALL) - len(run.failed)} passed, {len(run.failed)} failed", run.stdout)


def test_list_names_every_case_with_its_rule() -> None:
    proc = subprocess.run(
        [TIDEWIRE, "conformance", "client", "--list"], capture_output=True, text=True, check=True
    )
    listed = [line.split("\t") for line in proc.stdout.splitlines()]
    assert listed == [[c.name, c.rule] for c in CASES]
    assert all(c.rule.startswith("§") for c in CASES)


def test_unknown_case_and_missing_command_are_refused() -> None:
    unknown = subprocess.run(
        [TIDEWIRE, "conformance", "client", "-k", "nope", "--", "true"], capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "no case named nope" in unknown.stderr
    empty = subprocess.run([TIDEWIRE, "conformance", "client"], capture_output=True, text=True)
    assert empty.returncode == 2 and "after --" in empty.stderr


def test_every_rule_names_a_section_of_the_protocol_document() -> None:
    headings = set(re.findall(r"^##+ (.+)$", (ROOT / "docs" / "protocol.md").read_text(), re.M))
    for case in CASES:
        section = case.rule[1:].split(":", 1)[0]
        assert section in headings, (case.name, section)


def test_the_docs_list_every_case_with_its_rule() -> None:
    doc = (ROOT / "docs" / "conformance.md").read_text()
    rows = re.findall(r"^\| `([a-z_0-9]+)` \| (§.+?) \| .+ \|$", doc, re.M)
    assert rows == [(c.name, c.rule) for c in CASES]


def test_a_client_that_dies_fails_at_once_with_its_exit_status(tmp_path: Path) -> None:
    crash = [sys.executable, "-c", "import sys; print('no such server', file=sys.stderr); sys.exit(3)"]
    proc = subprocess.run(
        [TIDEWIRE, "conformance", "client", "-k", "first_connection", "--", *crash],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "exited with status 3; its stderr ends: no such server" in proc.stdout
