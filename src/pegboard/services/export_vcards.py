"""Contacts out to the owner's address book: one vCard 4.0 file per live contact in a
folder (a vdir, as khard reads it and vdirsyncer pushes it to a phone), each with a
UID stable for the contact and unique to the book, and CATEGORIES saying partner,
customer or lead. Written with vobject; importing the folder back finds every person
it wrote and changes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

from pegboard.files import open_private, replace_private_folder
from pegboard.services.export import book_id
from pegboard.store.models import Contact, Lead, Partner, Purchase

VCARD_SUFFIX = ".vcf"


def is_vcard_file(path: Path) -> bool:
    """A file a vCard export writes (a folder of only these may be exported over)."""
    return path.is_file() and not path.is_symlink() and path.suffix == VCARD_SUFFIX


def contact_uid(book: str, contact_id: int) -> str:
    """The contact's UID: the same in every export of this book, never another book's."""
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(book), f'contact-{contact_id}')}"


def export_vcards(folder: Path) -> int:
    """Write every live contact as `<uid>.vcf` into `folder` (new, empty or a previous
    vCard export, replaced whole); how many were written."""
    return replace_private_folder(folder, is_vcard_file, _write_cards)


def _write_cards(folder: Path) -> int:
    book = book_id()
    kinds = _kinds()
    written = 0
    for contact in Contact.select().where(Contact.archived_at.is_null()).order_by(Contact.id):
        uid = contact_uid(book, contact.id)
        with open_private(folder / f"{uid.rsplit(':', 1)[-1]}{VCARD_SUFFIX}") as handle:
            handle.write(card_text(contact, uid, kinds.get(contact.id, [])))
        written += 1
    return written


def _kinds() -> dict[int, list[str]]:
    """Contact id -> what the contact is in the book: partner, customer, lead."""
    kinds: dict[int, list[str]] = {}
    for kind, query in (
        ("partner", Partner.select(Partner.contact).where(Partner.archived_at.is_null())),
        ("customer", Purchase.select(Purchase.contact).where(Purchase.archived_at.is_null())),
        ("lead", Lead.select(Lead.contact).where(Lead.archived_at.is_null())),
    ):
        for (contact_id,) in query.distinct().tuples():
            kinds.setdefault(contact_id, []).append(kind)
    return kinds


def card_text(contact: Contact, uid: str, kinds: list[str]) -> str:
    """One contact as a vCard 4.0: its main email and phone PREF=1, its others after."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = uid
    card.add("fn").value = contact.name
    given, _, family = contact.name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family or given, given=given if family else "")
    if contact.company:
        card.add("org").value = [contact.company]
    others = [value for value in contact.also_reach.splitlines() if value]
    emails = [contact.email] if contact.email else []
    phones = [contact.phone] if contact.phone else []
    emails += [value for value in others if "@" in value]
    phones += [value for value in others if "@" not in value]
    for kind, values in (("email", emails), ("tel", phones)):
        for index, value in enumerate(values):
            line = card.add(kind)
            line.value = value
            if index == 0:
                line.params["PREF"] = ["1"]
    if contact.notes:
        card.add("note").value = contact.notes
    if kinds:
        card.add("categories").value = kinds
    card.add("rev").value = contact.updated_at.strftime("%Y%m%dT%H%M%SZ")
    return card.serialize()
