"""Calling the daemon's MCP tools from tests through a real `mcp.Client`."""

from __future__ import annotations

import json
from typing import Any

from mcp import Client
from mcp_types import CallToolResult


def text_of(result: CallToolResult) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    """A tool call that must succeed; its structured result."""
    result = await client.call_tool(tool, args)
    assert not result.is_error, f"{tool} failed: {text_of(result)}"
    assert isinstance(result.structured_content, dict)
    # The text content is the same record, for clients that only read text.
    assert json.loads(text_of(result)) == result.structured_content
    return result.structured_content


async def call_error(client: Client, tool: str, **args: Any) -> str:
    """A tool call that must fail; its error text."""
    result = await client.call_tool(tool, args)
    assert result.is_error, f"{tool} should have failed: {result.structured_content}"
    return text_of(result)
