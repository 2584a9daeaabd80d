"""The server kit's cases without a server: the list in docs/conformance.md, the rules they name,
and the data they commit for known event types."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.tap import _validators
from tidewire.conformance.server_cases import Server, all_cases
from tidewire.conformance.server_cases.payloads import agent_output, mcp_tool_called, session_message
from tidewire.conformance.server_kit import select

DOC = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_the_doc_lists_every_case_with_its_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN server cases -->", 1)[1].split("<!-- END server cases -->", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.*) \|$", block, flags=re.M)
    listed = [(c.name, c.rule) for c in all_cases(Server("http://127.0.0.1:1"))]
    assert rows == listed


def test_every_rule_names_a_section_of_protocol_md_or_rest_md() -> None:
    headings = set(re.findall(r"^#+ (.+)$", PROTOCOL.read_text(encoding="utf-8"), flags=re.M))
    for case in all_cases(Server("http://127.0.0.1:1")):
        sections = re.findall(r"§([A-Z][^:,]*?)(?:[:,]| high-volume| filters| limits| overflow|$)", case.rule)
        assert sections or case.rule.startswith("rest.md "), case
        for section in sections:
            assert section.strip() in headings, (case.name, section)


def test_case_names_are_unique() -> None:
    names = [c.name for c in all_cases(Server("http://127.0.0.1:1"))]
    assert len(names) == len(set(names))


def test_an_unknown_case_name_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        select(all_cases(Server("http://127.0.0.1:1")), ["handshake.welcome", "no.such_case"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("session.message", session_message("s1")),
        ("mcp.tool_called", mcp_tool_called("srv", 1)),
        ("agent.output", agent_output("agt_1")),
    ],
)
def test_known_event_data_the_kit_commits_is_valid(name: str, data: dict[str, object]) -> None:
    frame = {"type": name, "seq": 1, "ts": "2026-11-26T06:05:00Z", "data": data}
    errors = list(_validators()[name].iter_errors(frame))
    assert not errors, errors
