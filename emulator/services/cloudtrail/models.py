"""CloudTrail's stored records: trails."""

from __future__ import annotations

from typing import Any

from emulator.store.records import Record

TRAILS = "trails"


class TrailRecord(Record):
    name: str
    arn: str
    home_region: str
    bucket: str
    prefix: str | None = None
    multi_region: bool = False
    global_events: bool = True
    logging: bool = False
    started: float | None = None
    stopped: float | None = None
    delivered: float | None = None  # when the last log file was written
    delivered_upto: float = 0.0  # calls up to this time are in a log file
    delivery_error: str | None = None
    options: dict[str, Any] = {}
    # PutEventSelectors: basic or advanced selectors (one kind at a time), None: the default
    # (every management event, no data events).
    event_selectors: list[dict[str, Any]] | None = None
    advanced_event_selectors: list[dict[str, Any]] | None = None
    log_file_validation: bool = False
    tags: list[dict[str, str]] = []


__all__ = ["TRAILS", "TrailRecord"]
