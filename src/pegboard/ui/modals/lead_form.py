"""New or edit lead form: returns a LeadDraft."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult

from pegboard.clock import parse_date
from pegboard.config import Settings
from pegboard.money import cents_to_text
from pegboard.phones import phone_problem, phone_reading
from pegboard.services.contacts import check_email
from pegboard.services.lead_draft import LeadDraft, parse_value
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.widgets.form_field import FormField


def problem_of(parse, text: str) -> str | None:
    """Run a parser only to learn what is wrong with the text."""
    try:
        parse(text)
    except ValueError as error:
        return str(error)
    return None


def due_field(today: date, order: str, value: date | None, placeholder: str) -> FormField:
    """A follow-up date field (YYYY-MM-DD, today, 3d, 2w, +1m, fri, or numbers in the
    book's date `order`); empty is fine. What a typed date became shows beside it."""
    return FormField(
        "Due",
        value.isoformat() if value else "",
        check=lambda text: (
            problem_of(lambda t: parse_date(t, today, order), text) if text.strip() else None
        ),
        placeholder=placeholder,
        reading=lambda text: date_reading(text, today, order),
        id="due",
    )


def date_reading(text: str, today: date, order: str) -> str | None:
    """What a typed date became ('fri' -> '→ Fri 27 Nov', '03/12' -> '→ Thu 03 Dec'),
    shown beside the field; nothing for an ISO date, which says it all."""
    if not text.strip() or (text.strip()[:4].isdigit() and len(text.strip()) == 10):
        return None
    try:
        return f"→ {parse_date(text, today, order):%a %d %b %Y}"
    except ValueError:
        return None


def phone_field(value: str, region: str) -> FormField:
    """A phone as people read it out (ext 12, 1-800-FLOWERS, a national number), with
    the number it was read as beside it (+1 555-010-0177 ext. 12)."""
    return FormField(
        "Phone",
        value,
        check=lambda text: phone_problem(text, region),
        reading=lambda text: f"→ {shown}" if (shown := phone_reading(text, region)) else None,
        id="phone",
    )


def amount_field(label: str, cents: int, currency: str, placeholder: str = "") -> FormField:
    """A money field in the currency's units, in the book's number format; empty is zero."""
    return FormField(
        label,
        cents_to_text(cents, currency) if cents else "",
        check=lambda text: problem_of(lambda typed: parse_value(typed, currency), text),
        placeholder=placeholder,
        id="value",
    )


class LeadForm(FormScreen[LeadDraft]):
    """The lead's contact, what it is worth, where it came from, and the next step."""

    def __init__(self, settings: Settings, today: date, draft: LeadDraft | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.today = today
        self.draft = draft
        self.TITLE_TEXT = "Edit lead" if draft else "New lead"

    def fields(self) -> ComposeResult:
        draft = self.draft or LeadDraft(name="")
        sources = self.settings.sources
        yield FormField(
            "Name *",
            draft.name,
            check=lambda text: None if text.strip() else "a lead needs a contact name",
            placeholder="who the lead is",
            id="name",
        )
        yield FormField("Company", draft.company, id="company")
        yield FormField("Email", draft.email, check=lambda t: check_email(t.strip()), id="email")
        yield phone_field(draft.phone, self.settings.phone_region)
        yield FormField(
            "Title", draft.title, placeholder="what they want (default: the name)", id="title"
        )
        currency = self.settings.currency
        yield amount_field(
            "Value", draft.value_cents, currency, f"e.g. {cents_to_text(120050, currency)}"
        )
        yield FormField(
            "Source",
            draft.source,
            check=lambda text: (
                None
                if not text.strip() or text.strip() in sources
                else f"one of: {', '.join(sources)}"
            ),
            placeholder=", ".join(sources[:4]) + " …",
            suggestions=sources,
            id="source",
        )
        yield FormField("Next action", draft.next_action, placeholder="e.g. Call back", id="next")
        yield due_field(
            self.today,
            self.settings.date_order,
            draft.due_date,
            "3d, fri, tomorrow, YYYY-MM-DD",
        )

    def result(self) -> LeadDraft:
        due = self.field("due").value
        return LeadDraft(
            name=self.field("name").value,
            company=self.field("company").value,
            email=self.field("email").value,
            phone=self.field("phone").value,
            title=self.field("title").value,
            value_cents=parse_value(self.field("value").value, self.settings.currency),
            source=self.field("source").value,
            next_action=self.field("next").value,
            due_date=parse_date(due, self.today, self.settings.date_order) if due else None,
        )
