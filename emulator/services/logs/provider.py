"""CloudWatch Logs, far enough for Lambda's logs, ``aws logs tail`` and filtering.

Events older than a group's retention are dropped when read (on the emulator's clock); past
``settings.logs_max_events`` in an account and region the oldest are forgotten as new ones come
(docs/reliability.md, "Caps on what grows"). The
``logs`` port lets the Lambda runtime write events, creating the group and stream on first use
as Lambda does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from emulator import arns
from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.services import paging
from emulator.services.logs.models import (
    BATCHES,
    GROUPS,
    STREAMS,
    BatchRecord,
    LogGroupRecord,
    LogStreamRecord,
    batch_key,
    stream_key,
)
from emulator.services.logs.patterns import PatternError, compile_pattern
from emulator.services.logs.subscriptions import SubscriptionsApi
from emulator.store import ServiceStore, Table

log = logging.getLogger("emulator.logs")

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
DAY_MS = 86_400_000


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def _no_group() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log group does not exist.")


def _no_stream() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log stream does not exist.")


def _token(prefix: str, index: int) -> str:
    return f"{prefix}/{index:056d}"


def _read_token(token: str | None) -> tuple[str, int] | None:
    if not token:
        return None
    prefix, _, number = token.partition("/")
    if prefix not in ("f", "b") or not number.isdigit():
        raise _invalid("The specified nextToken is invalid.")
    return prefix, int(number)


class _Tables:
    def __init__(self, provider: LogsProvider, account: str, region: str) -> None:
        self.account, self.region = account, region
        self.groups: Table[LogGroupRecord] = provider.store.table(account, region, GROUPS,
                                                                  LogGroupRecord)
        self.streams: Table[LogStreamRecord] = provider.store.table(account, region, STREAMS,
                                                                    LogStreamRecord)
        self.batches: Table[BatchRecord] = provider.store.table(account, region, BATCHES,
                                                                BatchRecord)


# A write through the port: account, region, group, stream, events, and when it came.
_Write = tuple[str, str, str, str, list[tuple[int, str]], int]


class LogsPort:
    """The ``logs`` port: append events to a stream, creating the group and stream.

    Without persistence, a write is stored on the next turn of the event loop, so an
    invocation answers without waiting for it; every read of this service stores the writes
    still waiting first, so none is ever missing from an answer. With persistence it is
    stored before ``write`` returns.
    """

    def __init__(self, provider: LogsProvider) -> None:
        self._provider = provider

    def write(self, account: str, region: str, group: str, stream: str,
              events: list[tuple[int, str]]) -> None:
        provider = self._provider
        provider.pending.append(
            (account, region, group, stream, events, provider.clock.now_millis()))
        if provider.store.persistent:
            provider.settle()
            return
        if len(provider.pending) == 1:
            try:
                asyncio.get_running_loop().call_soon(provider.settle)
            except RuntimeError:  # no event loop: store it now
                provider.settle()


class LogsProvider(SubscriptionsApi):
    service_name = "logs"

    def __init__(self, settings: Settings, clock: Clock, store: ServiceStore,
                 ports: Ports) -> None:
        super().__init__(settings, clock, store, ports)
        self.pending: list[_Write] = []  # the port's writes not stored yet
        # Events stored per (account, region), counted once and then kept as batches come and
        # go, so the cap (settings.logs_max_events) costs nothing per write until it is reached.
        self._event_counts: dict[tuple[str, str], int] = {}
        self.metrics = ports.published_metrics()

    def port(self, name: str) -> object | None:
        return LogsPort(self) if name == "logs" else None

    def settle(self) -> None:
        """Store the port's writes still waiting, in the order they came."""
        while self.pending:
            writes, self.pending = self.pending, []
            for account, region, group, stream, events, now in writes:
                try:
                    self._store_write(_Tables(self, account, region), group, stream, events,
                                      now)
                except Exception:
                    log.exception("could not store the log events of %s", group)

    def _store_write(self, tables: _Tables, group: str, stream: str,
                     events: list[tuple[int, str]], now: int) -> None:
        if group not in tables.groups:
            tables.groups.put(group, LogGroupRecord(name=group, created=now))
        if stream_key(group, stream) not in tables.streams:
            tables.streams.put(stream_key(group, stream),
                               LogStreamRecord(group=group, name=stream, created=now))
        self.append(tables, group, stream, sorted(events, key=lambda e: e[0]), now)

    def reset(self) -> None:
        self.pending.clear()
        self._event_counts.clear()
        self.deliveries.cancel_all()
        super().reset()

    def _tables(self, ctx: RequestContext) -> _Tables:
        self.settle()
        return _Tables(self, ctx.account_id, ctx.region)

    def _arn(self, tables: _Tables, group: str) -> str:
        return arns.build("logs", tables.region, tables.account, f"log-group:{group}")

    def _group(self, tables: _Tables, name: str | None) -> LogGroupRecord:
        record = tables.groups.get(name or "")
        if record is None:
            raise _no_group()
        return record

    @staticmethod
    def _group_name(name: str | None, identifier: str | None) -> str:
        if name:
            return name
        if identifier:
            # An ARN ("...:log-group:NAME[:*]") or a name.
            if identifier.startswith("arn:"):
                return identifier.split(":log-group:", 1)[-1].removesuffix(":*")
            return identifier
        raise _invalid("Either logGroupName or logGroupIdentifier must be specified.")

    # -- writing ---------------------------------------------------------------------------

    def append(self, tables: _Tables, group: str, stream: str,
               events: list[tuple[int, str]], now: int | None = None) -> None:
        """Store events as one batch; ``now`` is their ingestion time (default: now)."""
        if not events:
            return
        record = tables.streams.get(stream_key(group, stream))
        assert record is not None
        if now is None:
            now = self.clock.now_millis()
        record.batches += 1
        batch = BatchRecord(sequence=record.batches, events=[
            {"timestamp": ts, "message": message, "ingestion": now} for ts, message in events])
        newest = batch_key(group, stream, record.batches)
        tables.batches.put(newest, batch)
        self._keep_within_cap(tables, len(events), newest)
        first = events[0][0]
        record.first_event = first if record.first_event is None else min(record.first_event,
                                                                           first)
        record.last_event = max(record.last_event or 0, events[-1][0])
        record.last_ingestion = now
        record.stored_bytes += sum(len(m.encode()) for _, m in events)
        tables.streams.put(stream_key(group, stream), record)
        self._embedded_metrics(tables.account, tables.region, events)
        if len(self.filters(tables.account, tables.region)):  # ids only for a subscription
            self.deliver(tables.account, tables.region, group, stream, [
                (ts, message, f"{batch.sequence:020d}{index:06d}")
                for index, (ts, message) in enumerate(events)])

    def _keep_within_cap(self, tables: _Tables, added: int, newest: str) -> None:
        """Drop the oldest batches of the account and region (any group) while more events
        than ``logs_max_events`` are stored; the batch just written always stays."""
        scope = (tables.account, tables.region)
        count = self._event_counts.get(scope)
        if count is None:
            count = sum(len(batch.events) for batch in tables.batches.values())
        else:
            count += added
        cap = self.settings.logs_max_events
        if count > cap:
            doomed: list[str] = []
            for key, batch in tables.batches.oldest_first():
                if count <= cap or key == newest:
                    break
                doomed.append(key)
                count -= len(batch.events)
            tables.batches.delete_many(doomed)
        self._event_counts[scope] = count

    def _forget_count(self, tables: _Tables) -> None:
        """Batches were deleted: count the scope's events again at the next write."""
        self._event_counts.pop((tables.account, tables.region), None)

    def _embedded_metrics(self, account: str, region: str,
                          events: list[tuple[int, str]]) -> None:
        """Embedded metric format lines become CloudWatch metrics, as in any log group."""
        for _stamp, message in events:
            if '"_aws"' in message:
                self.metrics.put_embedded(account, region, message)

    def _events(self, tables: _Tables, group: LogGroupRecord,
                stream: str) -> list[tuple[int, str, int, str]]:
        """(timestamp, message, ingestion, event id) of a stream, oldest first."""
        prefix = stream_key(group.name, stream) + "\x1f"
        cutoff = None
        if group.retention_days is not None:
            cutoff = self.clock.now_millis() - group.retention_days * DAY_MS
        found: list[tuple[int, str, int, str]] = []
        for key in tables.batches:
            if not key.startswith(prefix):
                continue
            batch = tables.batches.get(key)
            assert batch is not None
            for index, event in enumerate(batch.events):
                if cutoff is not None and event["timestamp"] < cutoff:
                    continue
                event_id = f"{batch.sequence:020d}{index:06d}"
                found.append((event["timestamp"], event["message"], event["ingestion"],
                              event_id))
        found.sort(key=lambda e: e[0])
        return found

    # -- groups ----------------------------------------------------------------------------

    def create_log_group(self, ctx: RequestContext, *, log_group_name: str,
                         kms_key_id: str | None = None, tags: dict[str, str] | None = None,
                         log_group_class: str | None = None, **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        if log_group_name in tables.groups:
            raise ServiceError("ResourceAlreadyExistsException",
                               "The specified log group already exists")
        tables.groups.put(log_group_name, LogGroupRecord(
            name=log_group_name, created=self.clock.now_millis(), kms_key_id=kms_key_id,
            tags=dict(tags or {}), log_group_class=log_group_class or "STANDARD"))
        return {}

    def delete_log_group(self, ctx: RequestContext, *, log_group_name: str,
                         **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        self._group(tables, log_group_name)
        prefix = log_group_name + "\x1f"
        for table in (tables.streams, tables.batches):
            for key in list(table):
                if key.startswith(prefix):
                    table.delete(key)
        tables.groups.delete(log_group_name)
        self._forget_count(tables)
        self.drop_filters(tables.account, tables.region, log_group_name)
        return {}

    def _group_shape(self, tables: _Tables, group: LogGroupRecord) -> dict[str, Any]:
        stored = sum(s.stored_bytes for s in tables.streams.values() if s.group == group.name)
        shape: dict[str, Any] = {
            "logGroupName": group.name,
            "creationTime": group.created,
            "metricFilterCount": 0,
            "arn": self._arn(tables, group.name) + ":*",
            "logGroupArn": self._arn(tables, group.name),
            "storedBytes": stored,
            "logGroupClass": group.log_group_class,
            "deletionProtectionEnabled": group.deletion_protection,
        }
        if group.retention_days is not None:
            shape["retentionInDays"] = group.retention_days
        if group.kms_key_id:
            shape["kmsKeyId"] = group.kms_key_id
        return shape

    def describe_log_groups(self, ctx: RequestContext, *, log_group_name_prefix: str | None = None,
                            log_group_name_pattern: str | None = None,
                            next_token: str | None = None, limit: int | None = None,
                            **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        if log_group_name_prefix and log_group_name_pattern:
            raise _invalid("LogGroup name prefix and LogGroup name pattern are mutually "
                           "exclusive parameters.")
        groups = sorted(tables.groups.values(), key=lambda g: g.name)
        if log_group_name_prefix:
            groups = [g for g in groups if g.name.startswith(log_group_name_prefix)]
        if log_group_name_pattern:
            needle = log_group_name_pattern.lower()
            groups = [g for g in groups if needle in g.name.lower()]
        return self._page(groups, next_token, limit or 50, "logGroups",
                          lambda g: self._group_shape(tables, g))

    @staticmethod
    def _page(items: list[Any], token: str | None, limit: int, key: str,
              shape: Any) -> dict[str, Any]:
        chunk, following = paging.page(items, token, limit)
        result: dict[str, Any] = {key: [shape(item) for item in chunk]}
        if following is not None:
            result["nextToken"] = following
        return result

    def put_retention_policy(self, ctx: RequestContext, *, log_group_name: str,
                             retention_in_days: int, **_: Any) -> dict[str, Any]:
        if retention_in_days not in RETENTION_DAYS:
            raise _invalid(
                f"1 validation error detected: Value '{retention_in_days}' at 'retentionInDays' "
                "failed to satisfy constraint: Member must satisfy enum value set: "
                f"[{', '.join(str(d) for d in RETENTION_DAYS)}]"
            )
        tables = self._tables(ctx)
        group = self._group(tables, log_group_name)
        group.retention_days = retention_in_days
        tables.groups.put(group.name, group)
        return {}

    def delete_retention_policy(self, ctx: RequestContext, *, log_group_name: str,
                                **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        group = self._group(tables, log_group_name)
        group.retention_days = None
        tables.groups.put(group.name, group)
        return {}

    # -- streams ---------------------------------------------------------------------------

    def create_log_stream(self, ctx: RequestContext, *, log_group_name: str,
                          log_stream_name: str, **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        self._group(tables, log_group_name)
        key = stream_key(log_group_name, log_stream_name)
        if key in tables.streams:
            raise ServiceError("ResourceAlreadyExistsException",
                               "The specified log stream already exists")
        tables.streams.put(key, LogStreamRecord(group=log_group_name, name=log_stream_name,
                                                created=self.clock.now_millis()))
        return {}

    def delete_log_stream(self, ctx: RequestContext, *, log_group_name: str,
                          log_stream_name: str, **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        self._group(tables, log_group_name)
        key = stream_key(log_group_name, log_stream_name)
        if key not in tables.streams:
            raise _no_stream()
        for batch in [k for k in tables.batches if k.startswith(key + "\x1f")]:
            tables.batches.delete(batch)
        tables.streams.delete(key)
        self._forget_count(tables)
        return {}

    def describe_log_streams(self, ctx: RequestContext, *, log_group_name: str | None = None,
                             log_group_identifier: str | None = None,
                             log_stream_name_prefix: str | None = None,
                             order_by: str | None = None, descending: bool = False,
                             next_token: str | None = None, limit: int | None = None,
                             **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        group = self._group(tables, self._group_name(log_group_name, log_group_identifier))
        if order_by == "LastEventTime" and log_stream_name_prefix:
            raise _invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for s in tables.streams.values() if s.group == group.name
                   and s.name.startswith(log_stream_name_prefix or "")]
        if order_by == "LastEventTime":
            streams.sort(key=lambda s: s.last_event or 0, reverse=descending)
        else:
            streams.sort(key=lambda s: s.name, reverse=descending)

        def shape(stream: LogStreamRecord) -> dict[str, Any]:
            found: dict[str, Any] = {
                "logStreamName": stream.name,
                "creationTime": stream.created,
                "arn": f"{self._arn(tables, group.name)}:log-stream:{stream.name}",
                "storedBytes": stream.stored_bytes,
            }
            for key, value in (("firstEventTimestamp", stream.first_event),
                               ("lastEventTimestamp", stream.last_event),
                               ("lastIngestionTime", stream.last_ingestion)):
                if value is not None:
                    found[key] = value
            return found

        return self._page(streams, next_token, limit or 50, "logStreams", shape)

    # -- events ----------------------------------------------------------------------------

    def put_log_events(self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str,
                       log_events: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        self._group(tables, log_group_name)
        if stream_key(log_group_name, log_stream_name) not in tables.streams:
            raise _no_stream()
        stamps = [int(e["timestamp"]) for e in log_events]
        if stamps != sorted(stamps):
            raise _invalid("Log events in a single PutLogEvents request must be in "
                           "chronological order.")
        if stamps and stamps[-1] - stamps[0] > DAY_MS:
            raise _invalid("The batch of log events in a single PutLogEvents request cannot "
                           "span more than 24 hours.")
        size = sum(len(str(e["message"]).encode()) + EVENT_OVERHEAD for e in log_events)
        if size > BATCH_BYTES:
            raise _invalid(f"Upload too large: {size} bytes exceeds limit of {BATCH_BYTES}")
        now = self.clock.now_millis()
        accepted: list[tuple[int, str]] = []
        rejected: dict[str, int] = {}
        for index, event in enumerate(log_events):
            stamp = int(event["timestamp"])
            if stamp < now - 14 * DAY_MS:
                rejected["tooOldLogEventEndIndex"] = index + 1
            elif stamp > now + 2 * 3_600_000:
                rejected.setdefault("tooNewLogEventStartIndex", index)
            else:
                accepted.append((stamp, str(event["message"])))
        self.append(tables, log_group_name, log_stream_name, accepted)
        result: dict[str, Any] = {"nextSequenceToken": f"{now:056d}"}
        if rejected:
            result["rejectedLogEventsInfo"] = rejected
        return result

    def get_log_events(self, ctx: RequestContext, *, log_stream_name: str,
                       log_group_name: str | None = None,
                       log_group_identifier: str | None = None, start_time: int | None = None,
                       end_time: int | None = None, next_token: str | None = None,
                       limit: int | None = None, start_from_head: bool | None = None,
                       **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        group = self._group(tables, self._group_name(log_group_name, log_group_identifier))
        if stream_key(group.name, log_stream_name) not in tables.streams:
            raise _no_stream()
        events = [e for e in self._events(tables, group, log_stream_name)
                  if (start_time is None or e[0] >= start_time)
                  and (end_time is None or e[0] < end_time)]
        size = min(limit or 10_000, 10_000)
        token = _read_token(next_token)
        if token is None:
            token = ("f", 0) if start_from_head else ("b", len(events))
        direction, position = token
        position = min(position, len(events))
        if direction == "f":
            page = events[position:position + size]
            start, end = position, position + len(page)
        else:
            start = max(0, position - size)
            page = events[start:position]
            end = position
        return {
            "events": [{"timestamp": ts, "message": message, "ingestionTime": ingestion}
                       for ts, message, ingestion, _ in page],
            "nextForwardToken": _token("f", end),
            "nextBackwardToken": _token("b", start),
        }

    def filter_log_events(
            self, ctx: RequestContext, *, log_group_name: str | None = None,
            log_group_identifier: str | None = None, log_stream_names: list[str] | None = None,
            log_stream_name_prefix: str | None = None, start_time: int | None = None,
            end_time: int | None = None, filter_pattern: str | None = None,
            next_token: str | None = None, limit: int | None = None, **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        group = self._group(tables, self._group_name(log_group_name, log_group_identifier))
        if log_stream_names and log_stream_name_prefix:
            raise _invalid("logStreamNames and logStreamNamePrefix are mutually exclusive.")
        try:
            matches = compile_pattern(filter_pattern)
        except PatternError as error:
            raise _invalid(str(error)) from None
        streams = [s.name for s in tables.streams.values() if s.group == group.name
                   and (not log_stream_names or s.name in log_stream_names)
                   and s.name.startswith(log_stream_name_prefix or "")]
        found: list[dict[str, Any]] = []
        for stream in streams:
            for ts, message, ingestion, event_id in self._events(tables, group, stream):
                if start_time is not None and ts < start_time:
                    continue
                if end_time is not None and ts > end_time:
                    continue
                if matches(message):
                    found.append({"logStreamName": stream, "timestamp": ts, "message": message,
                                  "ingestionTime": ingestion, "eventId": event_id})
        found.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        start = int(next_token) if next_token and next_token.isdigit() else 0
        size = min(limit or 10_000, 10_000)
        result: dict[str, Any] = {
            "events": found[start:start + size],
            "searchedLogStreams": [{"logStreamName": s, "searchedCompletely": True}
                                   for s in streams],
        }
        if start + size < len(found):
            result["nextToken"] = str(start + size)
        return result

    # -- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, resource_arn: str) -> tuple[_Tables, LogGroupRecord]:
        tables = self._tables(ctx)
        if ":log-group:" not in resource_arn:
            raise _invalid(f"Invalid resource ARN: {resource_arn}")
        return tables, self._group(tables, self._group_name(None, resource_arn))

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str],
                     **_: Any) -> dict[str, Any]:
        tables, group = self._tagged(ctx, resource_arn)
        group.tags.update(tags)
        tables.groups.put(group.name, group)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        tables, group = self._tagged(ctx, resource_arn)
        for key in tag_keys:
            group.tags.pop(key, None)
        tables.groups.put(group.name, group)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        return {"tags": dict(self._tagged(ctx, resource_arn)[1].tags)}

    def tag_log_group(self, ctx: RequestContext, *, log_group_name: str, tags: dict[str, str],
                      **_: Any) -> dict[str, Any]:
        tables = self._tables(ctx)
        group = self._group(tables, log_group_name)
        group.tags.update(tags)
        tables.groups.put(group.name, group)
        return {}

    def list_tags_log_group(self, ctx: RequestContext, *, log_group_name: str,
                            **_: Any) -> dict[str, Any]:
        return {"tags": dict(self._group(self._tables(ctx), log_group_name).tags)}

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        self.settle()
        return {"log_groups": [
            {"name": group.name, "account": account, "region": region}
            for account, region in self.store.scopes(GROUPS)
            for group in _Tables(self, account, region).groups.values()
        ]}


__all__ = ["LogsPort", "LogsProvider"]
