"""What `pegboard mcp` offers an AI assistant: reads of the book, and writes checked as
the command line checks them (`services.requests`), each write one transaction with its
record in `assistant_write`.

Every answer is JSON-ready data whose text carries no control character (an escape in
a name is shown, not sent on) and is bounded: a long note is cut with `…`, and a list
gives its first rows with the count of all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pegboard.clock import Clock, instant_text
from pegboard.config import Settings
from pegboard.errors import DomainError
from pegboard.services import requests
from pegboard.services.assistant_log import record_assistant_write
from pegboard.services.customer_views import customer_records
from pegboard.services.insight_figures import PERIODS
from pegboard.services.partner_views import partner_records
from pegboard.services.search import count_records, search_records
from pegboard.services.today import today_records
from pegboard.services.writes import write_transaction
from pegboard.text import shown
from pegboard.wiring import Services

LONGEST_TEXT = 500
"""Characters of one text field an answer holds; the rest is cut with `…`."""
MOST_ROWS = 50
"""The most rows a list in one answer holds (its count says how many there are)."""
WRITES_OFF = (
    "writes are off: the owner can allow them with `pegboard mcp --allow-writes` or "
    "`allow_writes = true` under [assistant] in config.toml"
)


def clean(value: Any) -> Any:
    """Data an assistant may read: every text with its control characters shown and
    cut to LONGEST_TEXT."""
    if isinstance(value, str):
        text = shown(value)
        return text if len(text) <= LONGEST_TEXT else text[: LONGEST_TEXT - 1] + "…"
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def bounded(limit: int) -> int:
    if not 1 <= limit <= MOST_ROWS:
        raise DomainError(f"limit: from 1 to {MOST_ROWS}, not {limit}")
    return limit


class BookTools:
    """The tools, over one book's services."""

    def __init__(
        self, services: Services, settings: Settings, clock: Clock, *, writes: bool
    ) -> None:
        self.services = services
        self.settings = settings
        self.clock = clock
        self.writes = writes

    # -- reads ---------------------------------------------------------------

    def today(self) -> dict[str, Any]:
        """Today's triage: each section's count and first rows (as `pegboard today --json`)."""
        return today_records(self.services.today.sections())

    def find(self, query: str, limit: int = 10) -> dict[str, Any]:
        """Leads, partners and customers whose name, company (or, for a lead, title or
        email) holds `query`, first `limit` of each, with how many there are."""
        hits = search_records(query, bounded(limit))
        counts = count_records(query)
        found: dict[str, Any] = {}
        for kind in ("lead", "partner", "customer"):
            found[f"{kind}s"] = [
                {"id": hit.id, "name": hit.label, "detail": hit.detail}
                for hit in hits
                if hit.kind == kind
            ]
            found[f"{kind}s_total"] = counts[kind]
        return found

    def partner(self, name: str, limit: int = 20) -> dict[str, Any]:
        """A partner's give and get figures (as `pegboard partners --json`) and their
        latest exchanges, newest first."""
        partners = self.services.partners
        match = partners.find_partner(name)
        if match is None:
            raise DomainError(f"no partner named {name!r}")
        rows, _ = partners.partner_page("name", False, match.name, 0, MOST_ROWS)
        figures = partner_records([row for row in rows if row.id == match.id])
        detail = partners.partner_detail(match.id)
        history = [
            {
                "at": instant_text(exchange.at),
                "direction": exchange.direction,
                "person": exchange.person,
                "outcome": exchange.outcome,
                "value_cents": exchange.value_cents,
                "thanked": exchange.thanked_at is not None,
                "note": exchange.note,
                "lead": exchange.lead_id,
            }
            for exchange in detail.exchanges[: bounded(limit)]
        ]
        return {
            "partner": figures[0] if figures else {"id": match.id, "name": match.name},
            "history": history,
            "history_total": len(detail.exchanges),
        }

    def customer(self, name: str, limit: int = 20) -> dict[str, Any]:
        """A customer's figures and next discount (as `pegboard customers --json`) and
        their latest purchases, newest first."""
        loyalty = self.services.loyalty
        customer_id = loyalty.find_or_create_customer(name, create=False)
        detail = loyalty.customer_detail(customer_id)
        rows, _ = loyalty.customer_page("name", False, detail.name, 0, MOST_ROWS)
        figures = customer_records([row for row in rows if row.id == customer_id], self.currency)
        purchases = [
            {
                "on": purchase.purchased_on.isoformat(),
                "what": purchase.what,
                "before_cents": purchase.list_cents,
                "discount_cents": purchase.discount_cents,
                "charged_cents": purchase.amount_cents,
                "rule": purchase.rule or None,
            }
            for purchase in detail.purchases[: bounded(limit)]
        ]
        return {
            "customer": figures[0] if figures else {"id": customer_id, "name": detail.name},
            "purchases": purchases,
            "purchases_total": len(detail.purchases),
        }

    def report(self, period: str = "365d") -> dict[str, Any]:
        """The Insights figures for a period: 30d, 90d, 365d or all (as `pegboard report
        --json`)."""
        if period not in PERIODS:
            raise DomainError(f"period: one of {', '.join(PERIODS)}, not {period!r}")
        return self.services.insights.report(period).to_json()

    @property
    def currency(self) -> str:
        return self.settings.currency

    # -- writes --------------------------------------------------------------

    def log_referral(
        self,
        partner: str,
        direction: str,
        person: str,
        phone: str = "",
        email: str = "",
        note: str = "",
        warmth: int | None = None,
        create_partner: bool = False,
    ) -> dict[str, Any]:
        """Log a referral: `received` (the partner sent me `person`: a new lead) or
        `given` (I sent `person` to the partner)."""
        way = "from" if direction == "received" else "to"
        return self._write(
            "log_referral",
            requests.log_referral,
            self.services.partners,
            dict(
                partner=partner,
                direction=direction,
                person=person,
                phone=phone,
                email=email,
                note=note,
                warmth=warmth,
                create_partner=create_partner,
            ),
            lambda done: (
                f"logged a referral {way} {partner}: {person}",
                "lead" if done["lead"] else "referral",
                done["lead"] or done["referral"],
            ),
        )

    def log_touch(
        self,
        lead_id: int,
        kind: str,
        note: str = "",
        next_action: str | None = None,
        due: str | None = None,
    ) -> dict[str, Any]:
        """Log a call, email, meeting, message or note on a lead; `next_action` and `due`
        (a date: YYYY-MM-DD, today, +3d, fri) set its next follow-up."""
        return self._write(
            "log_touch",
            requests.log_touch,
            self.services.leads,
            dict(lead_id=lead_id, kind=kind, note=note, next_action=next_action, due=due),
            lambda done: (f"logged {kind.strip().lower()} on lead {lead_id}", "lead", lead_id),
        )

    def move_lead(
        self, lead_id: int, stage: str, value: str | None = None, reason: str | None = None
    ) -> dict[str, Any]:
        """Move a lead to another stage (a stage id); won may give its final `value`,
        lost needs a `reason`."""
        return self._write(
            "move_lead",
            requests.move_lead,
            self.services.leads,
            dict(lead_id=lead_id, stage=stage, value=value, reason=reason),
            lambda done: (
                f"moved lead {lead_id} from {done['from']} to {done['to']}",
                "lead",
                lead_id,
            ),
        )

    def record_purchase(
        self,
        customer: str,
        amount: str,
        what: str = "",
        date: str | None = None,
        create_customer: bool = False,
    ) -> dict[str, Any]:
        """Record a purchase by a customer (by name); `amount` is the price before any
        loyalty discount, as typed (`120.00`); the discount it earns is worked out."""
        return self._write(
            "record_purchase",
            requests.record_purchase,
            self.services.loyalty,
            dict(
                customer=customer,
                amount=amount,
                what=what,
                date=date,
                create_customer=create_customer,
            ),
            lambda done: (
                f"recorded a purchase by {customer}: {done['charged_cents']} cents charged",
                "customer",
                self.services.loyalty.find_or_create_customer(customer, create=False),
            ),
        )

    def _write(
        self,
        tool: str,
        request: Callable[..., dict[str, Any]],
        service: Any,
        arguments: dict[str, Any],
        described: Callable[[dict[str, Any]], tuple[str, str, int | None]],
    ) -> dict[str, Any]:
        """`request(service, **arguments)` (checked as the command line checks it, its
        fields named as the assistant names them) and its record, in one transaction;
        refused while writes are off."""
        if not self.writes:
            raise DomainError(WRITES_OFF)
        with write_transaction():
            done = request(service, **arguments, named=str)
            summary, kind, record_id = described(done)
            record_assistant_write(self.clock.now(), tool, summary, kind, record_id)
        return done


READ_TOOLS = ("today", "find", "partner", "customer", "report")
WRITE_TOOLS = ("log_referral", "log_touch", "move_lead", "record_purchase")
