"""A lead as a form or the command line gives it, and what is wrong with it before saving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pegboard.config import Settings
from pegboard.money import parse_cents
from pegboard.phones import phone_problem
from pegboard.services.contacts import check_email

TOUCH_KINDS = ("call", "email", "meeting", "message", "note")


@dataclass(frozen=True)
class LeadDraft:
    """A lead as a form or the command line describes it, before it is saved."""

    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""
    value_cents: int = 0
    source: str = ""
    next_action: str = ""
    due_date: date | None = None


def draft_problems(draft: LeadDraft, settings: Settings) -> dict[str, str]:
    """Field name -> what is wrong with it; empty when the draft can be saved."""
    problems: dict[str, str] = {}
    if not draft.name.strip():
        problems["name"] = "a lead needs a contact name"
    if message := check_email(draft.email):
        problems["email"] = message
    if message := phone_problem(draft.phone, settings.phone_region):
        problems["phone"] = message
    if draft.source and draft.source not in settings.sources:
        problems["source"] = f"not a configured source ({', '.join(settings.sources)})"
    if draft.value_cents < 0:
        problems["value"] = "the value cannot be negative"
    return problems


def parse_value(text: str, currency: str = "USD") -> int:
    """A lead value as typed, in the book's number format: empty means 0."""
    return parse_cents(text, currency) if text.strip() else 0
