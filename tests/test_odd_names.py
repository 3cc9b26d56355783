"""Names and notes are text as typed, never markup: square brackets in them show as they
are, on every screen and in every message (Textual reads str cells, Static content and
notifications as markup, where "[/]" raises and "[b]" vanishes)."""

from dataclasses import replace

import pytest
from textual.content import Content

from pegboard.config import Settings
from pegboard.services.leads import LeadDraft, LeadService
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Contact
from pegboard.ui.app import PegboardApp
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW

ODD = "Odd [/] [b]name"


@pytest.fixture
def app(database, settings, clock, tmp_path):
    return PegboardApp(Services(settings, clock), config_path=tmp_path / "config.toml")


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_brackets_in_names_show_as_typed_everywhere(app, leads, clock):
    partner = app.services.partners.create_partner(PartnerDraft(f"Partner {ODD}"))
    app.services.partners.log_referral(
        ReferralDraft("received", f"Person {ODD}", partner_id=partner)
    )
    leads.create_lead(LeadDraft(name=f"Lead {ODD}", title=f"Job {ODD}"))
    customer = Contact.create(name=f"Customer {ODD}", created_at=FIXED_NOW, updated_at=FIXED_NOW)
    app.services.loyalty.record_purchase(customer.id, 5000, f"Thing {ODD}", on=clock.today())
    async with app.run_test(size=(160, 50)) as pilot:
        for key, shown in (
            ("1", f"Person {ODD}"),
            ("2", "Lead Odd [/]"),
            ("3", f"Partner {ODD}"),
            ("4", f"Customer {ODD}"),
        ):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert shown in screen_text(app), key
        await pilot.press("enter")  # the customer's page
        await pilot.pause()
        assert f"Customer {ODD}" in screen_text(app)
        assert f"Thing {ODD}" in screen_text(app)
        await pilot.press("p")  # the purchase form, titled with the name
        await pilot.pause()
        assert f"Purchase: Customer {ODD}" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape", "3")
        await pilot.pause()
        await pilot.press("enter")  # the partner's page
        await pilot.pause()
        assert f"Partner {ODD}" in screen_text(app)
        await pilot.press("escape", "3", "a")  # archived: the message names the partner
        await pilot.pause()
        # Toasts are not drawn in a headless test: the message's own rendering is checked.
        (message,) = [n for n in app._notifications if ODD in n.message]
        assert not message.markup
        assert f"Archived Partner {ODD}" in Content(message.message).plain
        await pilot.press("5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("2", "enter")  # a lead's page
        await pilot.pause()
        assert "Lead Odd [/]" in screen_text(app) or "Person Odd [/]" in screen_text(app)
        await pilot.press("escape", "r", *"Odd [/]")  # the quick log's partner matches
        await pilot.pause()
        assert '+ new partner "Odd [/]"' in screen_text(app)
        await pilot.press("escape", "y", "ctrl+p", *"Odd")  # the palette's hits
        await pilot.pause(0.5)
        assert f"Person {ODD}" in screen_text(app) or f"Lead {ODD}" in screen_text(app)
        await pilot.press("escape", "2", "L", "L")  # into qualified: the checklist
        await pilot.pause()
        assert "Qualify: Lead Odd [/]" in screen_text(app) or (
            "Qualify: Person Odd [/]" in screen_text(app)
        )


async def test_brackets_in_stage_labels_show_as_written(database, clock, tmp_path):
    """Stage labels come from config.toml, the owner's own text too: on the board's
    column headers, a lead's page and Insights' funnel."""
    settings = Settings()
    stages = tuple(replace(stage, label=f"{stage.label} [/][b]") for stage in settings.stages)
    settings = replace(settings, stages=stages)
    LeadService(settings, clock).create_lead(LeadDraft(name="Ann Lee"))
    app = PegboardApp(Services(settings, clock), config_path=tmp_path / "config.toml")
    first = stages[0].label
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert first.upper() in screen_text(app)
        await pilot.press("enter")  # the lead's page
        await pilot.pause()
        assert first in screen_text(app)
        await pilot.press("escape", "5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first in screen_text(app)
