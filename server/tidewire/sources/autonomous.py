"""Autonomous loops: work through a project's ready tasks, one agent run per task.

Each iteration takes the next ready task (open, no open subtasks, most urgent first, not
yet tried by this loop), creates and claims a worktree for it, runs an agent there, and
then either merges the worktree and closes the task, or records the failure on the task,
puts it back to open and removes the worktree. The loop stops when no task is ready, at
`max_iterations`, after `max_failures` failed iterations, when asked to, or when the
daemon stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tidewire.errors import Conflict, DomainError, InvalidArgument, NotFound
from tidewire.protocol.models import AutonomousEvent, AutonomousLoop, LoopCommit, LoopIteration
from tidewire.services import git as gitops
from tidewire.services import new_id
from tidewire.services import tasks as task_service
from tidewire.services import worktrees as worktree_service
from tidewire.services.rows import fetch_all, fetch_one
from tidewire.sources.agents import AgentRunner, fill_placeholders
from tidewire.sources.options import autonomous_options, warn_unknown_keys
from tidewire.sources.records import loop_from_row
from tidewire.sources.txn import Tx

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

DEFAULT_MAX_FAILURES = 3
DEFAULT_PROMPT = (
    "{title}\n\n{description}\n\n"
    "You are working on task {task_id} in a git worktree of its own. Make the change, "
    "then commit it (git add, git commit) before you finish."
)
_LIVE = ("running", "stopping")


# A bound on the commits one iteration records: an agent that commits thousands of times still
# gets one row and one event of a sane size.
MAX_COMMITS = 100


@dataclass
class _Outcome:
    """How one iteration ended, as `_work_on` found it."""

    ok: bool
    detail: str | None = None
    agent_id: str | None = None
    commits: list[LoopCommit] = field(default_factory=list)


@dataclass
class _LoopState:
    loop_id: str
    project_id: str
    stop_reason: str | None = None
    agent_id: str | None = None
    tried: set[str] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


def _get(conn: Any, loop_id: str) -> dict[str, Any]:
    row = fetch_one(conn, "SELECT * FROM autonomous_loops WHERE id = ?", (loop_id,))
    if row is None:
        raise NotFound(f"no autonomous loop {loop_id!r}")
    return row


def _event(row: dict[str, Any], **extra: Any) -> AutonomousEvent:
    loop = loop_from_row(row)
    data = AutonomousEvent(loop_id=loop.id, project_id=loop.project_id, iteration=loop.iteration, loop=loop)
    for name, value in extra.items():
        if value is not None:
            setattr(data, name, value)
    return data


def next_ready_task(conn: Any, project_id: str, tried: set[str]) -> str | None:
    rows = fetch_all(
        conn,
        """SELECT t.id FROM tasks t
           WHERE t.project_id = ? AND t.status = 'open'
             AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id AND c.status <> 'closed')
           ORDER BY t.priority ASC, t.created_at ASC, t.id ASC""",
        (project_id,),
    )
    for row in rows:
        if row["id"] not in tried:
            return str(row["id"])
    return None


# The schema's bound for these counts (JSON's safe integers); SQLite could hold 2^63 - 1.
MAX_COUNT = 2**53 - 1


def _positive(value: Any, name: str, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
        raise InvalidArgument(f"{name} must be an integer from 1 to {MAX_COUNT}")
    return value


class AutonomousLoops:
    """`ctx.components["autonomous"]`: starts, runs and stops the loops."""

    name = "autonomous"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        options = autonomous_options(ctx.settings.raw_config)
        warn_unknown_keys(ctx.settings.raw_config, "autonomous")
        self.prompt_template = options.prompt or DEFAULT_PROMPT
        self.command = options.command  # an argv template; None: the agent command
        self.loops: dict[str, _LoopState] = {}

    @property
    def agents(self) -> AgentRunner:
        return self.ctx.component("agents", AgentRunner)

    async def start(self) -> None:
        # Loops live in this process only: any still marked live belonged to a daemon that died.
        rows, _ = await self.ctx.store.read(
            lambda conn: fetch_all(conn, "SELECT id FROM autonomous_loops WHERE status <> 'stopped'")
        )
        for row in rows:
            await self.ctx.store.write(self._stopper(str(row["id"]), "daemon_stopping"))

    async def stop(self) -> None:
        states = list(self.loops.values())
        for state in states:
            await self._request_stop(state, "daemon_stopping")
        for state in states:
            if state.task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await state.task

    # -- operations ------------------------------------------------------------------------

    async def start_loop(
        self, project_id: Any, max_iterations: Any = None, max_failures: Any = None
    ) -> AutonomousLoop:
        if not isinstance(project_id, str) or not project_id or len(project_id) > 128:
            raise InvalidArgument("project_id must be a string of 1 to 128 characters")
        iterations = _positive(max_iterations, "max_iterations", None)
        failures = _positive(max_failures, "max_failures", DEFAULT_MAX_FAILURES)
        loop_id = new_id("aut")

        def create(tx: Tx) -> dict[str, Any]:
            if fetch_one(tx.conn, "SELECT id FROM projects WHERE id = ?", (project_id,)) is None:
                raise NotFound(f"no project {project_id!r}")
            live = fetch_one(
                tx.conn,
                "SELECT id FROM autonomous_loops WHERE project_id = ? AND status <> 'stopped'",
                (project_id,),
            )
            if live is not None:
                raise Conflict(f"project {project_id} already has a running loop ({live['id']})")
            tx.conn.execute(
                """INSERT INTO autonomous_loops
                       (id, project_id, status, iteration, max_iterations, max_failures, failures, started_at)
                   VALUES (?, ?, 'running', 0, ?, ?, 0, ?)""",
                (loop_id, project_id, iterations, failures, tx.now),
            )
            row = _get(tx.conn, loop_id)
            tx.emit("autonomous.started", _event(row))
            return row

        row = await self.ctx.store.write(create)
        state = _LoopState(loop_id, project_id)
        self.loops[loop_id] = state
        state.task = asyncio.create_task(self._run(state), name=f"autonomous-{loop_id}")
        return loop_from_row(row)

    async def stop_loop(self, loop_id: Any) -> AutonomousLoop:
        if not isinstance(loop_id, str) or not loop_id:
            raise InvalidArgument("loop_id must be a non-empty string")
        row, _ = await self.ctx.store.read(lambda conn: _get(conn, loop_id))
        state = self.loops.get(loop_id)
        if row["status"] not in _LIVE or state is None:
            raise Conflict(f"autonomous loop {loop_id} is {row['status']}")
        await self._request_stop(state, "stop_requested")
        if state.task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(state.task)
        return await self.get(loop_id)

    async def get(self, loop_id: str) -> AutonomousLoop:
        row, _ = await self.ctx.store.read(lambda conn: _get(conn, loop_id))
        return loop_from_row(row)

    async def _request_stop(self, state: _LoopState, reason: str) -> None:
        if state.stop_reason is not None:
            return
        state.stop_reason = reason

        def mark(tx: Tx) -> None:
            tx.conn.execute(
                "UPDATE autonomous_loops SET status = 'stopping' WHERE id = ? AND status = 'running'",
                (state.loop_id,),
            )

        await self.ctx.store.write(mark)
        if state.agent_id is not None:
            with contextlib.suppress(DomainError):
                await self.agents.cancel_agent(state.agent_id)

    # -- the loop --------------------------------------------------------------------------

    def _stopper(self, loop_id: str, reason: str) -> Callable[[Tx], AutonomousLoop]:
        def stop(tx: Tx) -> AutonomousLoop:
            return self._stopped(tx, loop_id, reason)

        return stop

    def _stopped(self, tx: Tx, loop_id: str, reason: str) -> AutonomousLoop:
        row = _get(tx.conn, loop_id)
        if row["status"] == "stopped":
            return loop_from_row(row)
        current = row["current_task_id"]
        if current is not None:
            # Stopped mid-task (e.g. the daemon died): the task is ready again, not stuck in progress.
            task_row = fetch_one(tx.conn, "SELECT status FROM tasks WHERE id = ?", (current,))
            if task_row is not None and task_row["status"] == "in_progress":
                task_service.set_status(tx, current, "open")
        tx.conn.execute(
            """UPDATE autonomous_loops
               SET status = 'stopped', stopped_at = ?, stop_reason = ?, current_task_id = NULL
               WHERE id = ?""",
            (tx.now, reason, loop_id),
        )
        row = _get(tx.conn, loop_id)
        tx.emit("autonomous.stopped", _event(row, reason=reason))
        return loop_from_row(row)

    async def _run(self, state: _LoopState) -> None:
        reason = "error"
        try:
            reason = await self._iterate(state)
        except asyncio.CancelledError:
            reason = state.stop_reason or "daemon_stopping"
        except Exception:
            log.exception("autonomous loop %s failed", state.loop_id)
            reason = "error"
        finally:
            final = state.stop_reason or reason
            with contextlib.suppress(Exception):
                await asyncio.shield(self.ctx.store.write(lambda tx: self._stopped(tx, state.loop_id, final)))
            self.loops.pop(state.loop_id, None)

    async def _iterate(self, state: _LoopState) -> str:
        while True:
            if state.stop_reason is not None:
                return state.stop_reason
            row, _ = await self.ctx.store.read(lambda conn: _get(conn, state.loop_id))
            if row["max_iterations"] is not None and row["iteration"] >= row["max_iterations"]:
                return "max_iterations"
            if row["failures"] >= row["max_failures"]:
                return "too_many_failures"

            def pick(tx: Tx) -> str | None:
                task_id = next_ready_task(tx.conn, state.project_id, state.tried)
                if task_id is None:
                    return None
                task_service.set_status(tx, task_id, "in_progress")
                tx.conn.execute(
                    "UPDATE autonomous_loops SET iteration = iteration + 1, current_task_id = ? WHERE id = ?",
                    (task_id, state.loop_id),
                )
                return task_id

            task_id = await self.ctx.store.write(pick)
            if task_id is None:
                return "no_ready_tasks"
            state.tried.add(task_id)
            outcome = await self._work_on(state, task_id)
            await self.ctx.store.write(self._recorder(state, task_id, outcome))

    def _recorder(self, state: _LoopState, task_id: str, outcome: _Outcome) -> Callable[[Tx], None]:
        def record(tx: Tx) -> None:
            self._record(tx, state, task_id, outcome)

        return record

    def _record(self, tx: Tx, state: _LoopState, task_id: str, result: _Outcome) -> None:
        ok, detail = result.ok, result.detail
        stopped_early = not ok and state.stop_reason is not None
        if not ok:
            task_row = fetch_one(tx.conn, "SELECT status FROM tasks WHERE id = ?", (task_id,))
            if task_row is not None and task_row["status"] != "closed":
                if not stopped_early:
                    task_service.record_failure(tx, task_id, detail or "the agent failed")
                task_service.set_status(tx, task_id, "open")
        if not ok and not stopped_early:
            tx.conn.execute(
                "UPDATE autonomous_loops SET failures = failures + 1 WHERE id = ?", (state.loop_id,)
            )
        tx.conn.execute("UPDATE autonomous_loops SET current_task_id = NULL WHERE id = ?", (state.loop_id,))
        row = _get(tx.conn, state.loop_id)
        outcome = "succeeded" if ok else ("stopped" if stopped_early else "failed")
        commits = [c.model_dump() for c in result.commits]
        # The iteration's row and its event commit together: the timeline read after a reload
        # is the one the events drew.
        tx.conn.execute(
            """INSERT INTO autonomous_iterations
                   (loop_id, iteration, task_id, agent_id, outcome, detail, commits, ended_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                state.loop_id,
                row["iteration"],
                task_id,
                result.agent_id,
                outcome,
                detail,
                json.dumps(commits),
                tx.now,
            ),
        )
        tx.emit(
            "autonomous.iteration",
            _event(
                row,
                task_id=task_id,
                outcome=outcome,
                detail=detail,
                agent_id=result.agent_id,
                commits=list(result.commits),
            ),
        )

    def _prompt(self, task: Any) -> str:
        description = task.description if isinstance(task.description, str) else ""
        values = {"title": task.title, "description": description, "task_id": task.id}
        return fill_placeholders(self.prompt_template, values)

    async def _work_on(self, state: _LoopState, task_id: str) -> _Outcome:
        """Runs one task; returns how it ended."""
        store = self.ctx.store
        worktrees_dir = Path(self.ctx.settings.data_dir) / "worktrees"
        iteration_row, _ = await store.read(lambda conn: _get(conn, state.loop_id))
        branch = f"tidewire/{task_id}-{state.loop_id[-6:]}-{iteration_row['iteration']}"
        worktree_id: str | None = None
        outcome = _Outcome(ok=False)
        try:
            task, _ = await task_service.get_task(store, task_id)
            wt, _ = await worktree_service.create_worktree(
                store, worktrees_dir, branch=branch, project_id=state.project_id, task_id=task_id
            )
            worktree_id = wt.id
            await worktree_service.claim_worktree(store, wt.id, f"autonomous:{state.loop_id}")
            if state.stop_reason is not None:
                raise _Stopped()
            run = await self.agents.start_agent(
                self._prompt(task),
                task_id=task_id,
                worktree_id=wt.id,
                command=self.command,
                loop=(state.loop_id, int(iteration_row["iteration"])),
            )
            state.agent_id = run.id
            outcome.agent_id = run.id
            try:
                run = await self.agents.wait_for(run.id)
            finally:
                state.agent_id = None
            if run.status != "completed":
                tail = "; ".join((run.stderr_tail or [])[-3:]) if isinstance(run.stderr_tail, list) else ""
                code = f"exit code {run.exit_code}" if run.exit_code is not None else run.status
                raise _Failed(f"agent {run.id} {run.status} ({code}){': ' + tail if tail else ''}")
            outcome.commits = await _new_commits(wt.path, wt.branch, wt.base_branch)
            if not await _has_new_commits(wt.path, wt.branch, wt.base_branch):
                # Merging would change nothing and closing would claim work that was never done.
                raise _Failed(f"agent {run.id} made no commits{await _uncommitted_note(wt.path)}")
            await worktree_service.merge_worktree(store, wt.id)
            worktree_id = None
            await task_service.close_task(store, task_id, f"completed by autonomous loop {state.loop_id}")
            outcome.ok = True
        except _Stopped:
            outcome.detail = "stop requested"
        except _Failed as exc:
            outcome.detail = str(exc)
        except DomainError as exc:
            outcome.detail = f"{exc.code}: {exc.message}"
        finally:
            if worktree_id is not None:
                with contextlib.suppress(DomainError, Exception):
                    await worktree_service.delete_worktree(store, worktree_id, force=True)
        return outcome


async def _has_new_commits(checkout: str, branch: str, base_branch: str) -> bool:
    """Whether `branch` has commits its base branch does not (the base may have moved on meanwhile)."""
    try:
        return not await gitops.is_ancestor(checkout, f"refs/heads/{branch}", f"refs/heads/{base_branch}")
    except gitops.GitError as exc:
        raise _Failed(f"cannot look at the commits of {branch}: {exc}") from None


async def _new_commits(checkout: str, branch: str, base_branch: str) -> list[LoopCommit]:
    """The commits on `branch` that its base branch lacks, oldest first (at most MAX_COMMITS, the newest)."""
    try:
        out = await gitops.git_ok(
            checkout,
            "log",
            "--reverse",
            "--format=%H%x09%s",
            f"refs/heads/{base_branch}..refs/heads/{branch}",
        )
    except gitops.GitError:
        return []  # the outcome says what went wrong with the branch; the list is only a view of it
    commits = []
    for line in out.splitlines():
        sha, _, subject = line.partition("\t")
        if sha:
            commits.append(LoopCommit(sha=sha, subject=subject))
    return commits[-MAX_COMMITS:]


async def _uncommitted_note(checkout: str) -> str:
    try:
        dirty = await gitops.dirty_files(checkout)
    except gitops.GitError:
        return ""
    return f" ({len(dirty)} uncommitted changes left in the worktree)" if dirty else " (nothing to merge)"


class _Stopped(Exception):
    pass


class _Failed(Exception):
    pass


def list_loops(conn: Any, project_id: str | None = None) -> list[AutonomousLoop]:
    sql = "SELECT * FROM autonomous_loops"
    params: tuple[Any, ...] = ()
    if project_id is not None:
        sql += " WHERE project_id = ?"
        params = (project_id,)
    return [loop_from_row(r) for r in fetch_all(conn, sql + " ORDER BY started_at DESC, id", params)]


def get_loop(conn: Any, loop_id: str) -> AutonomousLoop:
    return loop_from_row(_get(conn, loop_id))


def list_iterations(conn: Any, loop_id: str) -> list[LoopIteration]:
    """A loop's finished iterations, first to last (the running one is the loop's `current_task_id`)."""
    _get(conn, loop_id)
    rows = fetch_all(
        conn, "SELECT * FROM autonomous_iterations WHERE loop_id = ? ORDER BY iteration", (loop_id,)
    )
    return [iteration_from_row(r) for r in rows]


def iteration_from_row(row: dict[str, Any]) -> LoopIteration:
    return LoopIteration.model_validate({**row, "commits": json.loads(row["commits"])})
