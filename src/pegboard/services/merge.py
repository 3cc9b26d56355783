"""One person, once: likely duplicate contacts, and merging two into one.

Imports and typing make duplicates ("Ann Lee" and "Ann L." with the same phone). A pair
is likely when the two share a phone (its match key), an email (any case), or the same
folded name with the same company (or one without). Merging moves every lead, touch,
referral, purchase and partner role of OTHER to KEEP, fills KEEP's empty fields, and
archives OTHER; what moved is kept (contact_merge), so the merge can be taken back, in
the app with u or later with `pegboard contacts unmerge`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from peewee import fn

from pegboard.clock import Clock, instant_text
from pegboard.errors import DomainError, NotFound
from pegboard.services.undo import Step, UndoLog
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, ContactMerge, Lead, Partner, Purchase, Referral, Touch

FILLED = ("company", "email", "phone", "phone_key", "notes")
"""KEEP's fields that OTHER's fill when KEEP's are empty."""
KEPT_FIELDS = (*FILLED, "also_reach", "asked_referral_at", "testimonial_at")
"""KEEP's fields as they were before the merge, put back by its undo."""


@dataclass(frozen=True)
class DuplicatePair:
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    why: list[str]

    def as_json(self) -> dict:
        return {
            "keep": {"id": self.keep_id, "name": self.keep_name},
            "other": {"id": self.other_id, "name": self.other_name},
            "why": self.why,
        }


def likely_duplicates() -> list[DuplicatePair]:
    """Pairs of live contacts that are likely one person, the older first in each."""
    live = Contact.archived_at.is_null()
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    groups = [
        ("same phone", Contact.phone_key, Contact.phone_key != ""),
        ("same email", fn.LOWER(Contact.email), Contact.email != ""),
    ]
    for why, key, present in groups:
        shared = (
            Contact.select(key).where(live & present).group_by(key).having(fn.COUNT(Contact.id) > 1)
        )
        members = Contact.select(key, Contact.id).where(live & present & key.in_(shared)).tuples()
        for value, ids in _grouped(members).items():
            for pair in combinations(sorted(ids), 2):
                reasons[pair].append(f"{why} {value}")
    named = Contact.select(Contact.name_key).where(live & (Contact.name_key != ""))
    named = named.group_by(Contact.name_key).having(fn.COUNT(Contact.id) > 1)
    rows = Contact.select(Contact.name_key, Contact.id, Contact.company_key).where(
        live & Contact.name_key.in_(named)
    )
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name_key, contact_id, company_key in rows.tuples():
        by_name[name_key].append((contact_id, company_key))
    for people in by_name.values():
        for (a, company_a), (b, company_b) in combinations(sorted(people), 2):
            if company_a == company_b or not company_a or not company_b:
                reasons[(a, b)].append(
                    "same name" + (" and company" if company_a and company_a == company_b else "")
                )
    if not reasons:
        return []
    ids = {contact_id for pair in reasons for contact_id in pair}
    names = dict(Contact.select(Contact.id, Contact.name).where(Contact.id.in_(list(ids))).tuples())
    return [
        DuplicatePair(keep, other, names[keep], names[other], why)
        for (keep, other), why in sorted(reasons.items())
    ]


def _grouped(rows) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for value, contact_id in rows:
        found[value].append(contact_id)
    return found


def _live_contact(contact_id: int) -> Contact:
    contact = Contact.get_or_none((Contact.id == contact_id) & Contact.archived_at.is_null())
    if contact is None:
        raise NotFound(f"no contact with id {contact_id} (archived, or merged already?)")
    return contact


def _stamp(value):
    return instant_text(value) if isinstance(value, datetime) else value


def merge_contacts(clock: Clock, undo_log: UndoLog, keep_id: int, other_id: int) -> int:
    """Merge OTHER into KEEP, in one transaction; returns the merge's id."""
    if keep_id == other_id:
        raise DomainError("a contact cannot be merged into itself")
    now = clock.now()
    with write_transaction():
        keep, other = _live_contact(keep_id), _live_contact(other_id)
        moved: dict = {"keep_before": {name: _stamp(getattr(keep, name)) for name in KEPT_FIELDS}}
        for name, model in (("lead", Lead), ("touch", Touch), ("purchase", Purchase)):
            ids = [row.id for row in model.select(model.id).where(model.contact == other_id)]
            model.update(contact=keep_id).where(model.id.in_(ids)).execute()
            moved[name] = ids
        ids = [r.id for r in Referral.select(Referral.id).where(Referral.contact == other_id)]
        Referral.update(contact=keep_id).where(Referral.id.in_(ids)).execute()
        moved["referral_person"] = ids
        moved.update(_merge_partner_roles(keep_id, other_id, now))
        _fill(keep, other)
        keep.updated_at = now
        keep.save()
        Contact.update(archived_at=now, updated_at=now).where(Contact.id == other_id).execute()
        record = ContactMerge.create(at=now, keep=keep_id, other=other_id, moved=json.dumps(moved))

    def reverse() -> None:
        undo_merge(clock, record.id)

    undo_log.push(Step(f"merged {other.name} into", "customer", keep_id, keep.name, reverse))
    return record.id


def _merge_partner_roles(keep_id: int, other_id: int, now: datetime) -> dict:
    """OTHER's partner role becomes KEEP's; when both are partners, OTHER's referrals go
    to KEEP's partner and OTHER's partner row is archived."""
    theirs = Partner.get_or_none(Partner.contact == other_id)
    if theirs is None:
        return {}
    mine = Partner.get_or_none(Partner.contact == keep_id)
    if mine is None:
        Partner.update(contact=keep_id, updated_at=now).where(Partner.id == theirs.id).execute()
        return {"partner_moved": theirs.id}
    ids = [r.id for r in Referral.select(Referral.id).where(Referral.partner == theirs.id)]
    Referral.update(partner=mine.id).where(Referral.id.in_(ids)).execute()
    leads = [lead.id for lead in Lead.select(Lead.id).where(Lead.referred_by == theirs.id)]
    Lead.update(referred_by=mine.id).where(Lead.id.in_(leads)).execute()
    archived_before = _stamp(theirs.archived_at)
    Partner.update(archived_at=now).where(Partner.id == theirs.id).execute()
    return {
        "referral_partner": ids,
        "lead_referred_by": leads,
        "partner_archived_before": archived_before,
        "partner_from": theirs.id,
    }


def _fill(keep: Contact, other: Contact) -> None:
    """KEEP's empty fields from OTHER's; OTHER's other ways to reach kept as KEEP's too."""
    for name in FILLED:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    reach = [line for line in keep.also_reach.splitlines() if line.strip()]
    for line in [other.email, other.phone, *other.also_reach.splitlines()]:
        if line.strip() and line not in (keep.email, keep.phone) and line not in reach:
            reach.append(line)
    keep.also_reach = "\n".join(reach)
    for name in ("asked_referral_at", "testimonial_at"):
        dates = [d for d in (getattr(keep, name), getattr(other, name)) if d is not None]
        setattr(keep, name, max(dates) if dates else None)


def undo_merge(clock: Clock, merge_id: int) -> None:
    """Take a merge back: every row moved goes back to OTHER, KEEP's fields are as they
    were, OTHER is live again."""
    now = clock.now()
    with write_transaction():
        record = ContactMerge.get_or_none(
            (ContactMerge.id == merge_id) & ContactMerge.undone_at.is_null()
        )
        if record is None:
            raise NotFound(f"no merge {merge_id} to take back (taken back already?)")
        moved = json.loads(record.moved)
        other_id, keep_id = record.other_id, record.keep_id
        for name, model in (("lead", Lead), ("touch", Touch), ("purchase", Purchase)):
            model.update(contact=other_id).where(model.id.in_(moved[name])).execute()
        Referral.update(contact=other_id).where(Referral.id.in_(moved["referral_person"])).execute()
        if "partner_moved" in moved:
            Partner.update(contact=other_id).where(Partner.id == moved["partner_moved"]).execute()
        if "partner_from" in moved:
            source = moved["partner_from"]
            Referral.update(partner=source).where(
                Referral.id.in_(moved["referral_partner"])
            ).execute()
            Lead.update(referred_by=source).where(Lead.id.in_(moved["lead_referred_by"])).execute()
            before = moved["partner_archived_before"]
            Partner.update(archived_at=_instant(before)).where(Partner.id == source).execute()
        keep = Contact.get_by_id(keep_id)
        for name, value in moved["keep_before"].items():
            setattr(keep, name, _instant(value) if name.endswith("_at") else value)
        keep.updated_at = now
        keep.save()
        Contact.update(archived_at=None, updated_at=now).where(Contact.id == other_id).execute()
        ContactMerge.update(undone_at=now).where(ContactMerge.id == merge_id).execute()


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def last_merge_of(contact_id: int) -> int | None:
    """The merge (not taken back) that archived this contact, if one did."""
    return (
        ContactMerge.select(ContactMerge.id)
        .where((ContactMerge.other == contact_id) & ContactMerge.undone_at.is_null())
        .order_by(ContactMerge.id.desc())
        .scalar()
    )


def people(contact_ids: list[int]) -> dict[int, tuple[str, str, str, str]]:
    """Each contact's (name, company, email, phone), to show a pair side by side."""
    rows = Contact.select(Contact.id, Contact.name, Contact.company, Contact.email, Contact.phone)
    return {row[0]: row[1:] for row in rows.where(Contact.id.in_(contact_ids)).tuples()}
