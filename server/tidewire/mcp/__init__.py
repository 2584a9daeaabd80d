"""MCP: the daemon's tools over streamable HTTP at `/mcp`, and the `tidewire mcp` stdio bridge."""
