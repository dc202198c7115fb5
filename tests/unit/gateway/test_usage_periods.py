"""Quota periods of usage plans, and the ledger's counts on a moved clock."""

from __future__ import annotations

from datetime import date

from emulator.clock import Clock
from emulator.gateway.rest.usage import UsageLedger, period_start


def test_days_weeks_and_months_start_where_aws_says() -> None:
    wednesday = date(2024, 5, 15)
    assert period_start("DAY", 0, wednesday) == wednesday
    assert period_start("WEEK", 0, wednesday) == date(2024, 5, 12)  # Sunday
    assert period_start("WEEK", 1, wednesday) == date(2024, 5, 13)  # Monday
    assert period_start("WEEK", 4, wednesday) == date(2024, 5, 9)  # last Thursday
    assert period_start("WEEK", 3, wednesday) == wednesday
    assert period_start("MONTH", 0, wednesday) == date(2024, 5, 1)
    assert period_start("MONTH", 14, wednesday) == date(2024, 5, 15)
    assert period_start("MONTH", 20, wednesday) == date(2024, 4, 21)
    assert period_start("MONTH", 0, date(2024, 1, 1)) == date(2024, 1, 1)
    assert period_start("MONTH", 5, date(2024, 1, 3)) == date(2023, 12, 6)


def test_the_ledger_counts_per_day_and_the_quota_per_period() -> None:
    clock = Clock()
    clock.set(1_715_774_400)  # 2024-05-15T12:00:00Z, a Wednesday
    ledger = UsageLedger(clock)
    plan = {"id": "p1", "quota": {"limit": 5, "period": "MONTH", "offset": 0}}
    for _ in range(3):
        ledger.record("p1", "k1")
    clock.advance(86_400)
    ledger.record("p1", "k1")
    today = ledger.today()
    assert ledger.count("p1", "k1", today) == 1
    assert ledger.remaining(plan, "k1", today) == 1
    assert ledger.remaining({"id": "p1"}, "k1", today) is None
    ledger.grant(plan, "k1", 10)
    assert ledger.remaining(plan, "k1", today) == 10
    clock.advance(20 * 86_400)  # into June: a new month
    assert ledger.remaining(plan, "k1", ledger.today()) == 5
