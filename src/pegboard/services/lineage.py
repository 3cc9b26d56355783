"""The referral network: what each partner's introductions grew into.

A customer a partner sent often becomes a partner who sends others. Partner Q descends
from partner P when Q's contact came to me as a referral received from P (or from a
partner that descends from P). For each partner P:

- `closed_value_cents`: the closed business of the referrals received from P (as the
  partners table counts it);
- `network_value_cents`: the closed value of P and of every partner that descends from
  P, each partner once however many paths reach it, cycles ignored;
- `network_size`: how many distinct people descend from P: the partners, and the
  customers (a live purchase) that P or a descendant sent.

The figures are four small reads and a walk down the links in Python (each partner
reached once, so a cycle ends the walk); a partner's tree is one recursive query
(SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pegboard.errors import NotFound
from pegboard.store.dialect import is_postgres
from pegboard.store.models import db

LINK_ROWS = """
SELECT referral.partner_id, partner.id
FROM partner {join} referral ON referral.contact_id = partner.contact_id
WHERE referral.direction = 'received' AND referral.archived_at IS NULL
  AND partner.archived_at IS NULL AND partner.id <> referral.partner_id
"""
"""Each (parent, child) link: the child partner's contact came as a referral from the
parent. (SQLite takes CROSS JOIN's order as given: the partners first, few, then each
one's referrals as a person through their index; PostgreSQL plans it itself.)"""

LINKS = f"""
link(parent, child) AS MATERIALIZED ({LINK_ROWS.replace("{join}", "JOIN")}),
reach(root, node) AS (
    SELECT partner.id, partner.id FROM partner WHERE partner.archived_at IS NULL {{roots}}
    UNION
    SELECT reach.root, link.child FROM reach JOIN link ON link.parent = reach.node
)"""
"""The (root, partner) pairs: every partner with itself and each one that descends."""

CLOSED_ROWS = "SELECT partner_id, closed_cents FROM partner_tally WHERE closed_cents <> 0"
"""Each partner's closed business: kept on write (store.partner_tally)."""

CUSTOMERS_SENT = """
SELECT referral.partner_id, referral.contact_id
FROM referral JOIN customer_tally ON customer_tally.contact_id = referral.contact_id
WHERE referral.direction || '' = 'received' AND referral.archived_at IS NULL {partners}
"""
"""The customers (a live purchase: customer_tally) each partner sent, from the partners'
index alone (of some partners only, when `{partners}` names them)."""

FEW_PARTNERS = 500
"""Up to this many partners, the customers they sent are read for them alone: reading
those of all 2,000 partners at 100,000 leads took 14 ms."""


@dataclass(frozen=True)
class NetworkFigures:
    name: str
    direct_cents: int
    """The closed business of the referrals received from the partner themselves."""
    value_cents: int
    """The closed value of the partner and of every partner that descends from them."""
    size: int
    """The distinct partners and customers that descend from the partner."""


def network_figures(partner_ids: list[int] | None = None) -> dict[int, NetworkFigures]:
    """Each live partner's network figures (of `partner_ids` only, when given).

    Three small reads (the live partners, the links between them, each partner's closed
    business), each partner's walk down the links in Python, then a read of the
    customers each partner reached sent: as one recursive query it took 50 ms at 2,000
    partners, since SQLite reads every link for each step of every walk."""
    if partner_ids is not None and not partner_ids:
        return {}
    network = Network.read()
    roots = network.partners if partner_ids is None else partner_ids
    return network.figures([root for root in roots if root in network.partners])


def network_ranking(top: int) -> list[tuple[int, NetworkFigures]]:
    """The `top` partners whose network's closed value is largest (and above nothing),
    by name where it ties, with their figures: the customers sent are read only for
    the partners their networks reach."""
    network = Network.read()
    values = {
        root: sum(network.closed.get(node, 0) for node in network.reach(root))
        for root in network.partners
    }
    best = sorted(
        (root for root, value in values.items() if value > 0),
        key=lambda root: (-values[root], network.partners[root][1]),
    )[:top]
    figures = network.figures(best)
    return [(root, figures[root]) for root in best]


@dataclass
class Network:
    """The live partners (id: contact id, name), the links from each partner to the
    partners their referrals became, and each partner's closed business."""

    partners: dict[int, tuple[int, str]]
    children: dict[int, list[int]]
    closed: dict[int, int]

    @classmethod
    def read(cls) -> Network:
        partners = {
            pid: (contact_id, name)
            for pid, contact_id, name in db.execute_sql(
                "SELECT partner.id, partner.contact_id, contact.name FROM partner JOIN contact"
                " ON contact.id = partner.contact_id WHERE partner.archived_at IS NULL"
            ).fetchall()
        }
        children: dict[int, list[int]] = {}
        join = "JOIN" if is_postgres() else "CROSS JOIN"
        for parent, child in db.execute_sql(LINK_ROWS.replace("{join}", join)).fetchall():
            children.setdefault(parent, []).append(child)
        closed = {pid: int(cents) for pid, cents in db.execute_sql(CLOSED_ROWS).fetchall()}
        return cls(partners, children, closed)

    def reach(self, root: int) -> set[int]:
        """The partner and every partner that descends from them, each once (cycles end)."""
        return _reach(root, self.children)

    def figures(self, roots: list[int]) -> dict[int, NetworkFigures]:
        """The figures of `roots`, live partners all."""
        reaches = {root: self.reach(root) for root in roots}
        sent = customers_sent(set().union(*reaches.values()))
        figures = {}
        for root, reach in reaches.items():
            people = {self.partners[node][0] for node in reach if node != root}
            for node in reach:
                people |= sent.get(node, set())
            people.discard(self.partners[root][0])
            figures[root] = NetworkFigures(
                self.partners[root][1],
                self.closed.get(root, 0),
                sum(self.closed.get(node, 0) for node in reach),
                len(people),
            )
        return figures


def customers_sent(partner_ids: set[int]) -> dict[int, set[int]]:
    """The contact ids of the customers each of `partner_ids` sent."""
    if not partner_ids:
        return {}
    few = len(partner_ids) <= FEW_PARTNERS
    among = f"AND referral.partner_id IN ({', '.join([db.param] * len(partner_ids))})"
    query = CUSTOMERS_SENT.replace("{partners}", among if few else "")
    sent: dict[int, set[int]] = {}
    for pid, contact_id in db.execute_sql(query, list(partner_ids) if few else []).fetchall():
        if pid in partner_ids:
            sent.setdefault(pid, set()).add(contact_id)
    return sent


def _reach(root: int, children: dict[int, list[int]]) -> set[int]:
    """The partner and every partner that descends from them, each once (cycles end)."""
    reach = {root}
    frontier = [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in reach:
                reach.add(child)
                frontier.append(child)
    return reach


@dataclass
class LineageNode:
    """One person in a partner's tree: a partner (whose own introductions hang below),
    a customer the introduction became, or a lead still open (or lost)."""

    name: str
    kind: str
    """'partner', 'customer' or 'lead'."""
    value_cents: int
    """A partner: the value of their branch (their network value); a customer or lead:
    what the introduction closed (0 while open or lost)."""
    record_id: int
    """The partner's id; the customer's contact id; the lead's id (0: none)."""
    children: list[LineageNode] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "value_cents": self.value_cents,
            "children": [child.as_json() for child in self.children],
        }


INTRODUCTIONS = f"""
WITH RECURSIVE {LINKS}
SELECT referral.partner_id, referral.contact_id, person.name, referral.lead_id,
    referral.value_cents, child.id,
    EXISTS (SELECT 1 FROM purchase WHERE purchase.contact_id = referral.contact_id
            AND purchase.archived_at IS NULL)
FROM referral
JOIN contact AS person ON person.id = referral.contact_id
LEFT JOIN partner AS child ON child.contact_id = referral.contact_id
    AND child.archived_at IS NULL AND child.id <> referral.partner_id
WHERE referral.direction = 'received' AND referral.archived_at IS NULL
  AND referral.partner_id IN (SELECT node FROM reach)
ORDER BY referral.at, referral.id
"""


def lineage(partner_id: int) -> LineageNode:
    """The tree of who came through whom from the partner: each partner shown once, at
    the first place the walk (oldest introduction first) reaches it."""
    partner = db.execute_sql(
        "SELECT contact.name FROM partner JOIN contact ON contact.id = partner.contact_id"
        f" WHERE partner.id = {db.param} AND partner.archived_at IS NULL",
        [partner_id],
    ).fetchone()
    if partner is None:
        raise NotFound(f"no partner with id {partner_id}")
    roots = f"AND partner.id = {db.param}"
    rows = db.execute_sql(INTRODUCTIONS.replace("{roots}", roots), [partner_id]).fetchall()
    by_parent: dict[int, list[tuple]] = {}
    for row in rows:
        by_parent.setdefault(row[0], []).append(row)
    figures = network_figures([partner_id, *{row[5] for row in rows if row[5] is not None}])
    root = LineageNode(partner[0], "partner", _value(figures, partner_id), partner_id)
    shown = {partner_id}
    frontier = [root]
    while frontier:  # breadth first: a partner hangs where it was first introduced
        node = frontier.pop(0)
        for _, contact_id, name, lead_id, value, child_id, bought in by_parent.get(
            node.record_id, []
        ):
            if child_id is not None:
                if child_id in shown:
                    continue
                shown.add(child_id)
                child = LineageNode(name, "partner", _value(figures, child_id), child_id)
                frontier.append(child)
            elif bought:
                child = LineageNode(name, "customer", int(value or 0), contact_id)
            else:
                child = LineageNode(name, "lead", int(value or 0), lead_id or 0)
            node.children.append(child)
    return root


def count_partners(node: LineageNode) -> int:
    """The partners in the tree, the root among them."""
    own = 1 if node.kind == "partner" else 0
    return own + sum(count_partners(child) for child in node.children)


def tree_lines(node: LineageNode, money, lead: str = "", branch: str = "") -> list[str]:
    """The tree drawn with box lines, one person a line: `├── Bo (partner) $1,000.00`."""
    lines = [f"{lead}{branch}{node.name} ({node.kind}) {money(node.value_cents)}"]
    below = lead + ("│   " if branch == "├── " else "    " if branch else "")
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        lines += tree_lines(child, money, below, "└── " if last else "├── ")
    return lines


def _value(figures: dict[int, NetworkFigures], partner_id: int) -> int:
    found = figures.get(partner_id)
    return found.value_cents if found else 0
