"""Contacts: one person is typed once, whether partner, lead or customer."""

from __future__ import annotations

import re
from datetime import datetime

from peewee import fn

from pegboard.phones import phone_key
from pegboard.store.models import Contact
from pegboard.text import folded

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(email: str) -> str | None:
    """What is wrong with an email address, or None: its syntax as email-validator reads
    it (RFC 5322 and the DNS rules for the domain; no network look-up), which refuses
    `a@b..c`, `ann@example.com.` and `ann@.example.com`."""
    if not email:
        return None
    if not EMAIL.match(email):
        return "not an email address"
    # Imported here: its tables take about 25 ms to load, paid only once an email is checked.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        return f"not an email address ({str(error).rstrip('.')})"
    return None


def find_contact(
    name: str, company: str = "", email: str = "", phone: str = "", *, region: str
) -> Contact | None:
    """The existing contact that is this person: same email, else same phone (as a
    number: its key in the book's `region`), else same name (accents and case folded).

    A name matches only when the companies agree too (or one side has none), so
    two different John Smiths at two firms stay two people.
    """
    return _find_contact(name, company, email, phone_key(phone, region))


def _find_contact(name: str, company: str, email: str, key: str) -> Contact | None:
    """find_contact, with the phone already keyed."""
    live = Contact.archived_at.is_null()
    if email:
        found = Contact.get_or_none(live & (fn.LOWER(Contact.email) == email.lower()))
        if found:
            return found
    if key:
        found = Contact.get_or_none(live & (Contact.phone_key == key))
        if found:
            return found
    query = Contact.select().where(live & (Contact.name_key == folded(name)))
    company_key = folded(company)
    for candidate in query.limit(5):
        if not company or not candidate.company or candidate.company_key == company_key:
            return candidate
    return None


def find_or_create_contact(
    name: str, now: datetime, company: str = "", email: str = "", phone: str = "", *, region: str
) -> Contact:
    """Reuse the matching contact (filling in what it lacked) or create a new one."""
    key = phone_key(phone, region)
    contact = _find_contact(name, company, email, key)
    if contact is None:
        return Contact.create(
            name=name,
            company=company,
            email=email,
            phone=phone,
            phone_key=key,
            created_at=now,
            updated_at=now,
        )
    fill_in_contact(contact, now, company=company, email=email, phone=phone, phone_key=key)
    return contact


def contact_of_draft(draft, now: datetime, region: str) -> Contact:
    """The contact a lead's or a partner's draft names (its name, company, email and
    phone), found or made."""
    return find_or_create_contact(
        draft.name.strip(), now, draft.company, draft.email, draft.phone, region=region
    )


def set_phone(contact: Contact, phone: str, region: str) -> None:
    """Give the contact this phone, as typed, with its match key (saved by the caller)."""
    contact.phone = phone
    contact.phone_key = phone_key(phone, region)


def fill_in_contact(contact: Contact, now: datetime, **values: str) -> None:
    """Give a known contact what we have learnt and the record lacks; never overwrite."""
    changed = False
    for field, value in values.items():
        if value and not getattr(contact, field):
            setattr(contact, field, value)
            changed = True
    if changed:
        contact.updated_at = now
        contact.save()
