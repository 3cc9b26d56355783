"""The pipeline half of Insights: the funnel, time in stage and the revenue goal plan."""

from __future__ import annotations

import math
from datetime import datetime

from peewee import SQL, Case, fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.insight_figures import (
    FunnelStage,
    GoalPlan,
    count_if,
    goal_window,
    in_days,
    local_midnight,
    per,
    percentiles,
    rate,
)
from pegboard.store.dialect import days_between
from pegboard.store.models import Lead, StageChange


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

    def _won(self, start: datetime):
        return Lead.stage.in_(self.won_stages) & (Lead.closed_at >= start)

    def _lost(self, start: datetime):
        return Lead.stage.in_(self.lost_stages) & (Lead.closed_at >= start)

    # -- funnel ----------------------------------------------------------------

    def funnel(self, start: datetime, now: datetime) -> list[FunnelStage]:
        stages = self.funnel_stages
        order = Case(StageChange.to_stage, [(stage, index) for index, stage in enumerate(stages)])
        cohort = Lead.archived_at.is_null() & (Lead.created_at >= start)
        furthest = (
            Lead.select(fn.MAX(order).alias("furthest"))
            .join(StageChange)
            .where(cohort)
            .group_by(Lead.id)
            .alias("f")
        )
        counts = {
            int(index): int(count)
            for index, count in StageChange.select(furthest.c.furthest, fn.COUNT(SQL("*")))
            .from_(furthest)
            .where(furthest.c.furthest.is_null(False))
            .group_by(furthest.c.furthest)
            .tuples()
        }
        reached = [
            sum(count for index, count in counts.items() if index >= position)
            for position in range(len(stages))
        ]
        times = self._time_in_stage(start, now)
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

    def _time_in_stage(self, start: datetime, now: datetime) -> dict[str, tuple]:
        """Per open stage: the number of stays, and their median and 90th percentile in days.

        The stays are those that ended in the period (a stage change records the stay it
        ends) and those still going. SQL counts them per hour (to the nearest); the
        percentiles are read off those counts.
        """
        archived = Lead.select(Lead.id).where(Lead.archived_at.is_null(False))
        finished = (
            StageChange.select(
                StageChange.from_stage, StageChange.stay_hours, fn.COUNT(StageChange.id)
            )
            .where(
                (StageChange.changed_at >= start)
                & StageChange.from_stage.in_(self.open_stages)
                & StageChange.stay_hours.is_null(False)
                & StageChange.lead.not_in(archived)
            )
            .group_by(StageChange.from_stage, StageChange.stay_hours)
            .tuples()
        )
        now_value = Lead.stage_entered_at.db_value(now)
        going_hour = fn.ROUND(days_between(Lead.stage_entered_at, now_value) * 24)
        going = (
            Lead.select(Lead.stage, going_hour, fn.COUNT(Lead.id))
            .where(Lead.archived_at.is_null() & Lead.stage.in_(self.open_stages))
            .group_by(Lead.stage, going_hour)
            .tuples()
        )
        hours: dict[str, dict[int, int]] = {}
        for stage, hour, count in [*finished, *going]:
            bucket = hours.setdefault(stage, {})
            bucket[int(hour)] = bucket.get(int(hour), 0) + int(count)
        return {stage: percentiles(counts) for stage, counts in hours.items()}

    # -- goal ------------------------------------------------------------------

    def goal_plan(self, start: datetime) -> GoalPlan | None:
        goal = self.settings.revenue_goal_cents
        if not goal:
            return None
        today = self.clock.today()
        starts, ends = goal_window(self.settings.goal_period, today)
        won_so_far = int(
            Lead.select(fn.COALESCE(fn.SUM(Lead.value_cents), 0))
            .where(Lead.archived_at.is_null() & self._won(local_midnight(starts)))
            .scalar()
        )
        elapsed = (self.clock.now() - local_midnight(starts)).total_seconds()
        whole = (local_midnight(ends) - local_midnight(starts)).total_seconds()
        share = min(1.0, max(0.0, elapsed / whole))
        won_n, revenue = (
            Lead.select(fn.COUNT(Lead.id), fn.COALESCE(fn.SUM(Lead.value_cents), 0))
            .where(Lead.archived_at.is_null() & self._won(start))
            .tuples()
            .get()
        )
        avg_deal = per(int(revenue), int(won_n))
        closed_won, closed = (
            Lead.select(count_if(Lead.stage.in_(self.won_stages)), fn.COUNT(Lead.id))
            .where(
                Lead.archived_at.is_null()
                & Lead.qualified_at.is_null(False)
                & (self._won(start) | self._lost(start))
            )
            .tuples()
            .get()
        )
        to_won = rate(int(closed_won or 0), int(closed))
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
