"""Event sources: downstream MCP proxy, agent CLI hooks and transcripts, agent runs, autonomous loops."""
