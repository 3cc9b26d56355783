"""Leads read for scripts and the detail screen: `pegboard leads --json` and a lead's page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import JOIN

from pegboard.clock import instant_text
from pegboard.errors import NotFound
from pegboard.store.models import AssistantWrite, Contact, Lead, Partner, StageChange, Touch, db


def join_contact_and_partner(query, partner_contact):
    """Join a Lead query to its contact and, if any, the referring partner's contact."""
    return (
        query.join(Contact, on=Lead.contact == Contact.id)
        .switch(Lead)
        .join(Partner, JOIN.LEFT_OUTER, on=Lead.referred_by == Partner.id)
        .join(partner_contact, JOIN.LEFT_OUTER, on=Partner.contact == partner_contact.id)
    )


def lead_records(stage: str | None = None, include_archived: bool = False) -> list[dict[str, Any]]:
    """Leads as plain dicts, one query, for `pegboard leads --json`."""
    partner_contact = Contact.alias("partner_contact")
    query = join_contact_and_partner(
        Lead.select(
            Lead.id,
            Lead.title,
            Contact.name.alias("contact_name"),
            Contact.company,
            Contact.email,
            Contact.phone,
            Lead.stage,
            Lead.source,
            partner_contact.name.alias("partner"),
            Lead.value_cents,
            Lead.next_action,
            Lead.due_date,
            Lead.created_at,
            Lead.updated_at,
            Lead.closed_at,
            Lead.lost_reason,
            Lead.archived_at,
        ),
        partner_contact,
    ).order_by(Lead.id)
    if stage:
        query = query.where(Lead.stage == stage)
    if not include_archived:
        query = query.where(Lead.archived_at.is_null())
    # Raw rows: peewee's per-row model building was ~4 s of a 6 s run at 100k leads.
    keys = (
        "id",
        "title",
        "contact",
        "company",
        "email",
        "phone",
        "stage",
        "source",
        "partner",
        "value_cents",
        "next_action",
        "due",
        "created_at",
        "updated_at",
        "closed_at",
        "lost_reason",
        "archived",
    )
    records = []
    for values in db.execute(query).fetchall():
        record = dict(zip(keys, values, strict=True))
        due = record["due"]
        record["due"] = due.isoformat() if isinstance(due, date) else due
        for key in ("created_at", "updated_at", "closed_at"):
            record[key] = _iso_utc(record[key])
        record["archived"] = record["archived"] is not None
        records.append(record)
    return records


def _iso_utc(raw: Any) -> str | None:
    """A stored UTC instant as `clock.instant_text` writes it, whether the driver gave text
    or a datetime (SQLite gives 'YYYY-MM-DD HH:MM:SS[.ffffff]', taken as it is: 10,000
    leads' dates are not parsed to be written again)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.replace(" ", "T", 1) + "Z"
    return _iso(Lead.created_at.python_value(raw))


def _iso(moment: datetime | None) -> str | None:
    return instant_text(moment) if moment else None


@dataclass(frozen=True)
class LeadDetail:
    """Everything the lead's detail screen shows: fields, touches, stage history."""

    id: int
    title: str
    name: str
    company: str
    email: str
    phone: str
    stage: str
    source: str
    partner: str | None
    value_cents: int
    next_action: str
    due_date: date | None
    qualification: list[str]
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    last_touch_at: datetime | None
    closed_at: datetime | None
    lost_reason: str
    archived: bool
    touches: list[tuple[datetime, str, str]]
    history: list[tuple[datetime, str | None, str]]
    assistant: list[tuple[datetime, str]] = field(default_factory=list)
    """What an AI assistant did to the lead through `pegboard mcp` (when, what)."""
    also: tuple[str, ...] = ()
    """The person's other emails and phones (an import brought them)."""


def lead_with_contact(lead_id: int) -> Lead:
    """The lead with its contact read in the same query; NotFound when there is none."""
    lead = Lead.select(Lead, Contact).join(Contact).where(Lead.id == lead_id).get_or_none()
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    return lead


def lead_detail(lead_id: int) -> LeadDetail:
    lead = lead_with_contact(lead_id)
    partner = None
    if lead.referred_by_id:
        partner = (
            Contact.select(Contact.name)
            .join(Partner, on=Partner.contact == Contact.id)
            .where(Partner.id == lead.referred_by_id)
            .scalar()
        )
    touches = [
        (touch.at, touch.kind, touch.note)
        for touch in Touch.select().where(Touch.lead == lead_id).order_by(Touch.at.desc())
    ]
    history = [
        (change.changed_at, change.from_stage, change.to_stage)
        for change in StageChange.select()
        .where(StageChange.lead == lead_id)
        .order_by(StageChange.changed_at, StageChange.id)
    ]
    assistant = [
        (write.at, write.summary)
        for write in AssistantWrite.select(AssistantWrite.at, AssistantWrite.summary).where(
            (AssistantWrite.record_kind == "lead") & (AssistantWrite.record_id == lead_id)
        )
    ]
    return LeadDetail(
        id=lead.id,
        title=lead.title,
        name=lead.contact.name,
        company=lead.contact.company,
        email=lead.contact.email,
        phone=lead.contact.phone,
        also=tuple(lead.contact.also_reach.splitlines()),
        stage=lead.stage,
        source=lead.source,
        partner=partner,
        value_cents=lead.value_cents,
        next_action=lead.next_action,
        due_date=lead.due_date,
        qualification=json.loads(lead.qualification or "[]"),
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        stage_entered_at=lead.stage_entered_at,
        last_touch_at=lead.last_touch_at,
        closed_at=lead.closed_at,
        lost_reason=lead.lost_reason,
        archived=lead.archived_at is not None,
        touches=touches,
        history=history,
        assistant=assistant,
    )
