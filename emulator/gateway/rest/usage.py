"""Usage plans' counts: :class:`UsageLedger` keeps the requests per plan, API key and UTC
day that quotas are checked against and GetUsage reports, and the quota periods (DAY, WEEK or
MONTH, on the emulator's clock, from the plan's offset)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from emulator.clock import Clock


def period_start(period: str, offset: int, day: date) -> date:
    """The first day of the quota period holding ``day``. A week's offset counts from Sunday
    (0) and a month's from its first day (0)."""
    if period == "WEEK":
        since_sunday = (day.weekday() + 1) % 7
        return day - timedelta(days=(since_sunday - offset) % 7)
    if period == "MONTH":
        if day.day - 1 >= offset:
            return day.replace(day=1 + offset)
        previous = day.replace(day=1) - timedelta(days=1)
        return previous.replace(day=min(1 + offset, previous.day))
    return day


class UsageLedger:
    """Requests counted per usage plan, API key and UTC day."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._days: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
        # Quota granted or taken back by UpdateUsage, per plan, key and period start.
        self._extra: dict[tuple[str, str, date], int] = defaultdict(int)

    def today(self) -> date:
        return self._clock.now_datetime().date()

    def count(self, plan_id: str, key_id: str, day: date) -> int:
        return self._days.get((plan_id, key_id), {}).get(day, 0)

    def used(self, plan_id: str, key_id: str, start: date, end: date) -> int:
        """Requests from ``start`` to ``end``, both included."""
        days = self._days.get((plan_id, key_id), {})
        return sum(count for day, count in days.items() if start <= day <= end)

    def record(self, plan_id: str, key_id: str) -> None:
        days = self._days[(plan_id, key_id)]
        today = self.today()
        days[today] = days.get(today, 0) + 1

    def remaining(self, plan: dict[str, Any], key_id: str, day: date) -> int | None:
        """What is left of the quota on ``day`` (None for a plan without a quota)."""
        quota = plan.get("quota")
        if not quota:
            return None
        start = period_start(str(quota.get("period", "DAY")), int(quota.get("offset") or 0),
                             day)
        extra = self._extra.get((plan["id"], key_id, start), 0)
        return int(quota.get("limit", 0)) + extra - self.used(plan["id"], key_id, start, day)

    def grant(self, plan: dict[str, Any], key_id: str, remaining: int) -> None:
        """UpdateUsage: make ``remaining`` requests left in the current period."""
        now = self.today()
        current = self.remaining(plan, key_id, now)
        if current is not None:
            quota = plan["quota"]
            start = period_start(str(quota.get("period", "DAY")),
                                 int(quota.get("offset") or 0), now)
            self._extra[(plan["id"], key_id, start)] += remaining - current

    def forget_plan(self, plan_id: str) -> None:
        for key in [k for k in self._days if k[0] == plan_id]:
            del self._days[key]

    def forget(self) -> None:
        self._days.clear()
        self._extra.clear()


__all__ = ["UsageLedger", "period_start"]
