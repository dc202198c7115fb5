"""Firing schedules on the emulator clock: each enabled schedule has one job waiting for its
next firing; a change to the schedule supersedes it. A flexible time window fires at its start.
A schedule whose last firing is done and whose ActionAfterCompletion is DELETE is deleted."""

from __future__ import annotations

import uuid

from emulator.runtime.background import Background
from emulator.services.scheduler import timing
from emulator.services.scheduler.common import SchedulerBase
from emulator.services.scheduler.delivery import ScheduleDelivery
from emulator.services.scheduler.models import ScheduleRecord

MISSED_FIRINGS = 60  # firings caught up at most after a jump of the clock


class FiringApi(SchedulerBase):
    def setup(self) -> None:
        super().setup()
        self.jobs = Background(self.clock, "scheduler")
        self.delivery = ScheduleDelivery(self.clock, self.ports, self.jobs)
        self._plans: dict[str, str] = {}  # schedule ARN -> the token of its current plan

    def plan(self, schedule: ScheduleRecord) -> None:
        token = uuid.uuid4().hex
        self._plans[schedule.arn] = token
        if schedule.state == "ENABLED":
            self._plan_next(schedule, token, self.clock.now() - 0.001)

    def unplan(self, schedule: ScheduleRecord) -> None:
        self._plans.pop(schedule.arn, None)

    def resume_schedules(self) -> None:
        for _account, _region, schedule in self.schedules.everywhere():
            self.plan(schedule)

    def _next(self, schedule: ScheduleRecord, after: float) -> float | None:
        return timing.parse(schedule.expression).next_after(
            after, schedule.start if schedule.start is not None else schedule.created,
            timing.zone(schedule.timezone), schedule.end)

    def _plan_next(self, schedule: ScheduleRecord, token: str, after: float) -> None:
        due = self._next(schedule, after)
        if due is None:
            return
        account, region, key = schedule.account, schedule.region, schedule.key

        async def fire() -> None:
            current = self.schedules(account, region).get(key)
            if current is None or self._plans.get(current.arn) != token:
                return
            moment: float | None = due
            fired = 0
            while moment is not None and moment <= self.clock.now() and fired < MISSED_FIRINGS:
                self.delivery.deliver(current, moment)
                fired += 1
                moment = self._next(current, moment)
            if moment is None:
                if current.after_completion == "DELETE":
                    self.drop_schedule(current)
                return
            self._plan_next(current, token, moment - 0.001)

        self.jobs.at(due, fire)


__all__ = ["FiringApi"]
