"""Changes asked for in text, from the command line or by an AI assistant (`pegboard
mcp`): read, checked and carried out here, so that both are refused the same things in
the same words, and answer with the same JSON.

`named` says how the caller names a field in a message: `--create-partner` on the
command line, `create_partner` to an assistant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pegboard.clock import parse_date, parse_datetime
from pegboard.errors import DomainError, NotFound
from pegboard.money import parse_cents
from pegboard.services.leads import LeadService
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.partners import PartnerService, ReferralDraft

Naming = Callable[[str], str]


def as_option(field: str) -> str:
    """A field as the command line names it: `create_partner` -> `--create-partner`."""
    return "--" + field.replace("_", "-")


def read(parse, text: str, field: str, named: Naming):
    """`parse(text)`, or a DomainError naming the field when the text does not read."""
    try:
        return parse(text)
    except ValueError as error:
        raise DomainError(f"{named(field)}: {error}") from None


def partner_named(partners: PartnerService, name: str):
    """The partner of exactly that name (any case or accents), or NotFound naming the
    closest matches: `no partner named 'dana' (Dana Keller?)`."""
    found = partners.find_partner(name)
    if found is not None:
        return found
    close = closest_partners(partners, name)
    raise NotFound(f"no partner named {name!r}{f' ({close})' if close else ''}")


def closest_partners(partners: PartnerService, name: str) -> str:
    """`Dana Keller, Dan Ng?`: the partners a name not found may have meant, or ''."""
    close = [match.name for match in partners.match_partners(name, 3)]
    return f"{', '.join(close)}?" if close else ""


def log_referral(
    partners: PartnerService,
    *,
    partner: str,
    direction: str,
    person: str,
    phone: str = "",
    email: str = "",
    note: str = "",
    warmth: int | None = None,
    at: str | None = None,
    create_partner: bool = False,
    named: Naming = as_option,
) -> dict[str, Any]:
    """A referral received from (or given to) the partner named `partner`."""
    if direction not in ("received", "given"):
        raise DomainError(f"{named('direction')}: received or given, not {direction!r}")
    when = read(parse_datetime, at, "at", named) if at else None
    if phone and email:
        raise DomainError(f"give {named('phone')} or {named('email')}, not both")
    known = partners.find_partner(partner)
    if known is None and not create_partner:
        close = closest_partners(partners, partner)
        hint = f"{close}, or " if close else ""
        raise NotFound(
            f"no partner named {partner!r} ({hint}add {named('create_partner')} to create one)"
        )
    draft = ReferralDraft(
        direction=direction,
        person=person,
        partner_id=known.id if known else None,
        new_partner=partner if known is None else "",
        reach=phone or email,
        note=note,
        warmth=warmth,
    )
    logged = partners.log_referral(draft, at=when)
    return {
        "referral": logged.referral_id,
        "lead": logged.lead_id,
        "partner": logged.partner_id,
        "partner_created": logged.partner_created,
    }


def record_purchase(
    loyalty: LoyaltyService,
    *,
    customer: str,
    amount: str,
    what: str = "",
    date: str | None = None,
    create_customer: bool = False,
    named: Naming = as_option,
) -> dict[str, Any]:
    """A purchase by the customer named `customer`, with the discount it earns."""
    settings = loyalty.settings
    cents = read(lambda text: parse_cents(text, settings.currency), amount, "amount", named)
    today = loyalty.clock.today()
    on = (
        read(lambda text: parse_date(text, today, settings.date_order), date, "date", named)
        if date
        else None
    )
    try:
        quote = loyalty.record_purchase_by_name(
            customer, cents, what, on, create_customer=create_customer
        )
    except NotFound as error:
        raise NotFound(f"{error} (add {named('create_customer')} to create one)") from None
    return {
        "customer": customer,
        "amount_before_cents": quote.list_cents,
        "discount_cents": quote.discount_cents,
        "charged_cents": quote.charged_cents,
        "rule": quote.rule or None,
        "purchase_number": quote.purchase_number,
    }


def move_lead(
    leads: LeadService,
    *,
    lead_id: int,
    stage: str,
    value: str | None = None,
    reason: str | None = None,
    at: str | None = None,
    named: Naming = as_option,
) -> dict[str, Any]:
    """The lead into another stage (won may set its value; lost needs a reason)."""
    currency = leads.settings.currency
    cents = (
        read(lambda text: parse_cents(text, currency), value, "value", named)
        if value is not None
        else None
    )
    when = read(parse_datetime, at, "at", named) if at else None
    result = leads.move_lead(lead_id, stage, value_cents=cents, lost_reason=reason, at=when)
    return {"id": result.lead_id, "from": result.from_stage, "to": result.to_stage}


def log_touch(
    leads: LeadService,
    *,
    lead_id: int,
    kind: str,
    note: str = "",
    next_action: str | None = None,
    due: str | None = None,
    at: str | None = None,
    named: Naming = as_option,
) -> dict[str, Any]:
    """A call, email, meeting, message or note on a lead, maybe with its next follow-up."""
    settings = leads.settings
    today = leads.clock.today()
    due_date = (
        read(lambda text: parse_date(text, today, settings.date_order), due, "due", named)
        if due
        else None
    )
    when = read(parse_datetime, at, "at", named) if at else None
    touch_id = leads.log_touch(
        lead_id, kind.strip().lower(), note, at=when, next_action=next_action, due_date=due_date
    )
    return {"touch": touch_id, "lead": lead_id}


def log_meeting(
    partners: PartnerService,
    *,
    partner: str,
    at: str | None = None,
    note: str = "",
    named: Naming = as_option,
) -> dict[str, Any]:
    """A one-to-one with the partner named `partner`, on a day (today unless `at`)."""
    from pegboard.services.meetings import meeting_time

    clock, order = partners.clock, partners.settings.date_order
    today = clock.today()
    day = read(lambda text: parse_date(text, today, order), at, "at", named) if at else today
    if day > today:
        raise DomainError(f"{named('at')}: a one-to-one is logged once it took place")
    known = partner_named(partners, partner)
    touch_id = partners.log_meeting(known.id, meeting_time(day, clock), note)
    return {"touch": touch_id, "partner": known.id, "on": day.isoformat()}
