"""A brief for a partner ("send me more like X"): a short, ready-to-send note built from
the book alone (no network, no model).

It says how many people the partner introduced in the period, how many became
customers and for how much, what those customers bought and the typical deal, how fast
they closed, which introductions did not fit (and why), what I sent back, and the one
customer I most want more of, from my best customers' profile.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import timedelta
from statistics import median

from peewee import JOIN, fn

from pegboard.clock import Clock
from pegboard.errors import DomainError, NotFound
from pegboard.money import format_cents
from pegboard.services.insight_figures import PERIODS
from pegboard.store.models import Contact, Lead, Partner, Purchase, Referral
from pegboard.text import counted

BEST_SHARE = 0.2
"""My best customers: the top fifth by lifetime value (at least BEST_FEWEST of them)."""
BEST_FEWEST = 5
COMPANY_SUFFIXES = {
    "ltd", "limited", "co", "company", "inc", "llc", "llp", "plc", "gmbh", "ag", "sa", "bv",
    "sons", "group", "house", "works", "collective", "partners", "&", "and",
}  # fmt: skip
"""Words that end a company's name and say nothing of what it does."""


@dataclass(frozen=True)
class Wanted:
    """My best customers' profile, the top fifth by lifetime value."""

    kind: str
    """`a bakery or cafe business`, from the words their companies share; or `someone`."""
    buys: str | None
    """What they buy most often."""
    typical_cents: int
    """The median of their purchases."""
    like: str
    """The best of them: `Ana Silva (Silva Bakery)`."""


@dataclass(frozen=True)
class Brief:
    partner: str
    period: str
    since: str | None
    introduced: int
    became_customers: int
    closed_cents: int
    typical_deal_cents: int | None
    days_to_close: float | None
    bought: list[str]
    """What the customers they sent bought, most often first."""
    not_a_fit: int
    lost_reasons: list[str]
    open_now: int
    sent_back: int
    sent_back_converted: int
    wanted: Wanted | None
    """The customer I most want more of (None: no customers yet)."""

    def as_json(self) -> dict:
        return asdict(self)


def partner_brief(partner_id: int, clock: Clock, period: str = "365d") -> Brief:
    if period not in PERIODS:
        raise DomainError(f"period: one of {', '.join(PERIODS)}, not {period!r}")
    partner = (
        Partner.select(Partner.id, Contact.name)
        .join(Contact)
        .where((Partner.id == partner_id) & Partner.archived_at.is_null())
        .tuples()
        .first()
    )
    if partner is None:
        raise NotFound(f"no partner with id {partner_id}")
    days = PERIODS[period]
    since = clock.now() - timedelta(days=days) if days is not None else None
    in_period = (Referral.partner == partner_id) & Referral.archived_at.is_null()
    if since is not None:
        in_period &= Referral.at >= since
    received = list(
        Referral.select(
            Referral,
            Lead.created_at.alias("lead_created"),
            Lead.closed_at.alias("lead_closed"),
            Lead.lost_reason,
        )
        .join(Lead, JOIN.LEFT_OUTER, on=Referral.lead == Lead.id)
        .where(in_period & (Referral.direction == "received"))
        .objects()
    )
    given = list(Referral.select().where(in_period & (Referral.direction == "given")))
    won = [row for row in received if row.outcome == "converted"]
    return Brief(
        partner=partner[1],
        period=period,
        since=since.date().isoformat() if since else None,
        introduced=len(received),
        became_customers=len(won),
        closed_cents=sum(row.value_cents for row in won),
        typical_deal_cents=int(median(row.value_cents for row in won)) if won else None,
        days_to_close=_median_days(won),
        bought=_most_bought([row.contact_id for row in won]),
        not_a_fit=sum(1 for row in received if row.outcome == "no_fit"),
        lost_reasons=_most_common(row.lost_reason for row in received if row.outcome == "no_fit"),
        open_now=sum(1 for row in received if row.outcome == "open"),
        sent_back=len(given),
        sent_back_converted=sum(1 for row in given if row.outcome == "converted"),
        wanted=wanted_customer(),
    )


def _median_days(won: list) -> float | None:
    spans = [
        (row.lead_closed - (row.lead_created or row.at)).total_seconds() / 86400
        for row in won
        if row.lead_closed is not None
    ]
    return round(median(spans), 1) if spans else None


def _most_common(values, top: int = 3) -> list[str]:
    counts = Counter(value.strip() for value in values if value and value.strip())
    return [value for value, _ in counts.most_common(top)]


def _most_bought(contact_ids: list[int]) -> list[str]:
    """What these customers bought (a purchase's `what`, else their won lead's title)."""
    if not contact_ids:
        return []
    what = fn.COALESCE(fn.NULLIF(Purchase.what, ""), Lead.title)
    rows = (
        Purchase.select(what)
        .join(Lead, JOIN.LEFT_OUTER, on=Purchase.lead == Lead.id)
        .where(Purchase.contact.in_(contact_ids) & Purchase.archived_at.is_null())
        .tuples()
    )
    return _most_common(value for (value,) in rows)


def wanted_customer() -> Wanted | None:
    """My best customers (the top fifth by lifetime value): what kind of business, what
    they buy, for about how much, and the best of them by name."""
    lifetime = fn.SUM(Purchase.amount_cents)
    ranked = list(
        Purchase.select(Purchase.contact, Contact.name, Contact.company, lifetime)
        .join(Contact)
        .where(Purchase.archived_at.is_null() & Contact.archived_at.is_null())
        .group_by(Purchase.contact, Contact.name, Contact.company)
        .order_by(lifetime.desc(), Contact.name)
        .tuples()
    )
    if not ranked:
        return None
    best = ranked[: max(BEST_FEWEST, round(len(ranked) * BEST_SHARE))]
    ids = [row[0] for row in best]
    bought = _most_bought(ids)
    deals = [
        cents
        for (cents,) in Purchase.select(Purchase.amount_cents)
        .where(Purchase.contact.in_(ids) & Purchase.archived_at.is_null())
        .tuples()
    ]
    top_name, top_company = best[0][1], best[0][2]
    return Wanted(
        kind=_business_kind([row[2] for row in best]),
        buys=bought[0] if bought else None,
        typical_cents=int(median(deals)),
        like=f"{top_name} ({top_company})" if top_company else top_name,
    )


def _business_kind(companies: list[str]) -> str:
    """`a bakery or dental business`: the trade word of my best customers' companies
    (the last word of the name before Ltd, & Sons and the like), the two most common."""
    trades = [trade for company in companies if (trade := _trade(company))]
    if len(trades) * 2 < len(companies):
        return "someone"
    shared = [word for word, count in Counter(trades).most_common(2) if count > 1]
    if not shared:
        return "a business owner"
    return f"a {' or '.join(shared)} business"


def _trade(company: str) -> str | None:
    """`Silva Bakery & Sons` -> `bakery`; a one-word name tells nothing (None)."""
    words = [word.lower() for word in re.findall(r"[\w'&-]+", company)]
    while words and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return words[-1] if len(words) > 1 else None


def brief_lines(brief: Brief, currency: str, *, markdown: bool = False) -> list[str]:
    """The brief as lines to send: plain text, or Markdown with a heading and bullets."""

    def money(cents: int) -> str:
        return format_cents(cents, currency, whole=True)

    period = f"since {brief.since}" if brief.since else "so far"
    bullet = "- " if markdown else "  "
    lines = [
        (f"## Referrals from {brief.partner}" if markdown else f"Referrals from {brief.partner}"),
        "",
        f"{bullet}You introduced {counted(brief.introduced, 'person', 'people')} {period}.",
    ]
    if brief.introduced:
        won = f"{brief.became_customers} became " + (
            "a customer" if brief.became_customers == 1 else "customers"
        )
        if brief.became_customers:
            won += f", {money(brief.closed_cents)} in all"
            if brief.typical_deal_cents is not None:
                won += f"; a typical deal was {money(brief.typical_deal_cents)}"
        lines.append(f"{bullet}{won}.")
    if brief.bought:
        lines.append(f"{bullet}They bought {', '.join(brief.bought)}.")
    if brief.days_to_close is not None:
        lines.append(f"{bullet}They signed {brief.days_to_close:g} days after we first spoke.")
    if brief.not_a_fit:
        why = f" ({'; '.join(brief.lost_reasons)})" if brief.lost_reasons else ""
        lines.append(f"{bullet}{counted(brief.not_a_fit, 'introduction')} did not fit{why}.")
    if brief.open_now:
        lines.append(f"{bullet}{counted(brief.open_now, 'introduction')} still open.")
    back = f"I sent you {counted(brief.sent_back, 'referral')}"
    if brief.sent_back_converted:
        customers = "customer" if brief.sent_back_converted == 1 else "customers"
        back += f", {brief.sent_back_converted} of them became your {customers}"
    lines.append(f"{bullet}{back}.")
    if brief.wanted is not None:
        wanted = brief.wanted
        buys = f" who buys {wanted.buys.lower()}" if wanted.buys else ""
        lines += [
            "",
            f"Send me more like this: {wanted.kind}{buys}, around "
            f"{money(wanted.typical_cents)} a purchase, like {wanted.like}.",
        ]
    return lines
