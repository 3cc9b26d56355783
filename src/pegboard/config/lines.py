"""Where a key is in config.toml: its line, found within the table it belongs to."""

from __future__ import annotations

import re

HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


def _table_name(raw: str) -> str:
    return ".".join(part.strip().strip('"').strip("'") for part in raw.split("."))


class KeyLines:
    """The line of each key of a TOML text, by the table (and array entry) it is in.

    tomllib gives values without positions, so the text is scanned once: every
    `[table]` or `[[array.table]]` header starts a block, and each `key =` line belongs
    to the block above it. A bad `id` in the third `[[pipeline.stages]]` is so found in
    the third block of that name, not at the first `id =` of the file."""

    def __init__(self, text: str) -> None:
        self.blocks: dict[tuple[str, int], list[tuple[int, str]]] = {("", 1): []}
        """(table, entry number) -> (line number, key) of the keys written in it."""
        self.headers: dict[tuple[str, int], int] = {}
        """(table, entry number) -> the line of its header."""
        counts: dict[str, int] = {}
        current = ("", 1)
        for number, line in enumerate(text.splitlines(), start=1):
            header = HEADER.match(line)
            if header:
                name = _table_name(header.group(2))
                counts[name] = counts.get(name, 0) + 1 if header.group(1) == "[[" else 1
                current = (name, counts[name])
                self.headers[current] = number
                self.blocks.setdefault(current, [])
                continue
            key = re.match(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.-]+)\s*=", line)
            if key:
                self.blocks[current].append((number, key.group(1).strip("\"'")))

    def line_of(self, table: str, key: str | None = None, entry: int = 1) -> int | None:
        """The line of `key` in `table` (its `entry`-th block for an array of tables);
        without a key, the table's header. A key written as `table.key = ...` one level
        up is found too. None when the text does not show it."""
        if key is None:
            return self.headers.get((table, entry))
        for number, written in self.blocks.get((table, entry), []):
            if written == key:
                return number
        parent, _, leaf = table.rpartition(".")
        if table:
            dotted = f"{leaf}.{key}"
            for number, written in self.blocks.get((parent, 1), []):
                if written == dotted:
                    return number
        return self.headers.get((table, entry)) if table else None
