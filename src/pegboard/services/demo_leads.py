"""The demo's leads: each one's way through the stages, its touches and its history,
drawn from the demo's one random generator (so a seed gives the same book every time)."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pegboard.config import Settings
from pegboard.services.demo_words import (
    LOST_REASONS,
    NEEDS,
    NEXT_ACTIONS,
    STAY_HOURS,
    TOUCH_NOTES,
)
from pegboard.services.leads import stay_hours
from pegboard.store.models import Contact, Lead, Partner
from pegboard.text import folded

LEAD_FIELDS = (
    Lead.title,
    Lead.contact,
    Lead.stage,
    Lead.source,
    Lead.value_cents,
    Lead.next_action,
    Lead.due_date,
    Lead.qualification,
    Lead.referred_by,
    Lead.position,
    Lead.stage_entered_at,
    Lead.last_touch_at,
    Lead.created_at,
    Lead.updated_at,
    Lead.closed_at,
    Lead.lost_reason,
    Lead.qualified_at,
    Lead.title_key,
)
"""The lead columns the demo fills, in the order its rows are inserted."""

TOUCH_KINDS = ("call", "call", "email", "email", "meeting", "message", "note")
"""Touch kinds as often as the demo draws them."""


@dataclass
class DemoLead:
    """One demo lead as it will be inserted (the LEAD_FIELDS), and the way it went."""

    title: str
    contact: int
    stage: str
    source: str
    value_cents: int
    next_action: str
    due_date: date | None
    qualification: str
    referred_by: int | None
    position: int
    stage_entered_at: datetime
    last_touch_at: datetime
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    lost_reason: str
    qualified_at: datetime | None
    path: list[str]
    """The stages it went through, in order; `times` says when it entered each."""
    times: list[datetime]

    @property
    def title_key(self) -> str:
        return folded(self.title)

    def row(self) -> list:
        return [getattr(self, field.name) for field in LEAD_FIELDS]

    def history(self, lead_id: int) -> list[tuple]:
        """Its stage changes, as HISTORY_FIELDS rows."""
        rows = []
        previous, entered = None, None
        for stage_id, at in zip(self.path, self.times, strict=True):
            stay = None if entered is None else stay_hours(entered, at)
            rows.append((lead_id, previous, stage_id, at, stay))
            previous, entered = stage_id, at
        return rows


class LeadLives:
    """Draws demo leads: referred ones move faster, win more often and are worth more."""

    def __init__(
        self,
        settings: Settings,
        rng: random.Random,
        moment: Callable[[datetime, datetime], datetime],
        now: datetime,
        today: date,
    ) -> None:
        self.settings = settings
        self.rng = rng
        self.moment = moment
        self.now = now
        self.today = today
        self.open_ids = [stage.id for stage in settings.stages if stage.closes is None]
        self.won_id = settings.closing_stage("won").id
        self.lost_id = settings.closing_stage("lost").id
        self.qualified = {stage.id for stage in settings.qualified_stages} | {self.won_id}
        self.positions = {stage.id: 0 for stage in settings.stages}

    def life(self, contact_id: int, source: str, partner: int | None, since: datetime) -> DemoLead:
        """A lead created between `since` and now, from `source` (and `partner`)."""
        rng, now = self.rng, self.now
        referred = source == self.settings.referral_source
        created = self.moment(since, now - timedelta(hours=2))
        path = self._path(referred, (now - created).days)
        times = self._times(path, created, referred)
        stage_id = path[-1]
        value = rng.choice((450, 800, 1200, 1800, 2500, 4000, 6500)) * 100
        if referred:
            value = value * 13 // 10
        closed = times[-1] if stage_id in (self.won_id, self.lost_id) else None
        due, next_action = None, ""
        if closed is None:
            due = self.today + timedelta(days=rng.randrange(-12, 15))
            next_action = rng.choice(NEXT_ACTIONS)
        self.positions[stage_id] += 1
        title = rng.choice(NEEDS)
        qualification = "[]"
        if len(path) > 2:
            qualification = json.dumps(list(self.settings.qualification[: rng.randrange(2, 5)]))
        lost_reason = rng.choice(LOST_REASONS) if stage_id == self.lost_id else ""
        return DemoLead(
            title=title,
            contact=contact_id,
            stage=stage_id,
            source=source,
            value_cents=value,
            next_action=next_action,
            due_date=due,
            qualification=qualification,
            referred_by=partner,
            position=self.positions[stage_id],
            stage_entered_at=times[-1],
            last_touch_at=times[-1],
            created_at=created,
            updated_at=times[-1],
            closed_at=closed,
            lost_reason=lost_reason,
            qualified_at=next(
                (when for step, when in zip(path, times, strict=True) if step in self.qualified),
                None,
            ),
            path=path,
            times=times,
        )

    def _path(self, referred: bool, age_days: int) -> list[str]:
        """The stages a lead went through: on while it keeps moving; an old one closed."""
        rng = self.rng
        path = [self.open_ids[0]]
        for stage_id in self.open_ids[1:]:
            if rng.random() < (0.75 if referred else 0.55):
                path.append(stage_id)
            else:
                break
        if age_days > 20:
            won_chance = 0.42 if referred else 0.14
            roll = rng.random()
            if roll < won_chance:
                path = [*self.open_ids, self.won_id]
            elif roll < won_chance + (0.5 if referred else 0.7):
                path.append(self.lost_id)
        return path

    def _times(self, path: list[str], created: datetime, referred: bool) -> list[datetime]:
        """When the lead entered each stage of `path`."""
        times = [created]
        for left in path[:-1]:
            hours = self.rng.randrange(*STAY_HOURS.get(left, (12, 24 * 21)))
            if referred:
                hours = hours * 7 // 10
            times.append(min(times[-1] + timedelta(hours=hours), self.now - timedelta(minutes=5)))
        return times

    def touches(self, lead: DemoLead, index: int) -> list[list]:
        """The lead's touches as Touch rows (contact, lead index, kind, note, at); its
        last_touch_at is set from them."""
        rng, times = self.rng, lead.times
        rows = []
        last = times[0]
        for _ in range(rng.randrange(1, 2 + len(lead.path))):
            at = self.moment(times[0], max(times[-1], times[0] + timedelta(hours=1)))
            kind = rng.choice(TOUCH_KINDS)
            rows.append([lead.contact, index, kind, rng.choice(TOUCH_NOTES[kind]), at])
            last = max(last, at)
        # Most open leads are being worked: a touch in the last few days.
        if lead.closed_at is None and rng.random() < 0.7:
            at = self.now - timedelta(hours=rng.randrange(1, 24 * 3))
            rows.append([lead.contact, index, "call", "Checked in", at])
            last = max(last, at)
        lead.last_touch_at = last
        return rows


def weighted_picker(rng: random.Random, items: list, weights: list[float]) -> Callable[[], object]:
    """Draw one of `items` at a time, as often as its weight says."""
    cumulative = list(itertools.accumulate(weights))
    return lambda: rng.choices(items, cum_weights=cumulative)[0]


def grow_network(
    rng, leads: list[DemoLead], contact_ids: list[int], partner_ids: list[int], won_id: str
) -> int:
    """A third of the partners were once customers a partner sent: each takes the
    contact of a won referral (its own first contact goes), so the referral network
    has branches. Returns how many partners did."""
    sent = [
        (contact_id, lead.referred_by)
        for lead, contact_id in zip(leads, contact_ids, strict=True)
        if lead.referred_by is not None and lead.stage == won_id
    ]
    rng.shuffle(sent)
    replaced = []
    for partner_id, (contact_id, sender) in zip(partner_ids[1::3], sent, strict=False):
        if sender == partner_id:
            continue
        replaced.append(Partner.get_by_id(partner_id).contact_id)
        Partner.update(contact=contact_id).where(Partner.id == partner_id).execute()
    if replaced:
        Contact.delete().where(Contact.id.in_(replaced)).execute()
    return len(replaced)
