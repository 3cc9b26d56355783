"""The words other programs use: column names (pegboard's, HubSpot's, Pipedrive's), their
stage and source values, and what the owner said with --map."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.services.importing.readers import normalize_header

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "display name",
        "contact name",
        "person - name",
        "deal - contact person",
        "associated contact",
        "contact",
        "customer",
        "client",
    ),
    "first_name": ("first name", "given name", "firstname", "first"),
    "middle_name": ("middle name", "additional name", "middle"),
    "last_name": ("last name", "family name", "surname", "lastname", "last"),
    "company": (
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
        "organization 1 - name",
        "organization - name",
        "person - organization",
        "deal - organization",
        "associated company",
        "business",
    ),
    "job_title": (
        "job title",
        "organization title",
        "organization 1 - title",
        "person - job title",
        "position",
        "role",
    ),
    "email": (
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "primary email",
        "work email",
        "home email",
        "secondary email",
        "other email",
        "e-mail 2 address",
        "e-mail 3 address",
        "person - email",
        "person - email - work",
        "person - email - home",
        "person - email - other",
        *(f"e-mail {n} - value" for n in range(1, 10)),
        *(f"email {n}" for n in range(1, 10)),
    ),
    "phone": (
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "mobile phone number",
        "mobile number",
        "cell phone",
        "telephone",
        "primary phone",
        "business phone",
        "business phone 2",
        "home phone",
        "home phone 2",
        "work phone",
        "other phone",
        "company main phone",
        "person - phone",
        "person - phone - work",
        "person - phone - mobile",
        "person - phone - home",
        "person - phone - other",
        *(f"phone {n} - value" for n in range(1, 10)),
        *(f"phone {n}" for n in range(1, 10)),
    ),
    "title": ("title", "deal name", "deal - title", "opportunity", "need"),
    "stage": ("stage", "deal stage", "deal - stage", "lifecycle stage", "lead status"),
    "status": ("status", "deal - status"),
    "source": ("source", "lead source", "original source", "deal - source", "channel"),
    "value": ("value", "amount", "deal - value", "deal value", "estimated value"),
    "currency": ("currency", "deal - currency", "deal currency", "currency code"),
    "created": (
        "created",
        "create date",
        "created at",
        "deal - deal created",
        "deal - add time",
        "date added",
    ),
    "closed": ("close date", "closed", "closed at", "deal - won time", "deal - close time"),
    "due": (
        "due",
        "next follow-up",
        "follow-up date",
        "deal - expected close date",
        "next activity date",
        "deal - next activity date",
    ),
    "next_action": ("next action", "next step", "next activity", "deal - next activity subject"),
    "lost_reason": ("lost reason", "closed lost reason", "deal - lost reason"),
    "notes": ("notes", "note", "description", "comments", "person - notes"),
    "category": ("category", "partner category", "type", "industry", "profession"),
    "purchased_on": ("purchased on", "purchase date", "order date", "invoice date", "date"),
    "what": ("what", "item", "product", "service", "line item"),
    "external_id": (
        "record id",
        "contact id",
        "company id",
        "deal id",
        "deal - id",
        "person - id",
        "organization - id",
        "id",
    ),
}
"""Header names (normalised) each field is known by, as these programs export them:
pegboard; Google Contacts (the older "Given Name, Additional Name, Family Name, E-mail 1
- Value, Organization 1 - Name" and the current "First Name, Middle Name, Last Name,
Organization Name"); Outlook desktop and Outlook.com ("E-mail Address", "Mobile Phone",
"Business Phone"); Thunderbird ("Primary Email", "Work Phone", "Mobile Number",
"Organization"); Apple Numbers; Pipedrive persons, organizations and deals ("Person -
Email - Work", "Deal - Value"); HubSpot contacts, companies and deals ("Record ID").
Outlook's "Title" is an honorific (Mrs., Sr.): it is a deal's title only in a deals file."""

MANY_COLUMNS = {"email", "phone"}
"""Fields every column of which is read (a person's several emails and phones): the
first value found is the main one, the rest are kept beside it."""

DEAL_HEADERS = {
    "deal name",
    "deal - title",
    "opportunity",
    "deal stage",
    "deal - stage",
    "stage",
    "status",
    "deal - status",
    "value",
    "amount",
    "deal - value",
    "deal value",
    "estimated value",
}
"""Headers that make a file a deals export. A "Title" does not (Outlook's honorific),
nor a lifecycle stage or lead status (HubSpot contacts have them)."""

STAGE_WORDS: dict[str, str] = {
    # HubSpot deal stages (labels and internal ids), lifecycle stages and lead statuses
    "appointmentscheduled": "contacted",
    "qualifiedtobuy": "qualified",
    "presentationscheduled": "qualified",
    "decisionmakerboughtin": "proposal",
    "contractsent": "proposal",
    "closedwon": "won",
    "closedlost": "lost",
    "subscriber": "new",
    "lead": "new",
    "marketingqualifiedlead": "contacted",
    "salesqualifiedlead": "qualified",
    "opportunity": "proposal",
    "customer": "won",
    "evangelist": "won",
    "open": "new",
    "inprogress": "contacted",
    "attemptedtocontact": "contacted",
    "connected": "contacted",
    "opendeal": "proposal",
    "unqualified": "lost",
    "badtiming": "lost",
    # Pipedrive's default pipeline and statuses
    "leadin": "new",
    "contactmade": "contacted",
    "needsdefined": "qualified",
    "demoscheduled": "qualified",
    "proposalmade": "proposal",
    "negotiationsstarted": "proposal",
    "won": "won",
    "lost": "lost",
}
"""Known stage words (letters only, case-folded) -> the default pipeline's stage ids."""

SOURCE_WORDS: dict[str, str] = {
    "organicsearch": "website",
    "directtraffic": "website",
    "referrals": "website",  # HubSpot: visits from referring websites, not a partner
    "paidsearch": "advertising",
    "paidsocial": "social",
    "socialmedia": "social",
    "organicsocial": "social",
    "emailmarketing": "other",
    "offlinesources": "other",
    "offline": "other",
    "othercampaigns": "other",
    "aireferrals": "website",
    "web": "website",
    "ads": "advertising",
    "referral": "referral",
    "partner": "referral",
    "wordofmouth": "referral",
}
"""Known source words -> the default sources. HubSpot's "Referrals" means referring
websites, so it maps to website unless --map source:Referrals=referral says otherwise."""


def word(value: str) -> str:
    """A value as compared with known words: letters and digits only, case-folded."""
    return re.sub(r"[^a-z0-9]", "", value.casefold())


@dataclass
class Mapping:
    """How the owner said to read the file: --map COLUMN=FIELD, stage:VALUE=STAGE and
    source:VALUE=SOURCE; --encoding; --decimal and --date-order for every amount and
    date column (None: as each column's values show, see formats.py)."""

    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    decimal: str | None = None
    date_order: str | None = None

    @classmethod
    def parse(cls, items: list[str], settings: Settings) -> Mapping:
        mapping = cls()
        for item in items:
            left, sep, right = item.partition("=")
            if not sep or not left.strip() or not right.strip():
                raise ImportRefused(f"--map {item!r}: use COLUMN=FIELD or stage:VALUE=STAGE")
            left, right = left.strip(), right.strip()
            kind, colon, value = left.partition(":")
            if colon and kind in ("stage", "source"):
                if kind == "stage" and right not in settings.stage_ids:
                    raise ImportRefused(f"--map {item!r}: no stage {right!r}")
                if kind == "source" and right not in settings.sources:
                    raise ImportRefused(f"--map {item!r}: no source {right!r}")
                target = mapping.stages if kind == "stage" else mapping.sources
                target[word(value)] = right
            else:
                if right not in FIELD_ALIASES:
                    raise ImportRefused(
                        f"--map {item!r}: no field {right!r}; fields: {', '.join(FIELD_ALIASES)}"
                    )
                mapping.columns[normalize_header(left)] = right
        return mapping


def column_fields(header: list[str], mapping: Mapping) -> dict[int, str]:
    """Column index -> field, by name only (never by position). The first column of a
    field wins, but every email and phone column is read (MANY_COLUMNS)."""
    known = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
    fields: dict[int, str] = {}
    taken: set[str] = set()
    for index, raw in enumerate(header):
        name = normalize_header(raw)
        target = mapping.columns.get(name) or known.get(name)
        if target and (target not in taken or target in MANY_COLUMNS):
            fields[index] = target
            taken.add(target)
    return fields


def is_deals_file(header: list[str], mapping: Mapping) -> bool:
    """Whether a file's columns say deals: a deal name, stage, status or value."""
    names = {normalize_header(raw) for raw in header}
    mapped_deal = {"title", "value", "status"} & set(mapping.columns.values())
    return bool(names & DEAL_HEADERS) or bool(mapped_deal)
