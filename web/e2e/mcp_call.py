"""Call one tool on a running daemon's MCP endpoint (streamable HTTP) and print its JSON result.

Usage: mcp_call.py URL TOOL JSON_ARGS
Exit status 0 with the tool's result on stdout; 1 with the error on stderr when the tool failed.
Used by the browser tests so a task really enters through the MCP path an agent would use.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from mcp import Client


def _result_json(result: Any) -> Any:
    if result.structured_content is not None:
        return result.structured_content
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    joined = "".join(texts)
    try:
        return json.loads(joined)
    except ValueError:
        return joined


async def main(url: str, tool: str, args: dict[str, Any]) -> int:
    async with Client(url) as client:
        result = await client.call_tool(tool, args)
    payload = _result_json(result)
    if result.is_error:
        print(json.dumps(payload), file=sys.stderr)
        return 1
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
