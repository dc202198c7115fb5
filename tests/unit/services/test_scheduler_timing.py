"""When EventBridge Scheduler's expressions fire: at() in a zone, rates from their start,
cron in a zone, end dates.
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html ("EventBridge
Scheduler ignores EndDate for one-time schedules")"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.services.scheduler.timing import TimingError, parse, zone


def _at(*fields: int) -> float:
    return datetime(*fields, tzinfo=UTC).timestamp()


def test_at_fires_once_at_its_wall_clock_time_in_the_zone() -> None:
    timing = parse("at(2031-03-03T17:10:00)")
    tokyo = zone("Asia/Tokyo")
    created = _at(2031, 3, 3, 8, 0)
    assert timing.next_after(created, created, tokyo, None) == _at(2031, 3, 3, 8, 10)
    assert timing.next_after(_at(2031, 3, 3, 8, 10), created, tokyo, None) is None
    # a one-time schedule ignores its end date (API_GetSchedule: EndDate)
    assert timing.next_after(created, created, tokyo, _at(2031, 3, 3, 8, 5)) == _at(
        2031, 3, 3, 8, 10)


def test_a_rate_fires_at_its_origin_then_once_a_period() -> None:
    timing = parse("rate(2 hours)")
    origin = _at(2031, 3, 3, 9, 0)
    assert timing.next_after(_at(2031, 3, 3, 8, 0), origin, UTC, None) == origin
    assert timing.next_after(origin, origin, UTC, None) == origin + 7200
    assert timing.next_after(origin + 7200, origin, UTC, origin + 7200) is None


def test_cron_reads_the_zone_and_never_fires_before_the_origin() -> None:
    timing = parse("cron(0 9 ? * MON *)")
    new_york = zone("America/New_York")
    origin = _at(2031, 3, 4, 0, 0)  # a Tuesday: the first Monday after is the 10th
    assert timing.next_after(_at(2031, 3, 1), origin, new_york, None) == _at(
        2031, 3, 10, 13, 0)  # 09:00 EDT: daylight saving time began on the 9th


@pytest.mark.parametrize("text", ["at(2031-02-30T00:00:00)", "at(2031-01-01)",
                                  "rate(0 minutes)", "rate(1 week)", "cron(* * * * *)",
                                  "hourly"])
def test_bad_expressions_are_refused(text: str) -> None:
    with pytest.raises(TimingError):
        parse(text)


@pytest.mark.parametrize(("text", "seconds"), [("rate(5 minute)", 300), ("rate(1 hours)", 3600),
                                               ("rate(2 day)", 172800)])
def test_a_rate_unit_may_be_singular_or_plural_whatever_the_value(text: str, seconds: int
                                                                   ) -> None:
    # Scheduler lists "minute | minutes | hour | hours | day | days" with no agreement rule
    # (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html),
    # unlike EventBridge rules.
    timing = parse(text)
    assert timing.next_after(0.0, 0.0, UTC, None) == seconds


def test_unknown_zones_are_refused() -> None:
    with pytest.raises(TimingError):
        zone("Mars/Olympus")
