"""Schedule expressions: ``rate(value unit)`` and six-field ``cron(...)``, evaluated in UTC
or in a time zone (EventBridge rules always use UTC; EventBridge Scheduler names a zone).

Cron fields are minutes, hours, day-of-month, month, day-of-week (1-7 = SUN-SAT) and year;
one of day-of-month and day-of-week must be ``?``. Fields take ``*``, lists, ranges, steps
(``0/15``) and names (JAN-DEC, SUN-SAT); day-of-month also ``L`` and ``nW``, day-of-week
``nL`` (last such weekday) and ``n#k`` (k-th such weekday).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_DAYS = {name: number for number, name in enumerate(
    ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
SEARCH_YEARS = 5


class ScheduleError(ValueError):
    pass


def _values(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    found: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise ScheduleError(part)
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, names), _number(last, names)
        else:
            start = _number(part, names)
            end = high if step > 1 else start
        if not low <= start <= high or not low <= end <= high or start > end:
            raise ScheduleError(part)
        found.update(range(start, end + 1, step))
    return found


def _number(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ScheduleError(text)
    return int(text)


@dataclass
class Cron:
    minutes: set[int]
    hours: set[int]
    day_of_month: str
    months: set[int]
    day_of_week: str
    years: set[int]

    @classmethod
    def parse(cls, text: str) -> Cron:
        fields = text.split()
        if len(fields) != 6:
            raise ScheduleError(text)
        minutes, hours, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleError("one of day-of-month and day-of-week must be ?")
        cron = cls(_values(minutes, 0, 59), _values(hours, 0, 23), dom,
                   _values(month, 1, 12, _MONTHS), dow, _values(year, 1970, 2199))
        day = datetime(2024, 1, 1, tzinfo=UTC)
        cron._day_matches(day)  # checks the day fields' syntax
        return cron

    def _day_matches(self, day: datetime) -> bool:
        if self.day_of_month != "?":
            return self._dom_matches(day)
        return self._dow_matches(day)

    def _dom_matches(self, day: datetime) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        text = self.day_of_month
        if text == "L":
            return day.day == last
        if text.endswith("W"):
            target = _number(text[:-1], None)
            if not 1 <= target <= 31:
                raise ScheduleError(text)
            target = min(target, last)
            weekday = datetime(day.year, day.month, target, tzinfo=UTC).weekday()
            if weekday == 5:  # Saturday: the Friday before, unless that leaves the month
                target = target - 1 if target > 1 else target + 2
            elif weekday == 6:
                target = target + 1 if target < last else target - 2
            return day.day == target
        return day.day in _values(text, 1, 31)

    def _dow_matches(self, day: datetime) -> bool:
        text = self.day_of_week
        weekday = (day.weekday() + 1) % 7 + 1  # Monday=0 in Python; SUN=1 here
        last = calendar.monthrange(day.year, day.month)[1]
        if text.endswith("L") and text != "L":
            return weekday == _number(text[:-1], _DAYS) and day.day + 7 > last
        if "#" in text:
            name, nth = text.split("#", 1)
            if not nth.isdigit() or not 1 <= int(nth) <= 5:
                raise ScheduleError(text)
            return weekday == _number(name, _DAYS) and (day.day - 1) // 7 + 1 == int(nth)
        if text == "L":
            return weekday == 7
        return weekday in _values(text, 1, 7, _DAYS)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time strictly after ``moment`` that the expression names."""
        start = (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)
        day = start.replace(hour=0, minute=0)
        end = day + timedelta(days=366 * SEARCH_YEARS)
        while day < end:
            if day.year in self.years and day.month in self.months and self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        return None


@dataclass
class Schedule:
    rate_seconds: int | None = None
    cron: Cron | None = None

    def next_after(self, moment: float, origin: float, zone: tzinfo = UTC) -> float | None:
        """Epoch seconds of the first firing after ``moment``; rates count from ``origin``,
        cron fields read the wall clock of ``zone``."""
        if self.rate_seconds is not None:
            periods = int((moment - origin) // self.rate_seconds) + 1
            return origin + periods * self.rate_seconds
        assert self.cron is not None
        found = self.cron.next_after(datetime.fromtimestamp(moment, tz=zone))
        return found.timestamp() if found is not None else None


def parse(expression: str, *, unit_agreement: bool = True) -> Schedule:
    """A rate or cron expression; raises ScheduleError when it is not valid. EventBridge rules
    want a rate's unit singular for 1 and plural above (``unit_agreement``); EventBridge
    Scheduler takes either form with any value."""
    rate = _RATE.match(expression)
    if rate is not None:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (unit_agreement and (value == 1) != (not unit.endswith("s"))):
            raise ScheduleError(expression)
        return Schedule(rate_seconds=value * _UNIT_SECONDS[unit.rstrip("s")])
    cron = _CRON.match(expression)
    if cron is not None:
        try:
            return Schedule(cron=Cron.parse(cron.group(1)))
        except (ValueError, IndexError):
            raise ScheduleError(expression) from None
    raise ScheduleError(expression)


__all__ = ["Cron", "Schedule", "ScheduleError", "parse"]
