"""The record of what an AI assistant changed through `pegboard mcp`: one row a write,
made in the write's own transaction, so a change and its record stand or fall together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pegboard.clock import instant_text
from pegboard.store.models import AssistantWrite


def record_assistant_write(
    at: datetime, tool: str, summary: str, record_kind: str = "", record_id: int | None = None
) -> None:
    """Inside the write's transaction (the caller's)."""
    AssistantWrite.create(
        at=at, tool=tool, summary=summary, record_kind=record_kind, record_id=record_id
    )


def assistant_writes(limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """The latest writes, newest first, and how many there are in all."""
    query = AssistantWrite.select().order_by(AssistantWrite.at.desc(), AssistantWrite.id.desc())
    rows = [
        {
            "at": instant_text(row.at),
            "tool": row.tool,
            "summary": row.summary,
            "record_kind": row.record_kind,
            "record_id": row.record_id,
        }
        for row in query.limit(limit)
    ]
    return rows, AssistantWrite.select().count()
