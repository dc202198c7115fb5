"""Archives: the events a bus receives that match an archive's pattern are kept (for its
retention, on the clock), counted and sized; StartReplay sends those of a time window back
to their bus, as AWS replays them (with ``replay-name`` set).

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from emulator import arns, inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.input_templates import event_text
from emulator.services.base import TableOf
from emulator.services.events.common import EventsBase, bus_name, not_found, validation
from emulator.services.events.routing import check_pattern, rule_pattern
from emulator.store import Record

ARCHIVES = "archives"  # key: archive name
REPLAYS = "replays"  # key: replay name
_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,48}$")
DAY = 86400.0


class ArchiveRecord(Record):
    name: str
    arn: str
    source: str  # the bus ARN
    description: str = ""
    pattern: str | None = None
    retention_days: int = 0  # 0: for ever
    created: float = 0.0
    events: list[tuple[float, str]] = []  # (time received, event JSON)


class ReplayRecord(Record):
    name: str
    arn: str
    source: str
    destination: dict[str, Any]
    start: float
    end: float
    started: float
    ended: float
    description: str = ""
    last_replayed: float | None = None


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


class ArchivesApi(EventsBase):
    archives = TableOf(ARCHIVES, ArchiveRecord)
    replays = TableOf(REPLAYS, ReplayRecord)

    def _archive(self, ctx: RequestContext, name: str) -> ArchiveRecord:
        record = self.archives(ctx.account_id, ctx.region).get(name)
        if record is None:
            raise not_found(f"Archive {name} does not exist.")
        return record

    def _kept(self, record: ArchiveRecord) -> list[tuple[float, str]]:
        if not record.retention_days:
            return record.events
        cutoff = self.clock.now() - record.retention_days * DAY
        return [entry for entry in record.events if entry[0] >= cutoff]

    def record_archived(self, event: dict[str, Any], account: str, region: str,
                        bus: str) -> None:
        """Keep ``event`` in every archive of its bus whose pattern it matches."""
        table = self.archives(account, region)
        if not len(table) or "replay-name" in event:
            return
        source = self.bus(account, region, bus)
        for record in table.values():
            if source is None or record.source != source.arn:
                continue
            if record.pattern and not rule_pattern(record.pattern).matches(event):
                continue
            record.events = [*self._kept(record), (self.clock.now(), event_text(event))]
            table.put(record.name, record)

    def _shape(self, record: ArchiveRecord) -> dict[str, Any]:
        kept = self._kept(record)
        return {"ArchiveName": record.name, "EventSourceArn": record.source,
                "State": "ENABLED", "RetentionDays": record.retention_days,
                "SizeBytes": sum(len(text.encode()) for _, text in kept),
                "EventCount": len(kept), "CreationTime": record.created}

    def create_archive(self, ctx: RequestContext, *, archive_name: str, event_source_arn: str,
                       description: str | None = None, event_pattern: str | None = None,
                       retention_days: int | None = None, **_: Any) -> dict[str, Any]:
        if not _NAME.match(archive_name):
            raise validation(f"Archive name {archive_name} is not valid.")
        if self.bus(ctx.account_id, ctx.region, bus_name(event_source_arn)) is None:
            raise not_found(f"Event bus {bus_name(event_source_arn)} does not exist.")
        if event_pattern is not None:
            check_pattern(event_pattern)
        table = self.archives(ctx.account_id, ctx.region)
        if archive_name in table:
            raise ServiceError("ResourceAlreadyExistsException",
                               f"Archive {archive_name} already exists.")
        record = ArchiveRecord(
            name=archive_name, arn=arns.build("events", ctx.region, ctx.account_id,
                                              f"archive/{archive_name}"),
            source=event_source_arn, description=description or "", pattern=event_pattern,
            retention_days=retention_days or 0, created=self.clock.now())
        table.put(archive_name, record)
        return {"ArchiveArn": record.arn, "State": "ENABLED", "CreationTime": record.created}

    def describe_archive(self, ctx: RequestContext, *, archive_name: str) -> dict[str, Any]:
        record = self._archive(ctx, archive_name)
        out = {**self._shape(record), "ArchiveArn": record.arn,
               "Description": record.description}
        if record.pattern:
            out["EventPattern"] = record.pattern
        return out

    def list_archives(self, ctx: RequestContext, *, name_prefix: str | None = None,
                      event_source_arn: str | None = None, **_: Any) -> dict[str, Any]:
        return {"Archives": [self._shape(record)
                             for record in self.archives(ctx.account_id, ctx.region).values()
                             if record.name.startswith(name_prefix or "")
                             and event_source_arn in (None, record.source)]}

    def update_archive(self, ctx: RequestContext, *, archive_name: str,
                       description: str | None = None, event_pattern: str | None = None,
                       retention_days: int | None = None, **_: Any) -> dict[str, Any]:
        record = self._archive(ctx, archive_name)
        record.assign(description=description, pattern=event_pattern, retention_days=retention_days)
        self.archives(ctx.account_id, ctx.region).put(record.name, record)
        return {"ArchiveArn": record.arn, "State": "ENABLED", "CreationTime": record.created}

    def delete_archive(self, ctx: RequestContext, *, archive_name: str) -> dict[str, Any]:
        self._archive(ctx, archive_name)
        self.archives(ctx.account_id, ctx.region).delete(archive_name)
        return {}

    def start_replay(self, ctx: RequestContext, *, replay_name: str, event_source_arn: str,
                     event_start_time: Any, event_end_time: Any,
                     destination: dict[str, Any], description: str | None = None,
                     **_: Any) -> dict[str, Any]:
        archive = next((record for record in self.archives(ctx.account_id,
                                                            ctx.region).values()
                        if record.arn == event_source_arn), None)
        if archive is None:
            raise not_found(f"Archive {event_source_arn} does not exist.")
        table = self.replays(ctx.account_id, ctx.region)
        if replay_name in table:
            raise ServiceError("ResourceAlreadyExistsException",
                               f"Replay {replay_name} already exists.")
        start, end = _epoch(event_start_time), _epoch(event_end_time)
        if end <= start:
            raise validation("Parameter EventEndTime is not valid. Reason: EventEndTime "
                             "must be after EventStartTime.")
        now = self.clock.now()
        replay = ReplayRecord(name=replay_name, arn=arns.build(
            "events", ctx.region, ctx.account_id, f"replay/{replay_name}"),
            source=event_source_arn, destination=destination, start=start, end=end,
            started=now, ended=now, description=description or "")
        bus = bus_name(destination["Arn"])
        for received, text in self._kept(archive):
            if start <= received <= end:
                event = {**inbound.loads(text), "replay-name": replay_name}
                self.replay_event(event, ctx.account_id, ctx.region, bus)
                replay.last_replayed = received
        table.put(replay_name, replay)
        return {"ReplayArn": replay.arn, "State": "STARTING", "ReplayStartTime": now}

    def describe_replay(self, ctx: RequestContext, *, replay_name: str) -> dict[str, Any]:
        replay = self.replays(ctx.account_id, ctx.region).get(replay_name)
        if replay is None:
            raise not_found(f"Replay {replay_name} does not exist.")
        out: dict[str, Any] = {
            "ReplayName": replay.name, "ReplayArn": replay.arn,
            "Description": replay.description, "State": "COMPLETED",
            "EventSourceArn": replay.source, "Destination": replay.destination,
            "EventStartTime": replay.start, "EventEndTime": replay.end,
            "ReplayStartTime": replay.started, "ReplayEndTime": replay.ended}
        if replay.last_replayed is not None:
            out["EventLastReplayedTime"] = replay.last_replayed
        return out


__all__ = ["ARCHIVES", "ArchiveRecord", "ArchivesApi", "ReplayRecord"]
