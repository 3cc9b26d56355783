"""The MCP server (`pegboard mcp`): BookTools as MCP tools over stdio, with the
official SDK (2.x: `mcp.server.mcpserver.MCPServer`).

The tools run on the event loop's own thread, one call at a time: the book's
connection belongs to the thread that opened it, and one assistant over stdio asks one
thing at a time anyway. A refusal from pegboard's error tree reaches the assistant as
the tool's error text; anything else as the SDK's bare "Error executing tool".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pegboard import __version__
from pegboard.assistant.tools import READ_TOOLS, WRITE_TOOLS, BookTools, clean
from pegboard.errors import PegboardError

INSTRUCTIONS = (
    "pegboard is a solo business owner's referral CRM: leads on a board of stages, "
    "referral partners with what each sent and got, and repeat customers with their "
    "loyalty discounts. Money is in integer minor units (cents) in the answers; amounts "
    "you send are typed as the owner would type them ('120.00'). Start with `today` for "
    "what needs the owner, `find` to look someone up."
)


def as_tool(method: Callable[..., dict[str, Any]]):
    """A BookTools method as an async tool: the same parameters, its answer cleaned,
    a refusal as the tool's error text."""
    from mcp.server.mcpserver.exceptions import ToolError

    @functools.wraps(method)
    async def tool(**arguments: Any) -> dict[str, Any]:
        try:
            return clean(method(**arguments))
        except PegboardError as error:
            raise ToolError(clean(str(error))) from None

    return tool


def build_server(tools: BookTools):
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    server = MCPServer(
        "pegboard",
        title="pegboard",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )
    for name in READ_TOOLS:
        server.add_tool(
            as_tool(getattr(tools, name)),
            name=name,
            annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False),
        )
    for name in WRITE_TOOLS:
        server.add_tool(
            as_tool(getattr(tools, name)),
            name=name,
            annotations=ToolAnnotations(
                readOnlyHint=False, destructiveHint=False, openWorldHint=False
            ),
        )
    return server
