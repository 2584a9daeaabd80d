"""Mutation testing of the daemon's core (`ws/`, `bus/`, `store/`) with mutmut.

mutmut 3 only finds mutated code under `./`, `src/` or `source/` and names each mutant after
its path, while the package lives in `server/tidewire`. Rather than bend the repository's
layout to one tool, this stages a throwaway tree in `build/mutation/` (`src/tidewire`, `tests/`
and a pyproject with the mutmut settings), runs mutmut there and writes a summary.

Only in-process tests can kill a mutant (mutmut switches mutants inside the test process); the
suites that start a daemon subprocess run the original code, so they are left out here and the
score measures what the fast in-process tests (unit, sans-I/O model and property tests) catch.

Usage: python tests/mutation/run_python.py [--max-children N] [--only ws/connection.py ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGE = ROOT / "build" / "mutation" / "python"
REPORT = ROOT / "build" / "mutation" / "python-report.json"

# The modules whose mutants count (paths under server/tidewire).
TARGETS = ("ws/*", "bus/*", "store/*")
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
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = {tests}

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
timeout = 120
markers = [
    "slow: long-running tests",
    "daemon: uses a real daemon subprocess",
]
"""


def stage(only: list[str]) -> None:
    if STAGE.exists():
        shutil.rmtree(STAGE)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "server" / "tidewire", STAGE / "src" / "tidewire", ignore=ignore)
    shutil.copytree(ROOT / "tests", STAGE / "tests", ignore=ignore)
    for data in ALSO_COPY:
        shutil.copytree(ROOT / data, STAGE / data, ignore=ignore)
    tests = [t for t in TEST_SELECTION]
    tests += [f"--ignore={d}" for d in DESELECT]
    tests += [f"--deselect={t}" for t in DESELECT_TESTS]
    (STAGE / "pyproject.toml").write_text(
        _PYPROJECT.format(
            also=json.dumps(list(ALSO_COPY)),
            only=json.dumps([f"src/tidewire/{t}" for t in only]),
            tests=json.dumps(tests),
        )
    )


def summarise() -> dict[str, object]:
    stats_file = STAGE / "mutants" / "mutmut-cicd-stats.json"
    subprocess.run([sys.executable, "-m", "mutmut", "export-cicd-stats"], cwd=STAGE, check=True)
    stats: dict[str, object] = json.loads(stats_file.read_text())
    survivors = subprocess.run(
        [sys.executable, "-m", "mutmut", "results"], cwd=STAGE, check=True, capture_output=True, text=True
    ).stdout
    stats["survivors"] = [line.strip() for line in survivors.splitlines() if line.strip()]
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", default=list(TARGETS), help="globs under server/tidewire")
    args = parser.parse_args()
    stage(args.only)
    # The "mutation" profile (tests/conftest.py): fewer examples per run, as every mutant runs them.
    env = {**os.environ, "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "mutation")}
    run = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children)], cwd=STAGE, env=env
    )
    if run.returncode != 0:
        return run.returncode
    stats = summarise()
    REPORT.write_text(json.dumps(stats, indent=2) + "\n")
    killed = int(str(stats.get("killed", 0)))
    total = killed + int(str(stats.get("survived", 0))) + int(str(stats.get("no_tests", 0)))
    total += int(str(stats.get("timeout", 0))) + int(str(stats.get("suspicious", 0)))
    score = 100.0 * (killed + int(str(stats.get("timeout", 0)))) / total if total else 0.0
    print(f"python mutation score: {score:.1f}% ({killed} killed of {total}); report: {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
