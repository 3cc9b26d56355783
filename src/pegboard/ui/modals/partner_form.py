"""New or edit partner form: returns a PartnerDraft."""

from __future__ import annotations

from textual.app import ComposeResult

from pegboard.services.contacts import check_email
from pegboard.services.partners import PartnerDraft
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import phone_field
from pegboard.ui.widgets.form_field import FormField

CATEGORIES = ("accountant", "realtor", "lawyer", "banker", "insurance", "designer", "coach")


class PartnerForm(FormScreen[PartnerDraft]):
    def __init__(self, region: str, draft: PartnerDraft | None = None) -> None:
        super().__init__()
        self.phone_region = region
        """Where a phone typed without +country code is (the book's phone_region)."""
        self.draft = draft
        self.TITLE_TEXT = "Edit partner" if draft else "New partner"

    def fields(self) -> ComposeResult:
        draft = self.draft or PartnerDraft(name="")
        yield FormField(
            "Name *",
            draft.name,
            check=lambda text: None if text.strip() else "a partner needs a name",
            id="name",
        )
        yield FormField("Company", draft.company, id="company")
        yield FormField("Email", draft.email, check=lambda t: check_email(t.strip()), id="email")
        yield phone_field(draft.phone, self.phone_region)
        yield FormField(
            "Category",
            draft.category,
            placeholder="accountant, realtor, lawyer …",
            suggestions=CATEGORIES,
            id="category",
        )
        yield FormField("Notes", draft.notes, id="notes")

    def result(self) -> PartnerDraft:
        return PartnerDraft(
            name=self.field("name").value,
            company=self.field("company").value,
            email=self.field("email").value,
            phone=self.field("phone").value,
            category=self.field("category").value,
            notes=self.field("notes").value,
        )
