"""When a schedule fires: ``at(...)`` one-time expressions here, ``rate(...)`` and
``cron(...)`` through the evaluator EventBridge rules use (emulator/schedules.py), each in the
schedule's time zone and between its start and end dates.

A rate schedule fires first at its start date, or as soon as it is created without one, then
once a period; a cron schedule at each time its fields name after the start date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulator import schedules

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


class TimingError(ValueError):
    pass


def zone(name: str | None) -> tzinfo:
    """The time zone named ``name`` (an IANA name; UTC when none); raises TimingError."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise TimingError(name) from None


@dataclass(frozen=True)
class Timing:
    """A parsed expression: one moment (``at``) or a recurring schedule."""

    once: datetime | None = None  # wall-clock time, read in the schedule's zone
    recurring: schedules.Schedule | None = None

    def next_after(self, moment: float, origin: float, where: tzinfo,
                   end: float | None) -> float | None:
        """Epoch seconds of the first firing after ``moment`` (None when there is none):
        ``origin`` is the schedule's start date, or its creation without one; nothing
        recurring fires before it, nor after ``end``, and a rate counts its periods from
        it."""
        if self.once is not None:  # a one-time schedule ignores its end date
            due = self.once.replace(tzinfo=where).timestamp()
            return due if due > moment else None
        assert self.recurring is not None
        found = self.recurring.next_after(max(moment, origin - 0.001), origin, where)
        if found is None or (end is not None and found > end):
            return None
        return found


def parse(expression: str) -> Timing:
    """An ``at``, ``rate`` or ``cron`` expression; raises TimingError when it is not valid."""
    found = _AT.match(expression)
    if found is not None:
        try:
            return Timing(once=datetime.fromisoformat(found.group(1)))
        except ValueError:
            raise TimingError(expression) from None
    try:
        # A rate's unit may be singular or plural whatever its value ("a unit with the
        # following options: minute | minutes | hour | hours | day | days",
        # https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
        return Timing(recurring=schedules.parse(expression, unit_agreement=False))
    except schedules.ScheduleError:
        raise TimingError(expression) from None


__all__ = ["Timing", "TimingError", "parse", "zone"]
