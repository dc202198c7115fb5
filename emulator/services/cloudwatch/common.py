"""What CloudWatch's parts share: metric data per account and region, the alarm, history and
dashboard tables, CloudWatch's errors and paging."""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from functools import cache
from typing import Any

import botocore.session

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.metrics.datapoints import MetricData
from emulator.services import paging
from emulator.services.base import Provider, TableOf
from emulator.services.cloudwatch.models import (
    ALARMS,
    DASHBOARDS,
    HISTORY,
    AlarmRecord,
    DashboardRecord,
    HistoryRecord,
)


def invalid_value(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message, status=400)


def invalid_combination(message: str) -> ServiceError:
    return ServiceError("InvalidParameterCombination", message, status=400)


def missing_parameter(message: str) -> ServiceError:
    return ServiceError("MissingParameter", message, status=400)


def validation_error(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, status=400)


@cache
def region_name(region: str) -> str:
    """The region's long name, as alarm notifications write it (US East (N. Virginia))."""
    loader = botocore.session.get_session().get_component("data_loader")
    for partition in loader.load_data("endpoints").get("partitions", []):
        found = partition.get("regions", {}).get(region)
        if found and found.get("description"):
            return str(found["description"])
    return region


def invalid_token(_token: str) -> ServiceError:
    return ServiceError("InvalidNextToken", "The service couldn't process your request "
                        "because the next token is invalid.")


def page(items: list[Any], token: str | None, size: int) -> tuple[list[Any], str | None]:
    """One page of ``items`` from CloudWatch's opaque ``token``, and the next page's token."""
    return paging.page(items, token, size, tokens=paging.BASE64, invalid=invalid_token)


class CloudWatchBase(Provider, ABC):
    service_name = "cloudwatch"
    not_found_code = "ResourceNotFound"

    alarms = TableOf(ALARMS, AlarmRecord)
    history = TableOf(HISTORY, HistoryRecord)
    dashboards = TableOf(DASHBOARDS, DashboardRecord)  # in the "global" region

    def setup(self) -> None:
        # Metric data lives in the engine's form, per account and region.
        self.scopes: dict[tuple[str, str], MetricData] = {}
        self.evaluate_now = asyncio.Event()  # set when an alarm is put or deleted
        self.actions: set[asyncio.Task[Any]] = set()  # Lambda actions under way

    def metric_data(self, account: str, region: str) -> MetricData:
        found = self.scopes.get((account, region))
        if found is None:
            found = self.scopes[(account, region)] = MetricData()
        return found

    def alarm_arn(self, ctx: RequestContext, name: str) -> str:
        return arns.build("cloudwatch", ctx.region, ctx.account_id, f"alarm:{name}")

    def add_history(self, account: str, region: str, record: AlarmRecord, item_type: str,
                    summary: str, data: dict[str, Any]) -> None:
        now = self.clock.now()
        key = f"{now:017.6f}-{ids.short_id(8)}"
        self.history(account, region).put(key, HistoryRecord(
            alarm_name=record.name, alarm_type=record.kind, timestamp=now, item_type=item_type,
            summary=summary, data=json.dumps(data, separators=(",", ":"), default=str)))

    @abstractmethod
    def change_state(self, account: str, region: str, record: AlarmRecord, state: str,
                     reason: str, reason_data: str | None = None) -> None:
        """Move an alarm to ``state`` (history, actions, parents) when it is not there."""

    @abstractmethod
    def alarm_changed(self, account: str, region: str, names: list[str]) -> None:
        """Alarms were created, updated or deleted: the evaluator looks at them (and at the
        composite alarms reading them) on its next turn."""


__all__ = ["CloudWatchBase", "invalid_combination", "invalid_token", "invalid_value",
           "missing_parameter", "page", "region_name", "validation_error"]
