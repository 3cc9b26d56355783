"""The footer at 80x24: whole keys only, the phone-call key first and help always."""

from __future__ import annotations

import pytest

from pegboard.ui.app import PegboardApp
from pegboard.ui.textual_private import FooterKey
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.wiring import Services


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_every_key_in_the_footer_is_whole(database, settings, clock, size):
    app = PegboardApp(Services(settings, clock), start_mode="today")
    async with app.run_test(size=size) as pilot:
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            footer = app.screen.query_one(KeyFooter)
            shown = [k for k in footer.query(FooterKey) if k.display and k.parent.display]
            right = footer.region.right
            for item in shown:
                assert item.region.right <= right, (key, item.description)
            descriptions = [k.description for k in shown]
            assert descriptions[0] == "Log referral" and "Help" in descriptions, descriptions
            hidden = [k for k in footer.query(FooterKey) if not k.display]
            if size[0] == 160:
                assert hidden == [], key
