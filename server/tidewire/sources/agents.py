"""Agent runs: an agent CLI started as a subprocess in a worktree or project, watched to its end."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tidewire.errors import Conflict, InvalidArgument, NotFound
from tidewire.protocol.models import AgentEvent, AgentRun
from tidewire.services import new_id
from tidewire.services import worktrees as worktree_service
from tidewire.services.rows import fetch_all, fetch_one
from tidewire.sources import processes
from tidewire.sources.agent_output import OutputLog
from tidewire.sources.daemon_url import local_url
from tidewire.sources.options import check_agent_section, warn_unknown_keys
from tidewire.sources.records import agent_from_row
from tidewire.sources.text_check import first_lone_surrogate
from tidewire.sources.timefmt import parse_utc
from tidewire.sources.txn import Tx
from tidewire.store import write_hook

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

_MAX_PROMPT = 100_000
_ENV_MARKER = "TIDEWIRE_AGENT_ID"


@dataclass(frozen=True)
class Placement:
    cwd: str
    project_id: str | None
    task_id: str | None
    worktree_id: str | None


@dataclass
class _Live:
    running: processes.RunningProcess
    started: float
    output: OutputLog
    done: asyncio.Event = field(default_factory=asyncio.Event)
    cancel_requested: bool = False
    monitor: asyncio.Task[None] | None = None


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Replaces every `{name}` of `values` in one pass over `template`.

    One pass, so text that came in through a value (a prompt or a task title mentioning
    `{cwd}`) is never expanded again; unknown `{...}` stay as written.
    """
    if not values:
        return template
    pattern = re.compile("|".join(re.escape("{" + name + "}") for name in values))
    return pattern.sub(lambda match: values[match.group(0)[1:-1]], template)


def build_argv(template: list[str], prompt: str, placement: Placement) -> list[str]:
    """Fills placeholders element by element; the prompt stays one argument whatever it contains."""
    values = {
        "prompt": prompt,
        "cwd": placement.cwd,
        "task_id": placement.task_id or "",
        "worktree_id": placement.worktree_id or "",
        "project_id": placement.project_id or "",
    }
    return [fill_placeholders(part, values) for part in template]


def _check_ids(**ids: Any) -> None:
    for name, value in ids.items():
        if value is not None and (not isinstance(value, str) or not value or len(value) > 128):
            raise InvalidArgument(f"{name} must be a string of 1 to 128 characters")
        _check_text(name, value)


def _check_text(name: str, value: Any) -> None:
    """Refuses a lone surrogate (JSON's `"\\udc80"`): no store write or argv can carry it."""
    where = first_lone_surrogate(value)
    if where is not None:
        label = name if where == "the value" else name + (where if where.startswith("[") else "." + where)
        raise InvalidArgument(f"{label} holds a lone surrogate (such as \\udc80), which is not valid Unicode")


def check_argv(argv: list[str]) -> None:
    """What the spawn and the record both need of the argv, checked before either happens."""
    _check_text("command", argv)
    for i, part in enumerate(argv):
        if "\0" in part:
            raise InvalidArgument(f"command[{i}] holds a NUL character, which no argv can carry")


def _check_runnable(program: str) -> None:
    """Refuses a program that cannot be found or run (a `{...}` placeholder is left to the spawn)."""
    if "{" in program:
        return
    found = program if os.sep in program else shutil.which(program)
    if found is None or not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise InvalidArgument(f"cannot run {program!r}: no such executable")


def resolve_placement(
    conn: Any, project_id: str | None, task_id: str | None, worktree_id: str | None
) -> Placement:
    """Where the agent runs: the worktree's checkout, else the project (or the task's project)."""
    if worktree_id is not None:
        wt = fetch_one(conn, "SELECT * FROM worktrees WHERE id = ?", (worktree_id,))
        if wt is None:
            raise NotFound(f"no worktree {worktree_id!r}")
        if wt["status"] not in ("active", "claimed"):
            raise Conflict(f"worktree {worktree_id} is {wt['status']}")
        if project_id is not None and project_id != wt["project_id"]:
            raise InvalidArgument(f"worktree {worktree_id} belongs to project {wt['project_id']}")
        task = task_id if task_id is not None else wt["task_id"]
        if task is not None and fetch_one(conn, "SELECT id FROM tasks WHERE id = ?", (task,)) is None:
            raise NotFound(f"no task {task!r}")
        return Placement(str(wt["path"]), str(wt["project_id"]), task, worktree_id)
    if task_id is not None:
        task_row = fetch_one(conn, "SELECT * FROM tasks WHERE id = ?", (task_id,))
        if task_row is None:
            raise NotFound(f"no task {task_id!r}")
        project_id = project_id or task_row["project_id"]
    if project_id is None:
        raise InvalidArgument("give a worktree_id, a project_id or a task_id to say where the agent runs")
    project = fetch_one(conn, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if project is None:
        raise NotFound(f"no project {project_id!r}")
    return Placement(str(project["path"]), project_id, task_id, None)


def _event(run: AgentRun) -> AgentEvent:
    return AgentEvent(
        agent_id=run.id,
        task_id=run.task_id,
        worktree_id=run.worktree_id,
        project_id=run.project_id,
        status=run.status,
        exit_code=run.exit_code,
        duration_ms=run.duration_ms,
        stderr_tail=run.stderr_tail,
        agent=run,
    )


def _get(conn: Any, agent_id: str) -> dict[str, Any]:
    row = fetch_one(conn, "SELECT * FROM agent_runs WHERE id = ?", (agent_id,))
    if row is None:
        raise NotFound(f"no agent run {agent_id!r}")
    return row


def _insert(tx: Tx, row: dict[str, Any]) -> AgentRun:
    row = {**row, "started_at": tx.now}
    tx.conn.execute(
        """INSERT INTO agent_runs (id, project_id, task_id, worktree_id, prompt, command, cwd, status, pid,
                                   started_at, stderr_tail, log_path, node, loop_id, loop_iteration)
           VALUES (:id, :project_id, :task_id, :worktree_id, :prompt, :command, :cwd, 'running', :pid,
                   :started_at, '[]', :log_path, :node, :loop_id, :loop_iteration)""",
        row,
    )
    run = agent_from_row(_get(tx.conn, row["id"]))
    tx.emit("agent.started", _event(run))
    return run


def _finish(
    tx: Tx, agent_id: str, status: str, exit_code: int | None, duration_ms: float | None, tail: list[str]
) -> AgentRun:
    row = _get(tx.conn, agent_id)
    if row["status"] != "running":
        return agent_from_row(row)  # already recorded (e.g. by the restart reconciliation)
    if duration_ms is None:
        duration_ms = max(0.0, (parse_utc(tx.now) - parse_utc(row["started_at"])).total_seconds() * 1000)
    tx.conn.execute(
        """UPDATE agent_runs SET status = ?, exit_code = ?, ended_at = ?, duration_ms = ?, stderr_tail = ?
           WHERE id = ?""",
        (status, exit_code, tx.now, duration_ms, json.dumps(tail), agent_id),
    )
    run = agent_from_row(_get(tx.conn, agent_id))
    event = {"completed": "agent.completed", "cancelled": "agent.cancelled"}.get(status, "agent.failed")
    tx.emit(event, _event(run))
    return run


def _finisher(agent_id: str, tail: list[str]) -> Any:
    def finish(tx: Tx) -> AgentRun:
        return _finish(tx, agent_id, "lost", None, None, tail)

    return finish


def mark_node_lost(tx: Tx, node: str) -> list[AgentRun]:
    """Records every run `node` was running as `lost`, with its event, in the caller's transaction.

    For a node whose lease expired (sources/leases.py): its processes, logs and checkouts are on
    its own machine, out of this daemon's reach, so nothing is killed or read here.
    """
    rows = fetch_all(
        tx.conn,
        "SELECT id, stderr_tail FROM agent_runs WHERE status = 'running' AND node = ? ORDER BY id",
        (node,),
    )
    line = f"node {node} stopped renewing its lease while this agent was running"
    return [
        _finish(
            tx,
            str(row["id"]),
            "lost",
            None,
            None,
            [*json.loads(row["stderr_tail"]), line][-processes.STDERR_TAIL_LINES :],
        )
        for row in rows
    ]


class AgentRunner:
    """Starts, watches and cancels agent runs; a daemon component (`ctx.components["agents"]`)."""

    name = "agents"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.live: dict[str, _Live] = {}
        self.log_dir = Path(ctx.settings.data_dir) / "agents"
        check_agent_section(ctx.settings.raw_config)
        warn_unknown_keys(ctx.settings.raw_config, "agent")

    @property
    def grace_seconds(self) -> float:
        return float(self.ctx.settings.agent_grace_seconds)

    async def start(self) -> None:
        await self._reconcile_leftovers()

    async def stop(self) -> None:
        # Agents do not outlive the daemon that watches them; their rows stay `running` and the
        # next start reports them as lost (the same path as after a crash).
        live = list(self.live.values())
        for entry in live:
            if entry.monitor is not None:
                entry.monitor.cancel()
        await asyncio.gather(*(processes.terminate(e.running, self.grace_seconds) for e in live))
        for entry in live:
            if entry.monitor is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await entry.monitor
        self.live.clear()

    async def stop_disowned(self) -> list[str]:
        """Stops this daemon's processes whose runs another node has already recorded as `lost`.

        After this node's lease expired under it (a pause, a database out of reach) and a survivor
        reported its runs: their records are final, so nothing would record how they end.
        """
        if not self.live:
            return []
        ids = list(self.live)
        marks = ", ".join("?" for _ in ids)
        rows, _ = await self.ctx.store.read(
            lambda conn: fetch_all(
                conn, f"SELECT id FROM agent_runs WHERE status <> 'running' AND id IN ({marks})", ids
            )
        )
        stopped = [str(row["id"]) for row in rows]
        entries = [self.live[i] for i in stopped if i in self.live]
        await asyncio.gather(*(processes.terminate(e.running, self.grace_seconds) for e in entries))
        for agent_id in stopped:
            log.error(
                "agent %s was stopped: another node recorded it as lost when this node's lease expired",
                agent_id,
            )
        return stopped

    async def _reconcile_leftovers(self) -> None:
        # On a database other live daemons share, only this node's runs are its leftovers (and runs
        # recorded before nodes existed); another node's are left to it, or to its lease's expiry.
        # Alone on its SQLite file, every running run is this daemon's, whatever node it names.
        if self.ctx.store.shared:
            sql = "SELECT * FROM agent_runs WHERE status = 'running' AND (node = ? OR node IS NULL)"
            params: tuple[Any, ...] = (self.ctx.node_id,)
        else:
            sql, params = "SELECT * FROM agent_runs WHERE status = 'running'", ()
        rows, _ = await self.ctx.store.read(lambda conn: fetch_all(conn, sql, params))
        for row in rows:
            if row["pid"] is not None:
                await asyncio.to_thread(
                    processes.kill_leftover, int(row["pid"]), f"{_ENV_MARKER}={row['id']}"
                )
            tail = (
                await asyncio.to_thread(processes.read_tail, Path(row["log_path"])) if row["log_path"] else []
            )
            tail = [*tail, "the daemon stopped while this agent was running"][-processes.STDERR_TAIL_LINES :]
            await self.ctx.store.write(_finisher(row["id"], tail))

    def _env(self, agent_id: str, placement: Placement) -> dict[str, str]:
        settings = self.ctx.settings
        env = dict(os.environ)
        env.update(
            {
                _ENV_MARKER: agent_id,
                "TIDEWIRE_TASK_ID": placement.task_id or "",
                "TIDEWIRE_WORKTREE_ID": placement.worktree_id or "",
                "TIDEWIRE_PROJECT_ID": placement.project_id or "",
                "TIDEWIRE_URL": local_url(settings.host, settings.port),
            }
        )
        # The daemon's own token, so the agent's hooks and `tidewire mcp` get in; without one,
        # a token inherited from the daemon's environment is no use to the agent either.
        env.pop("TIDEWIRE_TOKEN", None)
        if settings.token:
            env["TIDEWIRE_TOKEN"] = settings.token
        return env

    async def start_agent(
        self,
        prompt: Any,
        project_id: Any = None,
        task_id: Any = None,
        worktree_id: Any = None,
        command: Any = None,
        loop: tuple[str, int] | None = None,
    ) -> AgentRun:
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidArgument("prompt must be a non-empty string")
        if len(prompt) > _MAX_PROMPT:
            raise InvalidArgument(f"prompt is longer than {_MAX_PROMPT} characters")
        _check_text("prompt", prompt)
        _check_ids(project_id=project_id, task_id=task_id, worktree_id=worktree_id)
        template = self.ctx.settings.agent_command if command is None else command
        if not isinstance(template, list) or not template or not all(isinstance(p, str) for p in template):
            raise InvalidArgument("command must be a non-empty list of strings (an argv, not a shell string)")
        if not template[0]:
            raise InvalidArgument("command[0] must name a program")
        check_argv(template)
        placement, _ = await self.ctx.store.read(
            lambda conn: resolve_placement(conn, project_id, task_id, worktree_id)
        )
        agent_id = new_id("agt")
        own_worktree: str | None = None
        if placement.worktree_id is None:
            # Found before the worktree is made, so a command that cannot run writes nothing.
            check_argv(build_argv(list(template), prompt, placement))
            await asyncio.to_thread(_check_runnable, template[0])
            # An agent never works in the repository's own checkout, where its commits would land
            # on the branch the user has checked out: it gets a worktree of its own, claimed by it.
            with write_hook.passed_over():
                placement = await self._own_worktree(agent_id, placement)
            own_worktree = placement.worktree_id
        try:
            return await self._spawn(agent_id, prompt, template, placement, loop)
        except BaseException:
            if own_worktree is not None:
                await self._drop_worktree(own_worktree)
            raise

    async def _own_worktree(self, agent_id: str, placement: Placement) -> Placement:
        store = self.ctx.store
        worktrees_dir = Path(self.ctx.settings.data_dir) / "worktrees"
        wt, _ = await worktree_service.create_worktree(
            store,
            worktrees_dir,
            branch=f"agent/{agent_id}",
            project_id=placement.project_id,
            task_id=placement.task_id,
        )
        try:
            await worktree_service.claim_worktree(store, wt.id, agent_id)
        except BaseException:
            await self._drop_worktree(wt.id)
            raise
        return Placement(wt.path, placement.project_id, placement.task_id, wt.id)

    async def _drop_worktree(self, worktree_id: str) -> None:
        """Removes a worktree made for a run that did not start, so no half of it is left."""
        try:
            with write_hook.passed_over():  # the failed request's key must not commit with this
                await worktree_service.delete_worktree(self.ctx.store, worktree_id, force=True)
        except Exception:
            log.exception("could not remove worktree %s, made for an agent that never started", worktree_id)

    async def _spawn(
        self,
        agent_id: str,
        prompt: str,
        template: list[str],
        placement: Placement,
        loop: tuple[str, int] | None = None,
    ) -> AgentRun:
        if not await asyncio.to_thread(os.path.isdir, placement.cwd):
            raise Conflict(f"the agent's directory {placement.cwd} does not exist")
        argv = build_argv(list(template), prompt, placement)
        check_argv(argv)  # placement values come from the store, but the whole argv is what runs
        log_path = self.log_dir / f"{agent_id}.log"
        row: dict[str, Any] = {
            "id": agent_id,
            "project_id": placement.project_id,
            "task_id": placement.task_id,
            "worktree_id": placement.worktree_id,
            "prompt": prompt,
            "command": json.dumps(argv),
            "cwd": placement.cwd,
            "pid": None,
            "log_path": str(log_path),
            "node": self.ctx.node_id or None,  # an embedding context may have no node id
            "loop_id": loop[0] if loop else None,
            "loop_iteration": loop[1] if loop else None,
        }
        # A spawn and its record are one outcome. Everything the record needs was checked above;
        # if the spawn fails nothing is recorded (422, nothing ran); if the record still cannot
        # be written (the disk, the database), the process group is killed and reaped before the
        # error is returned, so no agent runs without a record.
        try:
            running = await processes.spawn(argv, placement.cwd, self._env(agent_id, placement), log_path)
        except OSError as exc:
            raise InvalidArgument(f"cannot run {argv[0]!r}: {exc.strerror or exc}") from None
        except ValueError as exc:  # whatever else the OS refuses in an argv
            raise InvalidArgument(f"cannot run the command: {exc}") from None
        output = OutputLog(self.ctx.store, agent_id, log_path)
        entry = _Live(running=running, started=time.monotonic(), output=output)
        self.live[agent_id] = entry
        row["pid"] = running.pid
        try:
            run = await self.ctx.store.write(lambda tx: _insert(tx, row))
        except BaseException:
            self.live.pop(agent_id, None)
            await processes.kill_and_reap(running)
            log.error("agent %s was killed: its record could not be written", agent_id)
            raise
        entry.monitor = asyncio.create_task(self._watch(agent_id, entry), name=f"agent-{agent_id}")
        return run

    async def _watch(self, agent_id: str, entry: _Live) -> None:
        try:
            code = await processes.wait(entry.running, entry.output.append)
            duration = (time.monotonic() - entry.started) * 1000
            tail = list(entry.running.stderr_tail)
            if entry.cancel_requested:
                status = "cancelled"
            elif code == 0:
                status = "completed"
            else:
                status = "failed"
            await self.ctx.store.write(lambda tx: _finish(tx, agent_id, status, code, duration, tail))
        except Exception:
            log.exception("watching agent %s failed", agent_id)
        finally:
            entry.done.set()
            self.live.pop(agent_id, None)

    async def cancel_agent(self, agent_id: Any) -> AgentRun:
        _check_ids(agent_id=agent_id)
        row, _ = await self.ctx.store.read(lambda conn: _get(conn, agent_id))
        entry = self.live.get(agent_id)
        node = row["node"]
        if row["status"] == "running" and node is not None and node != self.ctx.node_id:
            # Its process is on another machine; only the daemon there can stop it.
            raise Conflict(
                f"agent {agent_id} runs on node {node}, not on this daemon (node {self.ctx.node_id}): "
                f"send the cancel to node {node}'s daemon",
                code="other_node",
            )
        if row["status"] != "running" or entry is None:
            raise Conflict(f"agent {agent_id} is not running (status {row['status']})")
        entry.cancel_requested = True
        await processes.terminate(entry.running, self.grace_seconds)
        await entry.done.wait()
        return await self.get(agent_id)

    async def wait_for(self, agent_id: str) -> AgentRun:
        entry = self.live.get(agent_id)
        if entry is not None:
            await entry.done.wait()
        return await self.get(agent_id)

    def output_end(self, agent_id: str) -> int | None:
        """How far a running agent's log holds whole chunks; None when the run is not live here."""
        entry = self.live.get(agent_id)
        return None if entry is None else entry.output.end

    async def get(self, agent_id: Any) -> AgentRun:
        _check_ids(agent_id=agent_id)
        row, _ = await self.ctx.store.read(lambda conn: _get(conn, agent_id))
        return agent_from_row(row)


def list_agents(conn: Any, status: str | None = None, task_id: str | None = None) -> list[AgentRun]:
    sql = "SELECT * FROM agent_runs WHERE 1 = 1"
    params: list[Any] = []
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    if task_id is not None:
        sql += " AND task_id = ?"
        params.append(task_id)
    return [agent_from_row(r) for r in fetch_all(conn, sql + " ORDER BY started_at DESC, id", params)]


def get_agent(conn: Any, agent_id: str) -> AgentRun:
    return agent_from_row(_get(conn, agent_id))


def agent_log(conn: Any, agent_id: str) -> tuple[AgentRun, str | None]:
    """The run and the path of its kept log (None for a run recorded without one)."""
    row = _get(conn, agent_id)
    return agent_from_row(row), row["log_path"]
