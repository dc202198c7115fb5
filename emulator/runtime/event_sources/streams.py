"""Stream event sources: poll every shard of a Kinesis or DynamoDB stream, in order.

One poller per enabled mapping discovers the stream's shards and runs a worker for each, a
child shard only once its parents have been read to their end, as Lambda does after a
reshard. A worker reads a batch after its checkpoint, skips what no filter matches, invokes
the function (stream_batches.BatchRunner handles answers and retries) and moves the
checkpoint on; with ParallelizationFactor N the records are spread over N lanes by partition
key (or item key), so records with the same key keep their order while lanes run at once.

Workers sleep until the stream changes, so a record put is delivered at once; a batching
window, a retry back-off and the end of a tumbling window are waits on the clock. A worker
counts as busy (for ``wait_idle``) while a batch is in progress or records wait for it, but
not while it waits on the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.clock import Clock
from emulator.ports import FunctionInvoker, Ports, ShardedStreams, ShardRecord
from emulator.runtime.event_sources.stream_batches import BatchRunner
from emulator.runtime.event_sources.stream_records import (
    PAYLOAD_LIMIT,
    StreamSource,
    event_record,
    matches,
    payload_size,
)
from emulator.runtime.event_sources.windows import Window

log = logging.getLogger("emulator.lambda")

RESCAN_SECONDS = 60.0  # how long a parked worker sleeps when nothing changes


def _nothing(*_: Any) -> None:
    return None


@dataclass
class StreamHooks:
    """How a poller tells its mapping's owner what it did (to store it)."""

    checkpoint: Callable[[str, int], None] = _nothing  # shard, position processed
    finished: Callable[[str], None] = _nothing  # a closed shard read to its end
    result: Callable[[str], None] = _nothing  # LastProcessingResult


class ShardWorker:
    def __init__(self, poller: StreamPoller, shard_id: str, position: int) -> None:
        self.poller = poller
        self.shard_id = shard_id
        self.base = position  # every record at or before it is handled
        self.done: set[int] = set()  # records after ``base`` already handled (lanes)
        # reading, processing, parked (on the stream) or sleeping (on the clock)
        self.state = "reading"
        self.invoking = 0  # lanes with a batch under way and not sleeping
        self.windows: dict[int, Window] = {}
        self.task: asyncio.Task[None] | None = None
        self.runner = BatchRunner(poller.source, poller.clock, poller.functions, poller.ports,
                                  self._sleep, poller.hooks.result)

    @property
    def source(self) -> StreamSource:
        return self.poller.source

    def busy(self) -> str | None:
        if self.invoking:
            return f"{self.invoking} batch(es) in progress"
        if self.state == "reading":
            return "reading"
        if self.state == "parked" and (self._waiting() or self._closed()):
            return "records waiting"
        return None

    def _waiting(self) -> int:
        source = self.source
        return self.poller.streams.pending(source.stream_arn, self.shard_id, self.base) - len(
            self.done)

    def _closed(self) -> bool:
        shards = self.poller.streams.shards(self.source.stream_arn)
        if shards is None:
            return True
        return next((s.closed for s in shards if s.shard_id == self.shard_id), True)

    async def _sleep(self, seconds: float) -> None:
        self.invoking -= 1
        try:
            await self.poller.clock.sleep(seconds)
        finally:
            self.invoking += 1

    async def _park(self, deadline: float, state: str) -> None:
        self.state = state
        try:
            await self.poller.streams.wait(self.source.stream_arn, deadline)
        finally:
            self.state = "reading"

    # -- reading ---------------------------------------------------------------------------

    def _collect(self) -> list[ShardRecord]:
        """Records after the checkpoint not yet handled, those no filter wants dropped."""
        source = self.source
        want = source.batch_size * source.parallelization
        while True:
            found = self.poller.streams.read(source.stream_arn, self.shard_id, self.base,
                                             want + len(self.done))
            kept: list[ShardRecord] = []
            dropped: list[ShardRecord] = []  # the unwanted records before the first wanted
            for record in found:
                if record.position in self.done:
                    continue
                if matches(source, event_record(source, self.shard_id, record)):
                    kept.append(record)
                elif not kept:
                    dropped.append(record)
            # Unwanted records after a wanted one are dropped once they lead a later read,
            # so the checkpoint never passes a record still to deliver.
            self._handled(dropped)
            if kept or not dropped:
                return kept

    def _handled(self, records: list[ShardRecord]) -> None:
        """Mark records handled and move the checkpoint over what is handled in a row."""
        if not records:
            return
        source = self.source
        if source.parallelization == 1 and not self.done:
            # One lane hands records over in shard order, each run starting right after the
            # checkpoint, so the last one is the new checkpoint.
            self.base = max(self.base, records[-1].position)
            self.poller.hooks.checkpoint(self.shard_id, self.base)
            return
        self.done.update(record.position for record in records)
        moved = False
        while self.done:
            following = self.poller.streams.read(source.stream_arn, self.shard_id, self.base, 1)
            if not following or following[0].position not in self.done:
                break
            self.base = following[0].position
            self.done.discard(self.base)
            moved = True
        if moved:
            self.poller.hooks.checkpoint(self.shard_id, self.base)

    # -- the loop --------------------------------------------------------------------------

    async def run(self) -> None:
        source = self.source
        clock = self.poller.clock
        while True:
            records = self._collect()
            if not records:
                if self._closed() and not self._waiting():
                    await self._close_windows(force=True)
                    self.poller.finish(self.shard_id)
                    return
                if await self._close_windows():
                    continue
                deadline = clock.now() + RESCAN_SECONDS
                opened = [w.end for w in self.windows.values() if w.start is not None]
                await self._park(min([deadline, *opened]), "parked")
                continue
            if source.window > 0 and len(records) < source.batch_size:
                deadline = clock.now() + source.window
                while len(records) < source.batch_size and clock.now() < deadline:
                    await self._park(deadline, "sleeping")
                    records = self._collect()
                if not records:
                    continue
            await self._process(records)

    async def _close_windows(self, force: bool = False) -> bool:
        """Give windows that are over their final invocation; True when one was given."""
        now = self.poller.clock.now()
        due = [w for w in self.windows.values() if w.start is not None
               and (force or w.due(now))]
        if not due:
            return False
        self.invoking += 1
        self.state = "processing"
        try:
            for window in due:
                await self.runner.finish_window(self.shard_id, window)
        finally:
            self.invoking -= 1
            self.state = "reading"
        return True

    def _lanes(self, records: list[ShardRecord]) -> dict[int, list[ShardRecord]]:
        source = self.source
        lanes: dict[int, list[ShardRecord]] = {}
        full: set[int] = set()
        sizes: dict[int, int] = {}
        for record in records:
            lane = 0 if source.parallelization == 1 else zlib.crc32(
                record.key.encode("utf-8", "surrogatepass")) % source.parallelization
            if lane in full:
                continue
            batch = lanes.setdefault(lane, [])
            size = sizes.get(lane, 0) + payload_size(record)
            size_of_window = source.tumbling_window
            starts_new_window = bool(batch) and bool(size_of_window) and (
                record.arrival // size_of_window != batch[0].arrival // size_of_window)
            if len(batch) >= source.batch_size or (batch and size > PAYLOAD_LIMIT) or \
                    starts_new_window:
                full.add(lane)  # later records of this lane wait, to keep key order
                continue
            batch.append(record)
            sizes[lane] = size
        return lanes

    async def _process(self, records: list[ShardRecord]) -> None:
        lanes = self._lanes(records)
        self.invoking += len(lanes)
        self.state = "processing"  # busy while a lane invokes, not while all wait the clock
        try:
            await asyncio.gather(*(self._lane(lane, batch) for lane, batch in lanes.items()))
        finally:
            self.invoking -= len(lanes)
            self.state = "reading"

    async def _lane(self, lane: int, batch: list[ShardRecord]) -> None:
        source = self.source
        window = None
        if source.tumbling_window:
            window = self.windows.setdefault(lane, Window(source.tumbling_window))
            start = window.start_of(batch[0].arrival)
            if window.start is not None and (window.start != start or window.terminated_early):
                await self.runner.finish_window(self.shard_id, window)
            if window.start is None:
                window.open(start)
        await self.runner.run(self.shard_id, batch, window, self._handled)


class StreamPoller:
    def __init__(self, source: StreamSource, clock: Clock, streams: ShardedStreams,
                 functions: FunctionInvoker, ports: Ports,
                 hooks: StreamHooks | None = None) -> None:
        self.source = source
        self.clock = clock
        self.streams = streams
        self.functions = functions
        self.ports = ports
        self.hooks = hooks or StreamHooks()
        self.workers: dict[str, ShardWorker] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def cancel(self) -> None:
        """Stop polling (a batch being processed stops with it). Safe from any thread."""
        tasks = [self._task, *(worker.task for worker in self.workers.values())]
        for task in tasks:
            if task is not None and not task.done():
                loop = task.get_loop()
                if not loop.is_closed():
                    loop.call_soon_threadsafe(task.cancel)

    def busy(self) -> list[str]:
        if self._task is None or self._task.done():
            return []
        name = f"event source {self.source.uuid}"
        found = []
        for shard_id, worker in list(self.workers.items()):
            doing = worker.busy()
            if doing:
                found.append(f"{name} {shard_id}: {doing}")
        return found

    async def _run(self) -> None:
        source = self.source
        while True:
            shards = self.streams.shards(source.stream_arn)
            if shards is None:
                self.hooks.result("PROBLEM: Stream not found")
                await self.clock.sleep(RESCAN_SECONDS)
                continue
            self._discover()
            await self.streams.wait(source.stream_arn, self.clock.now() + RESCAN_SECONDS)

    def _discover(self) -> None:
        """Start a worker for each shard that is due: not started, not finished, and with
        every parent still kept read to its end."""
        source = self.source
        shards = self.streams.shards(source.stream_arn) or []
        present = {shard.shard_id for shard in shards}
        for shard in shards:
            shard_id = shard.shard_id
            if shard_id in self.workers or shard_id in source.finished:
                continue
            if any(parent in present and parent not in source.finished
                   for parent in shard.parents):
                continue
            position = source.checkpoints.get(shard_id)
            if position is None:  # a shard born after the mapping began: read all of it
                position = self.streams.start(source.stream_arn, shard_id, "TRIM_HORIZON")
                source.checkpoints[shard_id] = position
                self.hooks.checkpoint(shard_id, position)
            worker = ShardWorker(self, shard_id, position)
            self.workers[shard_id] = worker
            worker.task = asyncio.get_running_loop().create_task(self._work(worker))

    async def _work(self, worker: ShardWorker) -> None:
        try:
            await worker.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event source %s stopped reading %s", self.source.uuid,
                          worker.shard_id)
            self.workers.pop(worker.shard_id, None)

    def finish(self, shard_id: str) -> None:
        """A worker read its closed shard to the end: its children may start."""
        self.source.finished.add(shard_id)
        self.workers.pop(shard_id, None)
        self.hooks.finished(shard_id)
        with contextlib.suppress(RuntimeError):
            self._discover()


__all__ = ["ShardWorker", "StreamHooks", "StreamPoller"]
