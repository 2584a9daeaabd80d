"""schemathesis over the daemon's own /openapi.json, against a real daemon subprocess.

Every operation, in every phase (schema examples, coverage of boundaries, random fuzzing, and
stateful sequences that feed one response's ids into the next request), with every check:
no 500, every status and body as documented, schema-valid input accepted (except the few
refusals listed in schemathesis.toml) and schema-invalid input refused. Bounded examples and
a fixed seed (SCHEMATHESIS_SEED to vary it) keep it to about a minute and reproducible.

The daemon runs with a PATH holding only git: fuzzed agent and MCP-server commands cannot
start any program (they are refused as not found), and no test events are enabled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import Daemon

HERE = Path(__file__).parent
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100")
SEED = os.environ.get("SCHEMATHESIS_SEED", "1")


def _git_repo(path: Path) -> Path:
    path.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    commit = ["git", "-C", str(path), "commit", "-q", "--allow-empty", "-m", "init"]
    subprocess.run(commit, check=True, env=env)
    return path


# The run's own bound is the subprocess timeout below; on a loaded 2-core machine the fuzz of
# every operation takes longer than the suite's default per-test limit.
@pytest.mark.timeout(660)
def test_the_api_matches_its_openapi_document(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git is not None
    (bin_dir / "git").symlink_to(git)
    daemon = daemon_factory(test_events=False, env={"PATH": str(bin_dir)})
    # One real project, so task, loop and agent operations can get past "unknown project".
    r = daemon.post("/api/projects", {"path": str(_git_repo(tmp_path / "repo"))})
    assert r.status_code == 201, r.text
    schemathesis = Path(sys.executable).with_name("schemathesis")
    run = subprocess.run(
        [
            str(schemathesis),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{daemon.base_url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=tmp_path,
        # A fresh Idempotency-Key per case (see schemathesis_hooks.py).
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "schemathesis_hooks.py")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    print(run.stdout[-3000:])
    assert "Traceback" not in daemon.log(), daemon.log()[-5000:]
