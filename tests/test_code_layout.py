"""The layout the code keeps, checked where import-linter cannot look: Textual's private
names are used in one module only, and screens are not found by duck typing."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "pegboard"
PRIVATE_HOME = SOURCE / "ui" / "textual_private.py"
TEXTUAL_PRIVATES = re.compile(
    r"from textual(\.\w+)*\._\w+ import|import textual(\.\w+)*\._\w+"
    r"|\._(screen_stacks|keymap|css_update_count|bindings_ready|driver)\b"
)


def _sources():
    return sorted(SOURCE.rglob("*.py"))


def test_textual_private_apis_are_used_only_in_their_module():
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in _sources()
        if path != PRIVATE_HOME
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEXTUAL_PRIVATES.search(line)
    ]
    assert offenders == []
    assert TEXTUAL_PRIVATES.search(PRIVATE_HOME.read_text()), "the module lost its purpose"
    assert "Textual 8.2" in PRIVATE_HOME.read_text().split('"""')[1]


def test_the_app_finds_no_screen_by_probing_its_attributes():
    """Screens say what they are by their base classes (ShowsData, AboutPartner) and
    hear of writes by message (DataWritten), not through getattr/hasattr probes."""
    probes = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in sorted((SOURCE / "ui").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(getattr|hasattr)\(", line)
    ]
    assert probes == []


def test_services_are_built_only_by_the_composition_root():
    """`LeadService(` and friends are called in wiring.py alone (the services may make
    their helpers; the front doors take them from a Services)."""
    made = re.compile(
        r"\b(LeadService|PartnerService|LoyaltyService|TodayService|InsightsService)\("
    )
    outside = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in _sources()
        if path.name != "wiring.py" and path.parent.name != "services"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if made.search(line)
    ]
    assert outside == []


FOLDED_SOURCES = re.compile(
    r"(Contact|Lead)\.update\([^)]*\b(name|company|title)\b"
    r"|(Contact|Lead)\.(insert|insert_many)\("
)
"""A write of a name, company or title that goes around Model.save(), which keeps
their folded keys (name_key, company_key, title_key) in step."""


def test_names_are_written_where_their_folded_keys_are_kept():
    """The search and every look-up by name compare the folded keys; a bulk path that
    writes names fills the keys itself (the import writer and the demo, through
    store.bulk with the key columns), and nothing else bypasses save()."""
    bypasses = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FOLDED_SOURCES.search(line)
    ]
    assert bypasses == []
    for bulk_writer in ("services/importing/writer.py", "services/demo.py"):
        text = (SOURCE / bulk_writer).read_text()
        assert "Contact.name_key" in text and "Contact.phone_key" in text, bulk_writer
    assert "Lead.title_key" in (SOURCE / "services/importing/writer.py").read_text()
    assert "Lead.title_key" in (SOURCE / "services/demo_leads.py").read_text()
