"""Mutation testing of the daemon's core (`ws/`, `bus/`, `store/`) with mutmut.

mutmut 3 only finds mutated code under `./`, `src/` or `source/` and names each mutant after
its path, while the package lives in `server/tidewire`. Rather than bend the repository's
layout to one tool, this stages a throwaway tree in `build/mutation/` (`src/tidewire`, `tests/`
and a pyproject with the mutmut settings), runs mutmut there and writes a summary.

Only in-process tests can kill a mutant (mutmut switches mutants inside the test process); the
suites that start a daemon subprocess run the original code, so they are left out here and the
score measures what the fast in-process tests (unit, sans-I/O model and property tests) catch.

Usage: python tests/mutation/run_python.py [--max-children N] [--only ws/connection.py ...]
       [--stage NAME] [--summary-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "mutation"
# Where a run is staged, under OUT; another name lets a second run go on beside it.
STAGE_NAME = "python"

# The modules whose mutants count (paths under server/tidewire).
TARGETS = ("ws/*", "bus/*", "store/*")
# Not mutated: the socket endpoint's I/O glue (the ASGI receive loop and the hub that starts a
# Connection per socket). Only the real-socket suites reach it, and they run the original code,
# so every mutant there would count as "no tests"; tests/integration/test_ws_*.py cover it.
NOT_SCORED = ("ws/endpoint.py", "ws/hub.py")
# What the tests read beside the code (example events come from the schemas).
ALSO_COPY = ("schema", "docs")
# Tests that run in-process. Real-socket suites live elsewhere and run the original code.
TEST_SELECTION = ("tests/unit", "tests/property")
DESELECT = (
    "tests/property/test_socket_stateful.py",
    # Imports the bench package from the repository root, which is not staged.
    "tests/unit/test_bench_report.py",
    # Plants its own bugs and runs the model tests against each: a test of the tests, seventeen
    # model runs per mutant for nothing (under a mutant they fail as they should).
    "tests/property/test_planted_bugs.py",
)

# Single tests that start a Python subprocess on the package: the child imports the installed,
# unmutated code, so they can kill no mutant and only cost time.
DESELECT_TESTS = ("tests/unit/test_store.py::test_kill_9_keeps_every_write_that_returned",)

_PYPROJECT = """\
[tool.mutmut]
source_paths = ["src"]
also_copy = {also}
only_mutate = {only}
do_not_mutate = {skip}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = {tests}

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
# A mutant that loses a write's reply leaves its test waiting: fail it in 30 s rather than
# the suite's 120 (the slowest test here takes a few seconds on a loaded machine).
timeout = 30
markers = [
    "slow: long-running tests",
    "daemon: uses a real daemon subprocess",
]
"""


def stage(only: list[str], at: Path) -> None:
    if at.exists():
        shutil.rmtree(at)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "server" / "tidewire", at / "src" / "tidewire", ignore=ignore)
    shutil.copytree(ROOT / "tests", at / "tests", ignore=ignore)
    for data in ALSO_COPY:
        shutil.copytree(ROOT / data, at / data, ignore=ignore)
    tests = [t for t in TEST_SELECTION]
    tests += [f"--ignore={d}" for d in DESELECT]
    tests += [f"--deselect={t}" for t in DESELECT_TESTS]
    (at / "pyproject.toml").write_text(
        _PYPROJECT.format(
            also=json.dumps(list(ALSO_COPY)),
            only=json.dumps([f"src/tidewire/{t}" for t in only]),
            skip=json.dumps([f"src/tidewire/{t}" for t in NOT_SCORED]),
            tests=json.dumps(tests),
        )
    )


# A mutant's name: the module, then `.x` and the mangled function name (`xǁClassǁmethod__mutmut_3`).
_MUTANT = re.compile(r"^(tidewire(?:\.\w+)+?)\.x[ǁ_]")
_STATUSES = ("killed", "timeout", "survived", "no tests", "suspicious", "skipped", "segfault", "not checked")


def by_module(results: str) -> dict[str, dict[str, int]]:
    """Counts of each status per module, from ``mutmut results --all true``."""
    modules: dict[str, dict[str, int]] = {}
    for line in results.splitlines():
        name, _, status = line.strip().rpartition(": ")
        match = _MUTANT.match(name)
        if match is None:
            continue
        counts = modules.setdefault(match.group(1), {})
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(modules.items()))


def score(counts: dict[str, int]) -> tuple[int, int]:
    """(killed, total) over the checked mutants; a timeout counts as killed."""
    checked = {k: v for k, v in counts.items() if k != "not checked"}
    return checked.get("killed", 0) + checked.get("timeout", 0), sum(checked.values())


def summarise(at: Path) -> dict[str, object]:
    stats_file = at / "mutants" / "mutmut-cicd-stats.json"
    subprocess.run([sys.executable, "-m", "mutmut", "export-cicd-stats"], cwd=at, check=True)
    stats: dict[str, object] = json.loads(stats_file.read_text())
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=at,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    stats["modules"] = by_module(results)
    stats["survivors"] = [
        line.strip()
        for line in results.splitlines()
        if line.strip() and not line.strip().endswith(": killed")
    ]
    return stats


def run(only: list[str], max_children: int, at: Path) -> int:
    stage(only, at)
    # The "mutation" profile (tests/conftest.py): fewer examples per run, as every mutant runs them.
    env = {**os.environ, "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "mutation")}
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)], cwd=at, env=env
    )
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", default=list(TARGETS), help="globs under server/tidewire")
    parser.add_argument("--stage", default=STAGE_NAME, help=f"staging folder under {OUT}")
    parser.add_argument(
        "--summary-only",
        action="store_true",
        help="summarise the last run in build/mutation/ without running",
    )
    args = parser.parse_args()
    at = OUT / args.stage
    report = OUT / f"{args.stage}-report.json"
    if not args.summary_only:
        code = run(args.only, args.max_children, at)
        if code != 0:
            return code
    stats = summarise(at)
    report.write_text(json.dumps(stats, indent=2) + "\n")
    modules = stats["modules"] if isinstance(stats["modules"], dict) else {}
    for module, counts in modules.items():
        killed, total = score(counts)
        print(f"{module}: {killed} of {total} killed ({100.0 * killed / total if total else 0.0:.1f}%)")
    killed, total = score({k: sum(c.get(k, 0) for c in modules.values()) for k in _STATUSES})
    overall = 100.0 * killed / total if total else 0.0
    print(f"python mutation score: {overall:.1f}% ({killed} of {total} killed); report: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
