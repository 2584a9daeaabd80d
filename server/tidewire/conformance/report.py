"""Case results: one line each on stdout and a JUnit XML file for CI.

JUnit is written with the standard library's ElementTree: the format is three elements deep and
CI readers accept this subset; a dependency would buy nothing here.
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


class CaseFailed(AssertionError):
    """Raised by a case's check: the message says what the peer did and what the rule requires."""


class CaseNotApplicable(Exception):
    """Raised by a case whose rule does not apply to the peer as it was configured (for example
    the token rules against a server run without ``--token``). The message says why; the case is
    reported as SKIP, counts as neither passed nor failed, and does not change the exit status."""


def expect(condition: bool, message: str) -> None:
    """Fail the running case with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CaseFailed(message)


@dataclass(frozen=True)
class Case:
    """One scripted check. ``rule`` names the section of docs/protocol.md it checks, as
    "§<heading>" followed by the rule in a few words."""

    name: str
    rule: str
    run: Callable[[], Awaitable[None]]
    # Seconds the case may take, when it needs another bound than the kit's default.
    limit_s: float | None = None


@dataclass
class Result:
    case: Case
    passed: bool
    seconds: float
    message: str = ""
    skipped: bool = False


@dataclass
class Report:
    suite: str
    results: list[Result] = field(default_factory=list)
    out: TextIO = sys.stdout

    async def run(self, case: Case, limit: float) -> Result:
        """Run ``case`` with ``limit`` seconds for a verdict and record the result."""
        import asyncio

        started = time.monotonic()
        try:
            await asyncio.wait_for(case.run(), limit)
            result = Result(case, True, time.monotonic() - started)
        except CaseFailed as exc:
            result = Result(case, False, time.monotonic() - started, str(exc))
        except CaseNotApplicable as exc:
            result = Result(case, True, time.monotonic() - started, str(exc), skipped=True)
        except TimeoutError:
            result = Result(case, False, time.monotonic() - started, f"no verdict within {limit:g} s")
        except Exception as exc:  # a case that crashes is a failed case, never a crashed kit
            result = Result(case, False, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
        self.add(result)
        return result

    def add(self, result: Result) -> None:
        self.results.append(result)
        verdict = "SKIP" if result.skipped else "PASS" if result.passed else "FAIL"
        line = f"{verdict} {result.case.name} ({result.case.rule}) {result.seconds:.2f}s"
        if result.message:
            line += f": {result.message}"
        print(line, file=self.out, flush=True)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    @property
    def skipped(self) -> list[Result]:
        return [r for r in self.results if r.skipped]

    def summary(self) -> str:
        failed, skipped = len(self.failures), len(self.skipped)
        text = f"{self.suite}: {len(self.results) - failed - skipped} passed, {failed} failed"
        return text + (f", {skipped} not applicable" if skipped else "")

    def write_junit(self, path: Path) -> None:
        suite = ET.Element(
            "testsuite",
            name=self.suite,
            tests=str(len(self.results)),
            failures=str(len(self.failures)),
            errors="0",
            skipped=str(len(self.skipped)),
            time=f"{sum(r.seconds for r in self.results):.3f}",
        )
        for r in self.results:
            tc = ET.SubElement(
                suite, "testcase", classname=self.suite, name=r.case.name, time=f"{r.seconds:.3f}"
            )
            ET.SubElement(ET.SubElement(tc, "properties"), "property", name="rule", value=r.case.rule)
            if not r.passed:
                ET.SubElement(tc, "failure", message=r.message).text = f"{r.case.rule}\n{r.message}"
            elif r.skipped:
                ET.SubElement(tc, "skipped", message=r.message)
        root = ET.Element("testsuites")
        root.append(suite)
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)

    def exit_code(self) -> int:
        # A run that checked nothing (no case, or every case not applicable) proves nothing.
        checked = [r for r in self.results if not r.skipped]
        return 1 if self.failures or not checked else 0
