"""The pipeline half of Insights: the funnel, time in stage and the revenue goal plan."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

from peewee import fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.insight_figures import (
    FunnelStage,
    GoalPlan,
    goal_window,
    in_days,
    local_midnight,
    per,
    percentiles,
    rate,
)
from pegboard.store.dialect import days_between
from pegboard.store.models import Lead, StageChange, db
from pegboard.store.stay_tally import stays_since
from pegboard.store.tallies import TallyRow, lead_tallies


def stored_since(start: datetime):
    """A period's first instant as the tallies take it: as stored (naive UTC), or None
    for all time (the epoch the report stands it for)."""
    return None if start.year == 1970 else StageChange.changed_at.db_value(start)


class PipelineFigures:
    """The stage sets every figure uses, and the pipeline's figures; `InsightsService`
    adds the sources, customers and partners."""

    settings: Settings
    clock: Clock

    # Read from the settings each time: the app swaps them in when config.toml changes.

    @property
    def won_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.stages if stage.closes == "won"]

    @property
    def lost_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.stages if stage.closes == "lost"]

    @property
    def open_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.open_stages]

    @property
    def funnel_stages(self) -> list[str]:
        """The open stages, then the (first) won stage."""
        return [*self.open_stages, self.settings.closing_stage("won").id]

    # -- funnel ----------------------------------------------------------------

    def funnel(self, rows: list[TallyRow], times: dict[str, tuple]) -> list[FunnelStage]:
        """From the created events of the period's tallies (the stages each lead reached)
        and the time in stage (`_time_in_stage`)."""
        stages = self.funnel_stages
        position_of = {stage: index for index, stage in enumerate(stages)}
        counts: dict[int, int] = {}
        for row in rows:
            if row.event != "created":
                continue
            positions = [position_of[stage] for stage in row.reached if stage in position_of]
            if positions:
                counts[max(positions)] = counts.get(max(positions), 0) + row.leads
        reached = [
            sum(count for index, count in counts.items() if index >= position)
            for position in range(len(stages))
        ]
        labels = {stage.id: stage.label for stage in self.settings.stages}
        result = []
        for position, stage in enumerate(stages):
            is_last = position == len(stages) - 1
            stays, median, p90 = times.get(stage, (0, None, None))
            result.append(
                FunnelStage(
                    stage=stage,
                    label=labels[stage],
                    reached=reached[position],
                    converted_to_next=None
                    if is_last
                    else rate(reached[position + 1], reached[position]),
                    stays=stays,
                    median_days=in_days(median),
                    p90_days=in_days(p90),
                )
            )
        return result

    def time_in_stage(
        self, ended: dict[tuple[str, int], int], going: dict[str, dict[int, int]]
    ) -> dict[str, tuple]:
        """Per open stage: the number of stays, and their median and 90th percentile in days.

        The stays are those that ended in the period (`stays_ended`: a stage change
        records the stay it ends) and those still going (`stays_going`), counted per
        hour (to the nearest); the percentiles are read off those counts.
        """
        open_stages = set(self.open_stages)
        hours = {stage: dict(counts) for stage, counts in going.items()}
        for (stage, hour), count in ended.items():
            if stage in open_stages:
                bucket = hours.setdefault(stage, {})
                bucket[hour] = bucket.get(hour, 0) + count
        return {stage: percentiles(counts) for stage, counts in hours.items()}

    def stays_ended(self, start: datetime) -> dict[tuple[str, int], int]:
        """The stays that ended since `start`, per (stage, hours): kept on write."""
        return stays_since(stored_since(start))

    def stays_going(self, now: datetime) -> dict[str, dict[int, int]]:
        """The open leads' stays so far, per stage and hour, from the index alone. (Each
        lead's hour is worked out by SQL and counted here: a GROUP BY of 20,000 leads
        sorted them first, and took twice as long.)"""
        now_value = Lead.stage_entered_at.db_value(now)
        going_hour = fn.ROUND(days_between(Lead.stage_entered_at, now_value) * 24)
        going = Lead.select(Lead.stage, going_hour).where(
            Lead.archived_at.is_null() & Lead.stage.in_(self.open_stages)
        )
        hours: dict[str, dict[int, int]] = {}
        # Straight off the cursor: peewee's row wrapper cost more than the counting.
        for (stage, hour), count in Counter(db.execute_sql(*going.sql())).items():
            bucket = hours.setdefault(stage, {})
            bucket[int(hour)] = bucket.get(int(hour), 0) + count
        return hours

    # -- goal ------------------------------------------------------------------

    def closed(self, rows: list[TallyRow], closes: str) -> list[TallyRow]:
        """The closed events among `rows` whose stage closes `closes` (won or lost) now."""
        stages = set(self.won_stages if closes == "won" else self.lost_stages)
        return [row for row in rows if row.event == "closed" and row.stage in stages]

    def goal_plan(self, rows: list[TallyRow]) -> GoalPlan | None:
        """The goal's plan, from the period's tallies (`rows`) and the goal period's."""
        goal = self.settings.revenue_goal_cents
        if not goal:
            return None
        today = self.clock.today()
        starts, ends = goal_window(self.settings.goal_period, today)
        won_so_far = sum(
            row.value_cents for row in self.closed(lead_tallies(local_midnight(starts)), "won")
        )
        elapsed = (self.clock.now() - local_midnight(starts)).total_seconds()
        whole = (local_midnight(ends) - local_midnight(starts)).total_seconds()
        share = min(1.0, max(0.0, elapsed / whole))
        won = self.closed(rows, "won")
        avg_deal = per(sum(row.value_cents for row in won), sum(row.leads for row in won))
        qualified_won = sum(row.leads for row in won if row.qualified)
        qualified_lost = sum(row.leads for row in self.closed(rows, "lost") if row.qualified)
        to_won = rate(qualified_won, qualified_won + qualified_lost)
        in_pipeline = (
            Lead.select()
            .where(
                Lead.archived_at.is_null()
                & Lead.stage.in_([stage.id for stage in self.settings.qualified_stages])
            )
            .count()
        )

        def needed(amount: int) -> int | None:
            if not avg_deal or not to_won:
                return None
            return math.ceil(amount / avg_deal / to_won)

        return GoalPlan(
            revenue_goal_cents=goal,
            period=self.settings.goal_period,
            starts=starts,
            ends=ends,
            won_so_far_cents=won_so_far,
            expected_by_now_cents=round(goal * share),
            projected_cents=round(won_so_far / share) if share else None,
            avg_deal_cents=avg_deal,
            qualified_to_won=to_won,
            needed_qualified=needed(goal),
            needed_more_qualified=needed(max(0, goal - won_so_far)),
            in_pipeline_qualified=in_pipeline,
        )

    # -- customers and partners ------------------------------------------------
