"""EventBridge ``putEvents``, through the ``buses`` port.

As the optimized integration does, the state machine and execution ARNs are appended to each
entry's ``Resources`` (in that order, as events AWS delivered show them), a ``Detail`` object
is sent as its JSON text, and any failed entry fails the task with ``EventBridge.FailedEntry``.
Until a service offers the ``buses`` port no event bus exists, and every entry fails as it
would for a missing bus.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from emulator import messaging
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, optimized_failure, sdk_metadata
from emulator.ports import BusAccess

FAILED_ENTRY = "EventBridge.FailedEntry"


def _entries(call: Call) -> list[Mapping[str, Any]]:
    raw = call.required("Entries")
    if not isinstance(raw, list):
        raise StatesError("States.Runtime", "The field 'Entries' must be an array")
    entries: list[Mapping[str, Any]] = []
    for item in raw:
        entry = dict(item) if isinstance(item, dict) else {}
        resources = entry.get("Resources")
        resources = list(resources) if isinstance(resources, list) else []
        entry["Resources"] = [*resources, call.state_machine_arn, call.execution_arn]
        entries.append(entry)
    return entries


def _missing_bus(entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    results = [{"ErrorCode": "NotFoundException",
                "ErrorMessage": f"Event bus {e.get('EventBusName') or 'default'} does not exist."}
               for e in entries]
    return {"Entries": results, "FailedEntryCount": len(results)}


async def put_events(call: Call) -> Any:
    entries = _entries(call)
    port = call.services.port("buses")
    try:
        if port is None:  # no EventBridge in this emulator yet: no bus exists
            reply = _missing_bus(entries)
        else:
            reply = messaging.put_events(cast(BusAccess, port), entries, account=call.account,
                                         region=call.region)
    except StatesError:
        raise
    except Exception as error:
        raise optimized_failure("events", error) from None
    result = dict(reply)
    if int(result.get("FailedEntryCount") or 0) > 0:
        raise StatesError(FAILED_ENTRY, json.dumps(result, separators=(",", ":")))
    result.update(sdk_metadata(call, 85, "application/x-amz-json-1.1"))
    return result


__all__ = ["FAILED_ENTRY", "put_events"]
