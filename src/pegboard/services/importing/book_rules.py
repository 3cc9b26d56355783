"""The rules an export folder's rows must keep before any is written: the same domain
rules the services hold every other door to (no negative money, a contact has a name, a
referral is received or given), ids that appear once, and references that land."""

from __future__ import annotations

from typing import Any

from peewee import ForeignKeyField, Model

from pegboard.config import Settings
from pegboard.services.lead_draft import TOUCH_KINDS
from pegboard.store.models import Contact, Lead, Purchase, Referral, Touch

DIRECTIONS = ("received", "given")
OUTCOMES = ("open", "converted", "no_fit")
MONEY = {
    Lead: ("value_cents",),
    Referral: ("value_cents",),
    Purchase: ("list_cents", "discount_cents", "amount_cents"),
}
"""The amounts each table holds, none of which may be negative."""


class BookRules:
    """Checks the rows of one folder, table by table in load order."""

    def __init__(self, settings: Settings | None) -> None:
        self.settings = settings
        self.ids: dict[type[Model], set[int]] = {}

    def check(self, name: str, model: type[Model], row: dict[str, Any], line: int) -> list[str]:
        """What is wrong with one row (empty when nothing is)."""
        where = f"{name}: line {line}"
        problems = self._identity(model, row, where)
        problems += [
            f"{where}: {field}={row[field]!r} cannot be negative"
            for field in MONEY.get(model, ())
            if isinstance(row.get(field), int) and row[field] < 0
        ]
        problems += self._domain(model, row, where)
        return problems

    def _identity(self, model: type[Model], row: dict[str, Any], where: str) -> list[str]:
        problems = []
        seen = self.ids.setdefault(model, set())
        row_id = row.get("id")
        if row_id in seen:
            problems.append(f"{where}: id {row_id} appears twice")
        seen.add(row_id)
        for field in model._meta.sorted_fields:
            if not isinstance(field, ForeignKeyField):
                continue
            value = row.get(field.name)
            if value is not None and value not in self.ids.get(field.rel_model, set()):
                problems.append(
                    f"{where}: {field.column_name}={value} points to no "
                    f"{field.rel_model._meta.table_name}"
                )
        return problems

    def _domain(self, model: type[Model], row: dict[str, Any], where: str) -> list[str]:
        problems = []
        if model is Contact and not str(row.get("name") or "").strip():
            problems.append(f"{where}: a contact needs a name")
        if model is Referral:
            if row.get("direction") not in DIRECTIONS:
                problems.append(
                    f"{where}: direction={row.get('direction')!r} is not received or given"
                )
            if row.get("outcome") not in OUTCOMES:
                problems.append(
                    f"{where}: outcome={row.get('outcome')!r} is not {', '.join(OUTCOMES)}"
                )
        if model is Touch and row.get("kind") not in TOUCH_KINDS:
            problems.append(f"{where}: kind={row.get('kind')!r} is not {', '.join(TOUCH_KINDS)}")
        stages = self.settings.stage_ids if self.settings is not None else None
        if model is Lead and stages is not None and row.get("stage") not in stages:
            problems.append(
                f"{where}: stage={row.get('stage')!r} is not one of config.toml's stages "
                f"({', '.join(stages)})"
            )
        if model is Purchase and _charged_wrongly(row):
            problems.append(f"{where}: amount_cents is not list_cents minus discount_cents")
        return problems


def _charged_wrongly(row: dict[str, Any]) -> bool:
    amounts = [row.get(field) for field in MONEY[Purchase]]
    if not all(isinstance(amount, int) for amount in amounts):
        return False
    listed, discount, charged = amounts
    return charged != listed - discount
