"""The phone-call path: log a referral in a few keystrokes from any screen.

Partner (a few letters, tab takes the highlighted match, or a new name),
person, phone or email, note, direction. Enter saves from any field. Returns
a ReferralDraft; the app saves it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from pegboard.services.partner_match import PartnerMatch, rank_partners, reach_problem
from pegboard.services.partners import ReferralDraft
from pegboard.text import shown
from pegboard.ui.modals.confirm import Confirm
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.textual_private import RestyleOnlyIfStale
from pegboard.ui.widgets.direction_toggle import DirectionToggle
from pegboard.ui.widgets.form_field import FormField

NEW_PARTNER = "new"


def warmth_problem(text: str) -> str | None:
    """Warmth is optional; when given, 1 to 5."""
    text = text.strip()
    if not text or (text.isdigit() and 1 <= int(text) <= 5):
        return None
    return "1 to 5: how warm the introduction was"


"""Option id of the 'create this partner' line."""


class QuickLog(RestyleOnlyIfStale, FormScreen[ReferralDraft]):
    DEFAULT_CSS = """
    QuickLog {
        & #partner-matches {
            height: auto;
            max-height: 6;
            margin: -1 0 1 14;
            border: none;
            background: $surface;
            padding: 0;
        }
        & #direction-row { height: 1; margin-bottom: 1; }
        & #direction-row > Label { width: 14; color: $text-muted; }
    }
    """

    BINDINGS = [
        Binding(
            "tab", "take_match", "Take match", show=False, priority=True, id="quick-log.take-match"
        ),
        Binding("down", "match(1)", "Next match", show=False, id="quick-log.next-match"),
        Binding("up", "match(-1)", "Previous match", show=False, id="quick-log.previous-match"),
        Binding("enter", "save", "Save", show=False, id="quick-log.save"),
    ]

    TITLE_TEXT = "Log a referral"
    HINT = "tab takes the highlighted partner · enter saves from any field · esc cancels"

    def __init__(
        self,
        partners: list[PartnerMatch],
        *,
        partner: PartnerMatch | None = None,
        direction: str = "received",
    ) -> None:
        super().__init__()
        self.partners = partners
        self.chosen = partner
        self.direction = direction
        self.phone_region = "US"
        """Where a phone typed without +country code is: the book's phone_region, set by
        the app each time the form opens (settings can change while it is installed)."""

    def fields(self) -> ComposeResult:
        yield FormField(
            "Partner *",
            self.chosen.name if self.chosen else "",
            check=lambda text: None if text.strip() else "who sent them? type a few letters",
            placeholder="a few letters of their name",
            id="partner",
        )
        yield OptionList(id="partner-matches")
        yield FormField(
            "Person *",
            check=lambda text: None if text.strip() else "the referred person's name",
            placeholder="who was referred",
            id="person",
        )
        yield FormField(
            "Phone/email",
            check=lambda text: reach_problem(text, self.phone_region),
            placeholder="how to reach them",
            id="reach",
        )
        yield FormField("Note", placeholder="what they need", id="note")
        with Horizontal(id="direction-row"):
            yield Label("Direction")
            yield DirectionToggle(self.direction, id="direction")
        yield FormField(
            "Warmth",
            check=warmth_problem,
            placeholder="1 name only · 3 they expect a call · 5 introduced in person",
            id="warmth",
        )

    def prepare(
        self,
        partners: list[PartnerMatch],
        partner: PartnerMatch | None = None,
        direction: str = "received",
        guessed: bool = False,
    ) -> None:
        """Ready the form for another call: the app keeps one QuickLog and reuses it, since
        building its widgets anew costs ~150 ms and re-showing it ~15 ms."""
        self.partners = partners
        self.chosen = partner
        self.direction = direction
        self.guessed = guessed
        self._fresh = True
        if self.is_mounted:
            # Now, before it shows: keys typed right after r go to the first field.
            self._start()

    guessed = False
    """The partner filled in is a guess (a table's row): the cursor starts on it."""

    _fresh = True
    """Set by prepare(): the next showing starts blank (not a return from the discard question)."""

    def on_mount(self) -> None:
        self._start()

    def on_screen_resume(self) -> None:
        if self._fresh and self.is_mounted:
            self._start()

    def _start(self) -> None:
        """Blank every field (the partner filled in when given) and put the cursor in place.

        The fields' Changed messages are held back: each would check its blank field and
        show "who sent them?" in red on a form the caller has not typed into yet, and
        rank the partners for nothing."""
        with self.prevent(Input.Changed):
            for field in self.query(FormField):
                field.clear()
            if self.chosen:
                self.field("partner").input.value = self.chosen.name
        self.query_one(DirectionToggle).direction = self.direction
        self.matches.clear_options()
        self.matches.display = False
        target = self.field("person") if self.chosen and not self.guessed else self.field("partner")
        self.set_focus(target.input)
        if self.chosen and self.guessed:
            target.input.select_all()  # typing replaces the offered partner; tab keeps it
        self._fresh = False

    # -- partner matching ----------------------------------------------------

    @property
    def matches(self) -> OptionList:
        return self.query_one("#partner-matches", OptionList)

    def update_partners(self, partners: list[PartnerMatch]) -> None:
        """A fresher list of partners (read in the background as the form opened)."""
        self.partners = partners
        if self.is_mounted and self.field("partner").input.value:
            self._rank_text(self.field("partner").input.value)

    @on(Input.Changed, "#partner Input")
    def _rank(self, event: Input.Changed) -> None:
        self._rank_text(event.value)

    def _rank_text(self, typed: str) -> None:
        text = typed.strip()
        matches = self.matches
        matches.clear_options()
        if not text or (self.chosen and self.chosen.name == text):
            matches.display = False
            return
        # Content, not str: a str prompt is read as markup, and names are as typed.
        options = [
            Option(
                Content(shown(m.name + (f" · {m.category}" if m.category else ""))), id=str(m.id)
            )
            for m in rank_partners(self.partners, text, limit=5)
        ]
        if not any(p.name.lower() == text.lower() for p in self.partners):
            options.append(Option(Content(f'+ new partner "{shown(text)}"'), id=NEW_PARTNER))
        matches.add_options(options)
        matches.highlighted = 0
        matches.display = True

    def action_match(self, step: int) -> None:
        matches = self.matches
        if self.focused is self.field("partner").input and matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(current + step, matches.option_count - 1))
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_take_match(self) -> None:
        """Tab in Partner takes the highlighted match and moves on; elsewhere it just moves."""
        partner_input = self.field("partner").input
        if self.focused is partner_input and self.matches.display:
            index = self.matches.highlighted
            if index is not None:
                option = self.matches.get_option_at_index(index)
                if option.id != NEW_PARTNER:
                    self.chosen = next(p for p in self.partners if str(p.id) == option.id)
                    partner_input.value = self.chosen.name
            self.matches.display = False
        self.focus_next()

    # -- result --------------------------------------------------------------

    def result(self) -> ReferralDraft:
        name = self.field("partner").value
        partner = self.chosen if self.chosen and self.chosen.name == name else None
        if partner is None:
            partner = next((p for p in self.partners if p.name.lower() == name.lower()), None)
        return ReferralDraft(
            direction=self.query_one(DirectionToggle).direction,
            person=self.field("person").value,
            partner_id=partner.id if partner else None,
            new_partner="" if partner else name,
            reach=self.field("reach").value,
            note=self.field("note").value,
            warmth=int(self.field("warmth").value) if self.field("warmth").value else None,
        )

    def action_cancel(self) -> None:
        """Ask before throwing away what was typed during the call."""
        typed = any(field.value for field in self.query(FormField) if field.id != "partner")
        typed = typed or (self.field("partner").value and not self.chosen)
        if not typed:
            self.dismiss(None)
            return
        self.app.push_screen(
            Confirm("Discard this referral? What you typed will be lost."),
            lambda discard: self.dismiss(None) if discard else None,
        )
