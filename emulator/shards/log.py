"""The records of one shard, oldest first, addressed by sequence number.

A shard keeps what was appended until retention trims it from the front. Readers name a
position as "after sequence number N" (0 reads from the oldest record still kept), which is all
that the iterator types of Kinesis and DynamoDB Streams need: AT_SEQUENCE_NUMBER N is after
N-1, TRIM_HORIZON after 0, LATEST after the newest record. A closed shard (split, merged or
rolled over) takes no more records; its ending sequence number is its last.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Entry:
    """One record: its sequence number, arrival time on the clock, size in bytes as the
    service counts it, and the stored record itself (a plain dict, shared with the store)."""

    sequence: int
    arrival: float
    size: int
    item: dict[str, Any]


class ShardLog:
    def __init__(self, shard_id: str, start_sequence: int, *,
                 end_sequence: int | None = None) -> None:
        self.shard_id = shard_id
        self.start_sequence = start_sequence
        self.end_sequence = end_sequence
        # The highest sequence number retention has removed (below the start: none yet).
        self.trimmed_through = start_sequence - 1
        self._entries: list[Entry] = []
        self._sequences: list[int] = []
        self._arrivals: list[float] = []

    # -- writing ---------------------------------------------------------------------------

    def append(self, entry: Entry) -> None:
        if self.end_sequence is not None:
            raise ValueError(f"shard {self.shard_id} is closed")
        if self._sequences and entry.sequence <= self._sequences[-1]:
            raise ValueError("sequence numbers must increase")
        self._entries.append(entry)
        self._sequences.append(entry.sequence)
        self._arrivals.append(entry.arrival)

    def close(self, end_sequence: int | None = None) -> None:
        """Take no more records; the ending sequence number is the last record's (or the
        one given, for a shard closed before any record arrived)."""
        if self.end_sequence is None:
            last = self.last_sequence
            self.end_sequence = end_sequence if end_sequence is not None else (
                last if last is not None else self.start_sequence)

    def trim(self, before: float) -> list[Entry]:
        """Remove the records that arrived before ``before``; returns them."""
        count = bisect_left(self._arrivals, before)
        if not count:
            return []
        removed = self._entries[:count]
        del self._entries[:count], self._sequences[:count], self._arrivals[:count]
        self.trimmed_through = removed[-1].sequence
        return removed

    # -- reading ---------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.end_sequence is not None

    @property
    def last_sequence(self) -> int | None:
        return self._sequences[-1] if self._sequences else None

    @property
    def tip(self) -> int:
        """The position after every record appended so far (LATEST)."""
        last = self.last_sequence
        return max(last if last is not None else 0, self.trimmed_through)

    def __len__(self) -> int:
        return len(self._entries)

    def first(self) -> Entry | None:
        return self._entries[0] if self._entries else None

    def contains(self, sequence: int) -> bool:
        index = bisect_left(self._sequences, sequence)
        return index < len(self._sequences) and self._sequences[index] == sequence

    def after_time(self, moment: float) -> int:
        """The position just before the first record that arrived at or after ``moment``."""
        index = bisect_left(self._arrivals, moment)
        if index == 0:
            return self.trimmed_through
        return self._sequences[index - 1]

    def pending(self, after: int) -> int:
        """How many records a reader positioned after ``after`` has not read yet."""
        return len(self._sequences) - bisect_right(self._sequences, after)

    def read(self, after: int, limit: int, max_bytes: int | None = None) -> list[Entry]:
        """Up to ``limit`` records after position ``after``, oldest first, stopping before
        ``max_bytes`` would be passed (but always at least one record when there is one)."""
        start = bisect_right(self._sequences, after)
        if max_bytes is None:
            return self._entries[start:start + limit]
        found: list[Entry] = []
        total = 0
        for entry in self._entries[start:start + limit]:
            if found and total + entry.size > max_bytes:
                break
            found.append(entry)
            total += entry.size
        return found

    def finished(self, after: int) -> bool:
        """Whether a reader after ``after`` has read everything a closed shard will hold."""
        return self.end_sequence is not None and self.pending(after) == 0


__all__ = ["Entry", "ShardLog"]
