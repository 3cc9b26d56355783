"""A partner's referral network as a tree: who came through whom, each branch's value;
walked with the arrows, enter opens the person under the cursor."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Tree

from pegboard.services.lineage import LineageNode
from pegboard.text import shown

KIND_STYLES = {"partner": "bold", "customer": "green", "lead": "dim"}


def node_label(node: LineageNode, money: Callable[[int], str]) -> Text:
    """`Bo  partner  $1,000`: a partner's value is its branch's; a customer's what the
    introduction closed; a lead's nothing yet."""
    label = Text(shown(node.name), style=KIND_STYLES.get(node.kind, ""))
    label.append(f"  {node.kind}", style="dim")
    if node.value_cents or node.kind != "lead":
        label.append(f"  {money(node.value_cents)}")
    return label


class LineageTree(Tree[LineageNode]):
    DEFAULT_CSS = """
    LineageTree { height: auto; max-height: 30%; margin: 0 1; background: $surface; }
    """

    def show(self, root: LineageNode, money: Callable[[int], str]) -> None:
        """Draw the tree afresh, every branch open."""
        self.clear()
        self.root.set_label(node_label(root, money))
        self.root.data = root
        self._add_children(self.root, root, money)
        self.root.expand_all()

    def _add_children(self, parent, node: LineageNode, money) -> None:
        for child in node.children:
            if child.children:
                branch = parent.add(node_label(child, money), data=child)
                self._add_children(branch, child, money)
            else:
                parent.add_leaf(node_label(child, money), data=child)
