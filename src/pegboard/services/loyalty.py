"""Loyalty: repeat customers, their purchases, and the discount each has earned (the
rules themselves are worked out in `pegboard.services.loyalty_rules`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from peewee import fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import NotFound, ServiceError
from pegboard.services.contacts import find_or_create_contact
from pegboard.services.customer_views import (
    CUSTOMER_SORTS,
    CustomerDetail,
    CustomerRow,
    customer_detail,
    purchases_by_customer,
)
from pegboard.services.discount_expiry import discount_endings
from pegboard.services.loyalty_rules import (
    PriorPurchases,
    PurchaseQuote,
    best_discount,
    months_before,
    next_rule,
)
from pegboard.services.tiers import standings, tier_discount, tier_label
from pegboard.services.undo import Step, UndoLog, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Purchase
from pegboard.store.paging import rows_and_count
from pegboard.text import folded


class LoyaltyService:
    def __init__(self, settings: Settings, clock: Clock, undo_log: UndoLog | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.undo_log = undo_log if undo_log is not None else UndoLog()

    @property
    def windows(self) -> set[int]:
        return {r.window_months for r in self.settings.loyalty_rules if r.window_months}

    def prior_purchases(
        self, contact_id: int, before: date, excluding: int | None = None
    ) -> PriorPurchases:
        """The customer's purchases up to `before`, but for `excluding` (the one edited)."""
        query = Purchase.select(Purchase.purchased_on).where(
            (Purchase.contact == contact_id)
            & Purchase.archived_at.is_null()
            & (Purchase.purchased_on <= before)
        )
        if excluding is not None:
            query = query.where(Purchase.id != excluding)
        dates = [row.purchased_on for row in query]
        return PriorPurchases.from_dates(dates, before, self.windows)

    def quote(
        self,
        contact_id: int | None,
        list_cents: int,
        on: date | None = None,
        excluding: int | None = None,
    ) -> PurchaseQuote:
        """Price a purchase without saving it (the form shows this while typing);
        `excluding`: the purchase being edited, which does not count before itself."""
        if list_cents < 0:
            raise ServiceError("the amount cannot be negative")
        on = on or self.clock.today()
        prior = (
            self.prior_purchases(contact_id, on, excluding)
            if contact_id is not None
            else PriorPurchases(0)
        )
        best = best_discount(self.settings.loyalty_rules, prior, list_cents)
        tiered = self._tier_quote(contact_id, list_cents, on, excluding, prior.total + 1)
        if tiered is not None and tiered.discount_cents > (best.discount_cents if best else 0):
            return tiered
        if best is None:
            return PurchaseQuote(list_cents, 0, "", prior.total + 1)
        return PurchaseQuote(list_cents, best.discount_cents, best.rule.name, best.purchase_number)

    def _tier_quote(
        self, contact_id: int | None, list_cents: int, on: date, excluding: int | None, number: int
    ) -> PurchaseQuote | None:
        """The purchase priced at the customer's tier (services.tiers), if they are in one."""
        if contact_id is None or not self.settings.loyalty_tiers:
            return None
        found = standings(self.settings, on, [contact_id], before=on, excluding=excluding)
        tier = found[contact_id].tier
        if tier is None:
            return None
        return PurchaseQuote(list_cents, tier_discount(tier, list_cents), tier_label(tier), number)

    def record_purchase(
        self,
        contact_id: int,
        list_cents: int,
        what: str = "",
        on: date | None = None,
        lead_id: int | None = None,
    ) -> PurchaseQuote:
        """Save a purchase with the discount it earns; the rule's name is kept with it."""
        on = on or self.clock.today()
        with write_transaction():
            customer = Contact.get_or_none(Contact.id == contact_id)
            if customer is None:
                raise NotFound(f"no customer with id {contact_id}")
            quote = self.quote(contact_id, list_cents, on)
            purchase = Purchase.create(
                contact=contact_id,
                lead=lead_id,
                purchased_on=on,
                what=what.strip(),
                list_cents=quote.list_cents,
                discount_cents=quote.discount_cents,
                amount_cents=quote.charged_cents,
                rule=quote.rule,
                created_at=self.clock.now(),
            )
        self.undo_log.push(self._purchase_step(purchase.id, customer))
        return quote

    def _purchase_step(self, purchase_id: int, customer: Contact) -> Step:
        """Taking back a recorded purchase archives it: it leaves the counts, not the book."""

        def reverse() -> None:
            expect_unchanged(Purchase, purchase_id, {"archived_at": None})
            Purchase.update(archived_at=self.clock.now()).where(
                Purchase.id == purchase_id
            ).execute()

        return Step("purchase recorded", "customer", customer.id, customer.name, reverse)

    def archive_purchase(self, purchase_id: int) -> None:
        """A purchase recorded by mistake leaves the book's counts (archived, `u` brings
        it back); a won lead's purchase is the lead's, changed on the board."""
        now = self.clock.now()
        with write_transaction():
            purchase = Purchase.get_or_none(
                (Purchase.id == purchase_id) & Purchase.archived_at.is_null()
            )
            if purchase is None:
                raise NotFound("no such purchase (archived already?)")
            if purchase.lead_id is not None:
                raise ServiceError("this purchase is a won lead's: reopen the lead on the board")
            Purchase.update(archived_at=now).where(Purchase.id == purchase_id).execute()
            customer = Contact.get_by_id(purchase.contact_id)

        def reverse() -> None:
            expect_unchanged(Purchase, purchase_id, {"archived_at": now})
            Purchase.update(archived_at=None).where(Purchase.id == purchase_id).execute()

        self.undo_log.push(
            Step("purchase archived", "customer", customer.id, customer.name, reverse)
        )

    def edit_purchase(self, purchase_id: int, list_cents: int, what: str, on: date):
        """Put right a purchase typed wrong: priced again as of its (new) date."""
        from pegboard.services.purchase_edits import edit_purchase

        return edit_purchase(self, purchase_id, list_cents, what, on)

    def won_lead_purchase_on(self, contact_id: int, on: date) -> Purchase | None:
        """The purchase a won lead recorded for this customer that day, if any."""
        return (
            Purchase.select()
            .where(
                (Purchase.contact == contact_id)
                & Purchase.lead.is_null(False)
                & (Purchase.purchased_on == on)
                & Purchase.archived_at.is_null()
            )
            .first()
        )

    def record_purchase_by_name(
        self,
        name: str,
        list_cents: int,
        what: str = "",
        on: date | None = None,
        *,
        create_customer: bool = False,
        phone: str = "",
    ) -> PurchaseQuote:
        """A purchase by the customer named `name` (made first when `create_customer`,
        with `phone`), in one transaction: a new customer is never left behind without
        the purchase."""
        with write_transaction():
            contact_id = self.find_or_create_customer(name, create_customer, phone)
            return self.record_purchase(contact_id, list_cents, what, on)

    def quote_by_name(self, name: str, list_cents: int, on: date | None = None) -> PurchaseQuote:
        """The price of a purchase by the customer of that name, or by a new customer
        when there is none (or more than one) by that name yet."""
        try:
            contact_id = self.find_or_create_customer(name, create=False)
        except ServiceError:
            contact_id = None
        return self.quote(contact_id, list_cents, on)

    def find_or_create_customer(self, name: str, create: bool, phone: str = "") -> int:
        """The contact named `name` (any case, any accents), or a new one when `create`."""
        matches = list(
            Contact.select(Contact.id)
            .where(Contact.archived_at.is_null() & (Contact.name_key == folded(name.strip())))
            .limit(2)
        )
        if len(matches) > 1:
            raise ServiceError(f"more than one contact is named {name!r}")
        if matches:
            return matches[0].id
        if not create:
            raise NotFound(f"no customer named {name!r}")
        if not name.strip():
            raise ServiceError("a customer needs a name")
        return find_or_create_contact(
            name.strip(), self.clock.now(), phone=phone.strip(), region=self.settings.phone_region
        ).id

    def mark_asked(self, contact_id: int) -> None:
        """Record that the customer was asked for a referral today."""
        self._mark(contact_id, "asked_referral_at", "asked for a referral")

    def mark_testimonial(self, contact_id: int) -> None:
        """Record that the customer gave a testimonial."""
        self._mark(contact_id, "testimonial_at", "testimonial")

    def _mark(self, contact_id: int, field_name: str, description: str) -> None:
        now = self.clock.now()
        with write_transaction():
            customer = Contact.get_or_none(Contact.id == contact_id)
            if customer is None:
                raise NotFound(f"no customer with id {contact_id}")
            before = getattr(customer, field_name)
            Contact.update({field_name: now, "updated_at": now}).where(
                Contact.id == contact_id
            ).execute()

        def reverse() -> None:
            expect_unchanged(Contact, contact_id, {field_name: now})
            Contact.update({field_name: before, "updated_at": self.clock.now()}).where(
                Contact.id == contact_id
            ).execute()

        self.undo_log.push(Step(description, "customer", contact_id, customer.name, reverse))

    def customers(
        self,
        sort: str = "last",
        descending: bool = True,
        text: str = "",
        attention_only: bool = False,
        limit: int | None = None,
        exclude: frozenset[int] = frozenset(),
    ) -> list[CustomerRow]:
        """Every customer with purchases, priced for their next one, in one aggregate query.

        attention_only keeps those ripe to ask for a referral or lapsed (in SQL).
        """
        query, window_counts = self._customer_query(sort, descending, text, attention_only)
        if exclude:
            query = query.where(Contact.id.not_in(list(exclude)))
        if limit is not None:
            query = query.limit(limit)
        return self._customer_rows(query.tuples(), window_counts)

    def customer_page(
        self, sort: str, descending: bool, text: str, offset: int, limit: int
    ) -> tuple[list[CustomerRow], int]:
        """`limit` customers from `offset`, in the order and under the filter of
        `customers`, and how many there are: the loyalty table reads a page at a time
        (20,000 customers at 100,000 leads took 6 s to read and draw at once)."""
        query, window_counts = self._customer_query(sort, descending, text, False)
        rows, total = rows_and_count(query, limit, offset, _index_ordered(sort, window_counts))
        return self._customer_rows(rows, window_counts), total

    def first_customers(
        self,
        sort: str,
        limit: int,
        attention_only: bool = False,
        exclude: frozenset[int] = frozenset(),
    ) -> tuple[list[CustomerRow], int]:
        """The first `limit` customers, and how many there are, from one aggregate query:
        counting in a second query would aggregate every purchase twice, and counting
        the rows in Python cost more than the query (7,000 customers at 100,000 leads)."""
        query, window_counts = self._customer_query(sort, True, "", attention_only)
        if exclude:
            query = query.where(Contact.id.not_in(list(exclude)))
        rows, total = rows_and_count(query, limit, count_apart=_index_ordered(sort, window_counts))
        return self._customer_rows(rows, window_counts), total

    def _customer_query(self, sort: str, descending: bool, text: str, attention_only: bool):
        """Each live customer's purchases summed up, as one query.

        The purchases are aggregated on their own, straight from the (contact, ...)
        covering index, and only then joined to their contacts by key: joined first,
        SQLite walked all 100,000 contacts to find the customers among them (100 ms)."""
        if sort not in CUSTOMER_SORTS:
            raise ServiceError(f"sort by one of {', '.join(CUSTOMER_SORTS)}")
        today = self.clock.today()
        window_names = {months: f"in_{months}_months" for months in sorted(self.windows)}
        bought = purchases_by_customer(today, window_names)
        count = bought.c.purchases
        window_counts = {months: getattr(bought.c, name) for months, name in window_names.items()}
        keys = {
            "name": fn.LOWER(Contact.name),
            "purchases": count,
            "lifetime": bought.c.lifetime,
            "last": bought.c.last_on,
        }
        order = keys[sort].desc() if descending else keys[sort].asc()
        query = (
            Contact.select(
                Contact.id,
                Contact.name,
                Contact.company,
                Contact.asked_referral_at,
                count,
                bought.c.lifetime,
                bought.c.first_on,
                bought.c.last_on,
                *window_counts.values(),
            )
            .join(bought, on=bought.c.customer_id == Contact.id)
            .where(Contact.archived_at.is_null())
            .order_by(order, fn.LOWER(Contact.name))
        )
        if text.strip():
            query = query.where(
                Contact.name.contains(text.strip()) | Contact.company.contains(text.strip())
            )
        if attention_only:
            ask_before, lapsed_before = self._thresholds()
            asked = Contact.asked_referral_at
            # A customer asked (or invited back) lately needs nothing more for now, lapsed
            # or not: `d` on Today takes the row away.
            query = query.where(
                ((count >= 2) | (bought.c.last_on < lapsed_before))
                & (asked.is_null() | (asked < ask_before))
            )
        return query, window_counts

    def _thresholds(self) -> tuple[datetime, date]:
        """(not asked since, no purchase since): when to ask again, when a customer lapsed."""
        ask_before = self.clock.now() - timedelta(days=self.settings.ask_referral_after_days)
        return ask_before, months_before(self.clock.today(), self.settings.lapsed_after_months)

    def _customer_rows(self, query: Iterable[tuple], window_counts) -> list[CustomerRow]:
        """CustomerRows from the rows of _customer_query (as tuples)."""
        ask_before, lapsed_before = self._thresholds()
        to_date = Purchase.purchased_on.python_value
        to_time = Contact.asked_referral_at.python_value
        rows = []
        query = list(query)
        today = self.clock.today()
        tiers = standings(self.settings, today, [values[0] for values in query])
        lapsing = discount_endings(self.settings, today, [values[0] for values in query])
        for values in query:
            contact_id, name, company, asked, purchases, total, first, last, *windows = values
            prior = PriorPurchases(
                purchases, dict(zip(window_counts, (int(w) for w in windows), strict=True))
            )
            asked_at = to_time(asked) if asked else None
            last_day = to_date(last)
            rows.append(
                CustomerRow(
                    id=contact_id,
                    name=name,
                    company=company,
                    purchases=purchases,
                    lifetime_cents=int(total or 0),
                    first_purchase=to_date(first),
                    last_purchase=last_day,
                    next_rule=next_rule(
                        self.settings.loyalty_rules, prior, int(total or 0) // max(purchases, 1)
                    ),
                    ask_for_referral=purchases >= 2 and (asked_at is None or asked_at < ask_before),
                    lapsed=last_day is not None and last_day < lapsed_before,
                    standing=tiers.get(contact_id),
                    discount_ends=lapsing.get(contact_id),
                )
            )
        return rows

    def customer_detail(self, contact_id: int) -> CustomerDetail:
        return customer_detail(contact_id)


def _index_ordered(sort: str, window_counts: dict) -> bool:
    """Whether the customers come in the order of an index of the kept sums (by lifetime
    spend, and no rule counts a window): their first rows are then read at once, and
    counted apart (store.paging)."""
    return sort == "lifetime" and not window_counts
