"""The referral network on a hand-built book, every figure worked out by hand below.

    Al ──Bo (won $1,000) ── Bo becomes a partner
     └──Cy (open)        ── Cy again, sent by Bo too: Cy reached by two paths
    Bo ──Cy (won $500)   ── Cy becomes a partner
    Cy ──Di (won $200)   ── a customer
       ├─Bo (open)       ── Bo again: a cycle Bo → Cy → Bo
       └─Dee (open)      ── Dee becomes a partner: the third generation
    Dee ─Eve (won $300)  ── a customer
    Ed ──Fay (open)      ── a partner on their own

closed value (converted referrals received): Al 100000, Bo 50000, Cy 20000, Dee 30000,
Ed 0 (cents). Who descends from whom (partners reached through referred contacts):
Al: Bo, Cy, Dee. Bo: Cy, Dee (and Bo again through the cycle, not counted). Cy: Bo,
Dee. Dee: none. So the network values are Al 200000, Bo 100000, Cy 100000, Dee 30000,
Ed 0. The customers (a live purchase, from a won lead) are Bo, Cy, Di and Eve; the
people descending: Al: Bo, Cy, Dee, Di, Eve (5); Bo: Cy, Dee, Di, Eve (4; Bo's own
contact, sent back by Cy, is not Bo's descendant); Cy: Bo, Dee, Di, Eve (4); Dee: Eve
(1); Ed: none (0).
"""

from __future__ import annotations

import pytest

import pegboard.services.lineage as lineage_module
from pegboard.services.lineage import customers_sent, lineage, network_figures, network_ranking
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Contact, Partner


@pytest.fixture
def network(services):
    partners, leads = services.partners, services.leads
    ids: dict[str, int] = {"Al": partners.create_partner(PartnerDraft("Al"))}

    def refer(partner: str, person: str, won_cents: int | None = None) -> None:
        logged = partners.log_referral(ReferralDraft("received", person, partner_id=ids[partner]))
        if won_cents is not None:
            leads.move_lead(logged.lead_id, "won", value_cents=won_cents)

    def becomes_partner(person: str) -> None:
        ids[person] = partners.create_partner(PartnerDraft(person))

    refer("Al", "Bo", 100000)
    becomes_partner("Bo")
    refer("Al", "Cy")
    refer("Bo", "Cy", 50000)
    becomes_partner("Cy")
    refer("Cy", "Di", 20000)
    refer("Cy", "Bo")
    refer("Cy", "Dee")
    becomes_partner("Dee")
    refer("Dee", "Eve", 30000)
    ids["Ed"] = partners.create_partner(PartnerDraft("Ed"))
    refer("Ed", "Fay")
    return ids


def test_a_partner_made_of_a_referred_person_is_that_person(network):
    """The links follow contacts: Bo the partner is the Bo that Al sent."""
    from pegboard.store.models import Referral

    bo = Partner.get_by_id(network["Bo"])
    sent_by_al = Referral.get(Referral.partner == network["Al"], Referral.contact == bo.contact_id)
    assert sent_by_al.outcome == "converted" and sent_by_al.value_cents == 100000


def test_network_value_and_size_each_partner_once_cycles_ignored(network):
    figures = network_figures()
    by_name = {name: figures[pid] for name, pid in network.items()}
    assert {name: f.value_cents for name, f in by_name.items()} == {
        "Al": 200000,
        "Bo": 100000,
        "Cy": 100000,
        "Dee": 30000,
        "Ed": 0,
    }
    assert {name: f.size for name, f in by_name.items()} == {
        "Al": 5,
        "Bo": 4,
        "Cy": 4,
        "Dee": 1,
        "Ed": 0,
    }
    assert network_figures([network["Bo"]]) == {network["Bo"]: by_name["Bo"]}


@pytest.mark.parametrize("few", [500, 1], ids=["sent-read-for-those-reached", "sent-read-for-all"])
def test_the_ranking_reads_the_customers_sent_only_for_the_networks_it_ranks(
    network, few, monkeypatch
):
    """The top partners by network value, figured from the customers their networks sent
    alone, are the figures worked out for every partner, whichever way those are read."""
    monkeypatch.setattr(lineage_module, "FEW_PARTNERS", few)
    every = network_figures()
    names = {pid: name for name, pid in network.items()}
    assert [(names[pid], figures) for pid, figures in network_ranking(3)] == [
        ("Al", every[network["Al"]]),
        ("Bo", every[network["Bo"]]),
        ("Cy", every[network["Cy"]]),
    ]
    assert [names[pid] for pid, _ in network_ranking(10)] == ["Al", "Bo", "Cy", "Dee"]
    contact = {c.name: c.id for c in Contact.select()}
    assert customers_sent({network["Dee"], network["Al"], network["Ed"]}) == {
        network["Dee"]: {contact["Eve"]},
        network["Al"]: {contact["Bo"], contact["Cy"]},
    }


def test_the_partners_listing_carries_the_network_and_sorts_by_it(services, network):
    from pegboard.services.partner_views import partner_records

    rows = services.partners.partner_rows(sort="network")
    assert [row.name for row in rows] == ["Al", "Bo", "Cy", "Dee", "Ed"]
    records = {record["name"]: record for record in partner_records(rows)}
    assert records["Al"]["closed_value_cents"] == 100000
    assert records["Al"]["network_value_cents"] == 200000
    assert records["Cy"]["network_size"] == 4
    page, total = services.partners.partner_page("network", False, "", 1, 2)
    assert total == 5 and [row.name for row in page] == ["Dee", "Bo"]
    page, _ = services.partners.partner_page("closed", True, "", 0, 1)
    assert page[0].name == "Al" and page[0].network_value_cents == 200000


def test_the_lineage_tree_shows_each_partner_once_where_first_introduced(network):
    tree = lineage(network["Al"]).as_json()
    assert tree == {
        "name": "Al",
        "kind": "partner",
        "value_cents": 200000,
        "children": [
            {"name": "Bo", "kind": "partner", "value_cents": 100000, "children": []},
            {
                "name": "Cy",
                "kind": "partner",
                "value_cents": 100000,
                "children": [
                    {"name": "Di", "kind": "customer", "value_cents": 20000, "children": []},
                    {
                        "name": "Dee",
                        "kind": "partner",
                        "value_cents": 30000,
                        "children": [
                            {
                                "name": "Eve",
                                "kind": "customer",
                                "value_cents": 30000,
                                "children": [],
                            }
                        ],
                    },
                ],
            },
        ],
    }
    assert lineage(network["Ed"]).as_json() == {
        "name": "Ed",
        "kind": "partner",
        "value_cents": 0,
        "children": [{"name": "Fay", "kind": "lead", "value_cents": 0, "children": []}],
    }


def test_an_archived_partner_leaves_the_network(services, network):
    services.partners.archive_partner(network["Dee"])
    figures = network_figures()
    assert network["Dee"] not in figures
    assert figures[network["Al"]].value_cents == 170000
    # Bo, Cy and Di: Dee is an open lead now, no partner, and Eve came through Dee.
    assert figures[network["Al"]].size == 3


def test_pegboard_lineage_prints_the_tree_and_its_json(network, db_target, capsys):
    import json

    from pegboard.cli import main
    from pegboard.store.database import close_database

    assert main(["--db", db_target, "lineage", "al"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Al (partner) $2,000.00",
        "├── Bo (partner) $1,000.00",
        "└── Cy (partner) $1,000.00",
        "    ├── Di (customer) $200.00",
        "    └── Dee (partner) $300.00",
        "        └── Eve (customer) $300.00",
    ]
    assert main(["--db", db_target, "lineage", "Cy", "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert [child["name"] for child in tree["children"]] == ["Di", "Bo", "Dee"]
    assert tree["children"][1]["children"] == [], "Bo sent only Cy, the root, shown already"
    assert main(["--db", db_target, "partners", "--json", "--sort", "network"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["network_value_cents"], p["network_size"]) for p in listed] == [
        ("Al", 200000, 5),
        ("Bo", 100000, 4),
        ("Cy", 100000, 4),
        ("Dee", 30000, 1),
        ("Ed", 0, 0),
    ]
    assert main(["--db", db_target, "lineage", "Nobody"]) == 2
    assert "no partner named 'Nobody'" in capsys.readouterr().err
    close_database()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_partner_page_shows_the_tree_walked_by_keyboard(services, network, size):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.customer_detail import CustomerDetailScreen
    from pegboard.ui.screens.partner_detail import PartnerDetailScreen
    from pegboard.ui.widgets.lineage_tree import LineageTree

    app = PegboardApp(services, start_mode="partners")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.selected().name != "Al":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, PartnerDetailScreen) and page.detail.name == "Al"
        info = "\n".join(
            line.text
            for line in page.query_one("#partner-info").render_lines(
                page.query_one("#partner-info").region.reset_offset
            )
        )
        assert "$2,000 in all through 3 partners (direct: $1,000)" in info
        assert page.query_one("#exchanges").size.height >= 5, "the exchanges stay in view"
        tree = page.query_one(LineageTree)
        labels = [
            str(node.label)
            for node in tree._tree_lines and [line.node for line in tree._tree_lines]
        ]
        assert labels[0].startswith("Al  partner  $2,000")
        assert any(label.startswith("Eve  customer  $300") for label in labels)
        tree.focus()
        await pilot.pause()
        await pilot.press("down", "down")  # Al -> Bo -> Cy
        assert tree.cursor_node.data.name == "Cy"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartnerDetailScreen) and app.screen.detail.name == "Cy"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page
        tree.focus()
        await pilot.press("down")  # the cursor stayed on Cy: -> Di, a customer
        assert tree.cursor_node.data.name == "Di"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerDetailScreen) and app.screen.detail.name == "Di"


def test_insights_rank_partners_by_network_beside_direct_value(services, network, capsys):
    report = services.insights.report("all")
    assert [
        (r.name, r.direct_cents, r.network_cents, r.network_size)
        for r in report.partners_by_network
    ] == [
        ("Al", 100000, 200000, 5),
        ("Bo", 50000, 100000, 4),
        ("Cy", 20000, 100000, 4),
        ("Dee", 30000, 30000, 1),
    ]
    ranked = report.to_json()["partners"]["by_network_value"]
    assert ranked[0] == {
        "partner_id": network["Al"],
        "name": "Al",
        "direct_cents": 100000,
        "network_cents": 200000,
        "network_size": 5,
    }


def test_a_partner_not_found_by_name_is_answered_with_the_closest(network, db_target, capsys):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    assert main(["--db", db_target, "lineage", "de"]) == 2
    assert "no partner named 'de' (Dee" in capsys.readouterr().err
    close_database()
