"""pegboard for an AI assistant: the MCP server behind `pegboard mcp`."""
