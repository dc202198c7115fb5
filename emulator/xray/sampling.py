"""Sampling rules: matching a request, deciding locally with a reservoir per second, and the
centralised protocol's reservoir quotas per client (GetSamplingTargets).

X-Ray's default rule samples the first request each second and 5% of the rest. A rule's
reservoir is shared by the clients that reported statistics for it in the last interval.
"""

from __future__ import annotations

import fnmatch
import math
import random
from dataclasses import dataclass, field
from typing import Any

DEFAULT_RULE_NAME = "Default"
DEFAULT_PRIORITY = 10000
DEFAULT_FIXED_RATE = 0.05
DEFAULT_RESERVOIR = 1
TARGET_INTERVAL = 10  # seconds between a client's GetSamplingTargets calls
ACTIVE_CLIENT_SECONDS = 3 * TARGET_INTERVAL


@dataclass
class Rule:
    """The matching and rate fields of a SamplingRule."""

    name: str
    priority: int
    fixed_rate: float
    reservoir_size: int
    service_name: str = "*"
    service_type: str = "*"
    host: str = "*"
    http_method: str = "*"
    url_path: str = "*"
    resource_arn: str = "*"
    attributes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_shape(cls, shape: dict[str, Any]) -> Rule:
        return cls(
            name=shape["RuleName"], priority=shape["Priority"], fixed_rate=shape["FixedRate"],
            reservoir_size=shape["ReservoirSize"], service_name=shape["ServiceName"],
            service_type=shape["ServiceType"], host=shape["Host"],
            http_method=shape["HTTPMethod"], url_path=shape["URLPath"],
            resource_arn=shape["ResourceARN"], attributes=dict(shape.get("Attributes") or {}),
        )


@dataclass
class Request:
    """What a sampling decision looks at."""

    service_name: str = ""
    service_type: str = ""
    host: str = ""
    http_method: str = ""
    url_path: str = ""
    resource_arn: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def _glob(pattern: str, value: str) -> bool:
    return pattern == "*" or fnmatch.fnmatchcase(value.lower(), pattern.lower())


def matches(rule: Rule, request: Request) -> bool:
    if rule.name == DEFAULT_RULE_NAME:
        return True
    return (
        _glob(rule.service_name, request.service_name)
        and _glob(rule.service_type, request.service_type)
        and _glob(rule.host, request.host)
        and _glob(rule.http_method, request.http_method)
        and _glob(rule.url_path, request.url_path)
        and _glob(rule.resource_arn, request.resource_arn)
        and all(_glob(v, request.attributes.get(k, "")) for k, v in rule.attributes.items())
    )


def ordered(rules: list[Rule]) -> list[Rule]:
    """Rules in evaluation order: priority, then name; the default rule last."""
    return sorted(rules, key=lambda r: (r.name == DEFAULT_RULE_NAME, r.priority, r.name))


@dataclass
class _Usage:
    second: int = -1
    used: int = 0
    requests: int = 0
    sampled: int = 0
    borrowed: int = 0


@dataclass
class _ClientReport:
    at: float
    requests: int


@dataclass
class Statistics:
    """Counts reported for a rule since the last summary window began."""

    window: float
    requests: int = 0
    sampled: int = 0
    borrowed: int = 0


class Sampler:
    """Sampling state of one account and region."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._usage: dict[str, _Usage] = {}
        self._clients: dict[str, dict[str, _ClientReport]] = {}
        self.statistics: dict[str, Statistics] = {}
        self._random = rng or random.Random()

    def decide(self, rules: list[Rule], request: Request, now: float) -> tuple[bool, str]:
        """Sample this request? Returns the decision and the rule that made it."""
        for rule in ordered(rules):
            if not matches(rule, request):
                continue
            usage = self._usage.setdefault(rule.name, _Usage())
            second = int(now)
            if usage.second != second:
                usage.second, usage.used = second, 0
            usage.requests += 1
            if usage.used < rule.reservoir_size:
                usage.used += 1
                usage.sampled += 1
                self._count(rule.name, now, sampled=True)
                return True, rule.name
            sampled = self._random.random() < rule.fixed_rate
            usage.sampled += sampled
            self._count(rule.name, now, sampled=sampled)
            return sampled, rule.name
        return False, ""

    def _count(self, rule: str, now: float, *, sampled: bool, requests: int = 1,
               borrowed: int = 0) -> None:
        stats = self.statistics.get(rule)
        if stats is None:
            stats = self.statistics[rule] = Statistics(window=now)
        stats.requests += requests
        stats.sampled += int(sampled) if requests == 1 else 0
        stats.borrowed += borrowed

    def report(self, rule: Rule, client_id: str, requests: int, sampled: int, borrowed: int,
               now: float) -> dict[str, Any]:
        """Take one client's statistics for ``rule``; return its SamplingTargetDocument."""
        stats = self.statistics.get(rule.name)
        if stats is None:
            stats = self.statistics[rule.name] = Statistics(window=now)
        stats.requests += requests
        stats.sampled += sampled
        stats.borrowed += borrowed
        clients = self._clients.setdefault(rule.name, {})
        clients[client_id] = _ClientReport(now, requests)
        for other, seen in list(clients.items()):
            if now - seen.at > ACTIVE_CLIENT_SECONDS:
                del clients[other]
        return {
            "RuleName": rule.name,
            "FixedRate": rule.fixed_rate,
            "ReservoirQuota": self._quota(rule, client_id),
            "ReservoirQuotaTTL": math.ceil(now) + TARGET_INTERVAL,
            "Interval": TARGET_INTERVAL,
        }

    def _quota(self, rule: Rule, client_id: str) -> int:
        """The client's share of the rule's reservoir: in proportion to the requests each
        active client saw, every active client getting at least one when there is enough."""
        clients = self._clients.get(rule.name, {})
        if not clients or rule.reservoir_size == 0:
            return 0
        total = sum(report.requests for report in clients.values())
        if total == 0:
            share = rule.reservoir_size // len(clients)
            extra = rule.reservoir_size - share * len(clients)
            first = sorted(clients)[0]
            return share + (extra if client_id == first else 0)
        mine = clients[client_id].requests
        return max(1 if mine else 0, math.floor(rule.reservoir_size * mine / total))

    def summaries(self, now: float) -> list[Statistics]:
        found = list(self.statistics.values())
        return found

    def forget(self, rule_name: str) -> None:
        self._usage.pop(rule_name, None)
        self._clients.pop(rule_name, None)
        self.statistics.pop(rule_name, None)


__all__ = [
    "DEFAULT_FIXED_RATE",
    "DEFAULT_PRIORITY",
    "DEFAULT_RESERVOIR",
    "DEFAULT_RULE_NAME",
    "TARGET_INTERVAL",
    "Request",
    "Rule",
    "Sampler",
    "Statistics",
    "matches",
    "ordered",
]
