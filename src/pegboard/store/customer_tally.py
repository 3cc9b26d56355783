"""Each customer's purchases and leads summed, kept on write (part of schema 12, see
store.tallies): Insights' customer figures read one row a customer, not their purchases
and leads."""

from __future__ import annotations

from pegboard.store.models import db


def _leads_of_customer(contact_id: str, pg: bool) -> str:
    """A customer's live leads that a partner sent, and their sources (a list with
    commas), worked out from the leads."""
    sources = (
        "string_agg(DISTINCT source, ',' ORDER BY source)"
        if pg
        else "group_concat(DISTINCT source)"
    )
    live = f"FROM lead WHERE lead.contact_id = {contact_id} AND lead.archived_at IS NULL"
    return (
        f"(SELECT COUNT(*) {live} AND lead.referred_by_id IS NOT NULL), "
        f"(SELECT COALESCE({sources}, '') {live})"
    )


CUSTOMER_COLUMNS = "contact_id, spent, bought, first_on, last_on, partnered, sources"


def customers_select(pg: bool, contact_id: str = "") -> str:
    """customer_tally's rows (the one of `contact_id`, or every customer's) worked out
    from the purchases and the leads."""
    only = f"AND contact_id = {contact_id} " if contact_id else ""
    return (
        "SELECT contact_id, SUM(amount_cents), COUNT(*), MIN(purchased_on), MAX(purchased_on), "
        f"{_leads_of_customer('purchase.contact_id', pg)} FROM purchase "
        f"WHERE archived_at IS NULL {only}GROUP BY contact_id"
    )


def customer_statements(contact_id: str, pg: bool) -> list[str]:
    """A customer's row worked out again from their live purchases."""
    return [
        f"DELETE FROM customer_tally WHERE contact_id = {contact_id}",
        f"INSERT INTO customer_tally ({CUSTOMER_COLUMNS}) {customers_select(pg, contact_id)}",
    ]


def customer_leads_statement(contact_id: str, pg: bool) -> str:
    """A customer's leads counted again, after a change to one of them."""
    return (
        f"UPDATE customer_tally SET (partnered, sources) = "
        f"(SELECT {_leads_of_customer(contact_id, pg)}) WHERE contact_id = {contact_id}"
    )


def rebuild(database, pg: bool) -> None:
    """Every customer's row worked out again from the purchases and the leads."""
    database.execute_sql("DELETE FROM customer_tally")
    database.execute_sql(f"INSERT INTO customer_tally ({CUSTOMER_COLUMNS}) {customers_select(pg)}")


def disagreement(pg: bool) -> str | None:
    """What is wrong with customer_tally against the purchases and leads; None when
    they agree."""
    kept = set(db.execute_sql(f"SELECT {CUSTOMER_COLUMNS} FROM customer_tally").fetchall())
    worked_out = set(db.execute_sql(customers_select(pg)).fetchall())
    if kept == worked_out:
        return None
    return (
        f"the customer tallies disagree with the purchases ({len(kept ^ worked_out)} "
        "customer row(s); pegboard check --rebuild-summaries works them out again)"
    )
