"""Stream shards: the record logs behind Kinesis Data Streams and DynamoDB Streams.

No HTTP and no store here: the services persist what they append, and event-source pollers
read shards through the ports. ``hashing`` places records, ``log`` keeps a shard's records in
order, ``iterators`` makes resumable positions, ``signals`` wakes waiting readers.
"""

from __future__ import annotations

from emulator.shards.iterators import IteratorToken
from emulator.shards.log import Entry, ShardLog
from emulator.shards.signals import Changes

__all__ = ["Changes", "Entry", "IteratorToken", "ShardLog"]
