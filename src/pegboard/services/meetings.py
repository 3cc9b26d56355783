"""One-to-ones with partners, as BNI's members hold them to keep referrals flowing.

A one-to-one is a touch of kind `meeting` on the partner's contact, with no lead: it
goes with the person's other touches, and "last met" is the latest. With
`partners.meet_every_days` set, a partner not met for that long is on Today, those who
send the most first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from peewee import fn

from pegboard.clock import Clock, to_utc
from pegboard.config import Settings
from pegboard.errors import NotFound
from pegboard.services.undo import Step, UndoLog, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Partner, Referral, Touch
from pegboard.store.paging import rows_and_count

MEETING = "meeting"


def is_one_to_one(touch=Touch):
    """A partner's one-to-one: a meeting on their contact that is no lead's."""
    return (touch.kind == MEETING) & touch.lead.is_null()


def log_meeting(
    clock: Clock, undo_log: UndoLog, partner_id: int, at: datetime | None = None, note: str = ""
) -> int:
    """Record a one-to-one with the partner (now, or `at`); undo takes it back."""
    with write_transaction():
        partner = Partner.get_or_none((Partner.id == partner_id) & Partner.archived_at.is_null())
        if partner is None:
            raise NotFound(f"no partner with id {partner_id}")
        touch = Touch.create(
            contact=partner.contact_id,
            lead=None,
            kind=MEETING,
            note=note.strip(),
            at=at or clock.now(),
        )
        name = Contact.get_by_id(partner.contact_id).name

    def reverse() -> None:
        expect_unchanged(Touch, touch.id, {"kind": MEETING})
        Touch.delete().where(Touch.id == touch.id).execute()

    undo_log.push(Step("one-to-one logged", "partner", partner_id, name, reverse))
    return touch.id


def meeting_time(day: date, clock: Clock) -> datetime:
    """When a one-to-one on `day` took place: now for today, else that day's local noon."""
    if day == clock.today():
        return clock.now()
    return to_utc(datetime.combine(day, time(12, 0)))


def last_meetings(partner_ids: list[int]) -> dict[int, datetime]:
    """Each partner's latest one-to-one (partners never met are left out)."""
    if not partner_ids:
        return {}
    rows = (
        Partner.select(Partner.id, fn.MAX(Touch.at))
        .join(Touch, on=(Touch.contact == Partner.contact) & is_one_to_one())
        .where(Partner.id.in_(partner_ids))
        .group_by(Partner.id)
        .tuples()
    )
    to_time = Touch.at.python_value
    return {partner_id: to_time(latest) for partner_id, latest in rows if latest is not None}


def meeting_count(partner_id: int) -> int:
    contact = Partner.select(Partner.contact).where(Partner.id == partner_id)
    return Touch.select().where((Touch.contact.in_(contact)) & is_one_to_one()).count()


def partners_to_meet(
    settings: Settings, clock: Clock, limit: int, exclude: frozenset[int] = frozenset()
) -> tuple[list[tuple[int, str, datetime | None, int]], int]:
    """The partners not met one to one for `meet_every_days` (a partner newer than that
    is not due yet), those who sent the most first: (id, name, last met, sent), and how
    many there are. None (and 0) while the setting is 0."""
    if not settings.meet_every_days:
        return [], 0
    due_before = clock.now() - timedelta(days=settings.meet_every_days)
    last = Touch.select(fn.MAX(Touch.at)).where(
        (Touch.contact == Partner.contact) & is_one_to_one()
    )
    sent = Referral.select(fn.COUNT(Referral.id)).where(
        (Referral.partner == Partner.id)
        & (Referral.direction == "received")
        & Referral.archived_at.is_null()
    )
    # Never met: due once the partner has been one for as long.
    last_or_since = fn.COALESCE(last, Partner.created_at)
    query = (
        Partner.select(Partner.id, Contact.name, last, sent)
        .join(Contact, on=Partner.contact == Contact.id)
        .where(Partner.archived_at.is_null() & (last_or_since < due_before))
        .order_by(fn.COALESCE(sent, 0).desc(), last_or_since, Partner.id)
    )
    if exclude:
        query = query.where(Partner.id.not_in(list(exclude)))
    rows, total = rows_and_count(query, limit)
    to_time = Touch.at.python_value
    return [
        (pid, name, to_time(latest) if latest else None, int(count or 0))
        for pid, name, latest, count in rows
    ], total
