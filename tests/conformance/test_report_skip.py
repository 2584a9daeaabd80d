"""A case that does not apply is reported SKIP: in the line, in JUnit, and not as a failure."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from tidewire.conformance.report import Case, CaseNotApplicable, Report


async def test_a_case_that_does_not_apply_is_skipped_not_failed(tmp_path: Path) -> None:
    async def not_here() -> None:
        raise CaseNotApplicable("no --token given")

    async def fine() -> None:
        return None

    out = io.StringIO()
    report = Report("suite", out=out)
    await report.run(Case("a.skip", "§Rule: a", not_here), 1)
    await report.run(Case("a.pass", "§Rule: b", fine), 1)
    assert out.getvalue().splitlines()[0].startswith("SKIP a.skip (§Rule: a) ")
    assert out.getvalue().splitlines()[0].endswith(": no --token given")
    assert report.failures == [] and report.exit_code() == 0
    assert report.summary() == "suite: 1 passed, 0 failed, 1 not applicable"
    report.write_junit(tmp_path / "r.xml")
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("skipped") == "1" and suite.get("failures") == "0"
    skipped = suite.find("testcase[@name='a.skip']/skipped")
    assert skipped is not None and skipped.get("message") == "no --token given"
    assert suite.find("testcase[@name='a.pass']/skipped") is None


async def test_a_run_that_checked_nothing_or_failed_once_exits_1() -> None:
    async def not_here() -> None:
        raise CaseNotApplicable("n/a")

    async def broken() -> None:
        raise RuntimeError("boom")

    report = Report("suite", out=io.StringIO())
    await report.run(Case("a.skip", "§R", not_here), 1)
    assert report.exit_code() == 1  # only skips: nothing was checked
    await report.run(Case("a.fail", "§R", broken), 1)
    assert report.exit_code() == 1 and [r.case.name for r in report.failures] == ["a.fail"]
