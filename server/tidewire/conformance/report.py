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
    """Raised by a case whose rule does not apply to this peer (it never does what the rule is
    about, and the protocol allows that): the case passes, with the reason shown."""


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


@dataclass
class Result:
    case: Case
    passed: bool
    seconds: float
    message: str = ""


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
        except CaseNotApplicable as exc:
            result = Result(case, True, time.monotonic() - started, f"not applicable: {exc}")
        except CaseFailed as exc:
            result = Result(case, False, time.monotonic() - started, str(exc))
        except TimeoutError:
            result = Result(case, False, time.monotonic() - started, f"no verdict within {limit:g} s")
        except Exception as exc:  # a case that crashes is a failed case, never a crashed kit
            result = Result(case, False, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
        self.add(result)
        return result

    def add(self, result: Result) -> None:
        self.results.append(result)
        verdict = "PASS" if result.passed else "FAIL"
        line = f"{verdict} {result.case.name} ({result.case.rule}) {result.seconds:.2f}s"
        if result.message:
            line += f": {result.message}"
        print(line, file=self.out, flush=True)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    def summary(self) -> str:
        failed = len(self.failures)
        return f"{self.suite}: {len(self.results) - failed} passed, {failed} failed"

    def write_junit(self, path: Path) -> None:
        suite = ET.Element(
            "testsuite",
            name=self.suite,
            tests=str(len(self.results)),
            failures=str(len(self.failures)),
            errors="0",
            time=f"{sum(r.seconds for r in self.results):.3f}",
        )
        for r in self.results:
            tc = ET.SubElement(
                suite, "testcase", classname=self.suite, name=r.case.name, time=f"{r.seconds:.3f}"
            )
            ET.SubElement(ET.SubElement(tc, "properties"), "property", name="rule", value=r.case.rule)
            if not r.passed:
                ET.SubElement(tc, "failure", message=r.message).text = f"{r.case.rule}\n{r.message}"
        root = ET.Element("testsuites")
        root.append(suite)
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)

    def exit_code(self) -> int:
        return 1 if self.failures or not self.results else 0
