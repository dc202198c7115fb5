"""Batch requests: the checks on the entry list, and per-entry success or failure."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from emulator.errors import ServiceError

MAX_ENTRIES = 10
MAX_BATCH_BYTES = 1_048_576
_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def check_entries(entries: Sequence[Mapping[str, Any]], entry_name: str) -> None:
    if not entries:
        raise ServiceError(
            "EmptyBatchRequest", f"There should be at least one {entry_name} in the request."
        )
    if len(entries) > MAX_ENTRIES:
        raise ServiceError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_ENTRIES}. "
            f"You have sent {len(entries)}.",
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = str(entry.get("Id", ""))
        if not _ENTRY_ID.fullmatch(entry_id):
            raise ServiceError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.",
            )
        if entry_id in seen:
            raise ServiceError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")
        seen.add(entry_id)


def run(
    entries: Sequence[Mapping[str, Any]],
    action: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Apply ``action`` to each entry; errors become Failed entries, results Successful ones."""
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            successful.append({"Id": entry["Id"], **action(entry)})
        except ServiceError as error:
            failed.append(
                {"Id": entry["Id"], "SenderFault": error.sender_fault, "Code": error.code,
                 "Message": error.message}
            )
    return {"Successful": successful, "Failed": failed}


__all__ = ["MAX_BATCH_BYTES", "MAX_ENTRIES", "check_entries", "run"]
