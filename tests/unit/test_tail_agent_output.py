"""`tidewire tail` prints an `agent.output` chunk on one line, its own line breaks escaped."""

from __future__ import annotations

from tidewire.protocol.models import AgentOutputEvent
from tidewire.tail import summarize


def test_an_output_chunk_is_one_line_naming_run_stream_and_offset() -> None:
    event = AgentOutputEvent.model_validate(
        {
            "type": "agent.output",
            "seq": 7,
            "ts": "2026-11-26T06:05:00Z",
            "data": {"agent_id": "agt_1", "stream": "stderr", "offset": 40, "size": 12, "text": "a\nb\nc\n"},
        }
    )
    assert summarize(event) == "agt_1 stderr @40: a\\nb\\nc"
