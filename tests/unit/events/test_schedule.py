"""Schedule expressions: rate and cron, the next firing after a moment, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.schedules import ScheduleError, parse


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _next(expression: str, after: str) -> str:
    found = parse(expression).next_after(_at(after), _at(after))
    assert found is not None
    return datetime.fromtimestamp(found, tz=UTC).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("rate(1 minute)", "2024-03-01T10:00:30", "2024-03-01T10:01"),
    ("rate(2 hours)", "2024-03-01T10:00:00", "2024-03-01T12:00"),
    ("rate(1 day)", "2024-03-01T10:00:00", "2024-03-02T10:00"),
    ("cron(0 12 * * ? *)", "2024-03-01T12:00:00", "2024-03-02T12:00"),
    ("cron(15 10 ? * 6L 2024)", "2024-03-01T00:00:00", "2024-03-29T10:15"),  # last Friday
    ("cron(0/15 * * * ? *)", "2024-03-01T10:07:00", "2024-03-01T10:15"),
    ("cron(0 8 1 * ? *)", "2024-03-01T09:00:00", "2024-04-01T08:00"),
    ("cron(0 18 ? * MON-FRI *)", "2024-03-01T19:00:00", "2024-03-04T18:00"),  # Fri -> Mon
    ("cron(0 9 ? * 2#1 *)", "2024-03-01T00:00:00", "2024-03-04T09:00"),  # first Monday
    ("cron(0 0 L * ? *)", "2024-02-01T00:00:00", "2024-02-29T00:00"),  # leap year
    ("cron(0 0 15W * ? *)", "2024-06-01T00:00:00", "2024-06-14T00:00"),  # 15th is Saturday
    ("cron(30 6 ? JAN,JUL SUN *)", "2024-02-01T00:00:00", "2024-07-07T06:30"),
])
def test_next_firing(expression: str, after: str, expected: str) -> None:
    assert _next(expression, after) == expected


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 hours)", "rate(1 week)",
    "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(61 * * * ? *)", "cron(0 12 * *)",
    "cron(0 12 ? * 9 *)", "cron(0 12 ? * MON#6 *)", "at(2024-01-01T00:00:00)",
])
def test_invalid_expressions(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)


def test_a_cron_that_never_fires_again_has_no_next_time() -> None:
    assert parse("cron(0 0 1 1 ? 1999)").next_after(_at("2024-01-01T00:00:00"), 0) is None
