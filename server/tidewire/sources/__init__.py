"""Event sources: downstream MCP proxy, agent CLI hooks and transcripts, agent runs, autonomous loops.

Configuration (the daemon's TOML file; every key optional):

    [agent]        command = ["claude", "-p", "{prompt}"]   # argv template, never a shell string
                   grace_seconds = 10                       # SIGTERM -> SIGKILL on cancel
    [sessions]     idle_timeout_seconds = 1800              # a silent session is ended
                   poll_interval_seconds = 0.5              # transcript polling
    [[mcp_servers]] name = "fs", command = "...", args = [...], env = {...}   # stdio
    [[mcp_servers]] name = "web", url = "http://127.0.0.1:9000/mcp"           # streamable HTTP
    [mcp]          backoff_base_seconds = 0.5, backoff_max_seconds = 30, max_failures = 8,
                   connect_timeout_seconds = 30, call_timeout_seconds = 300,
                   health_interval_seconds = 15
    [autonomous]   command = [...]     # argv template for loop agents (default: [agent].command)
                   prompt = "..."      # with {title}, {description}, {task_id}

Placeholders in agent argv templates: {prompt}, {cwd}, {task_id}, {worktree_id}, {project_id}.
"""
