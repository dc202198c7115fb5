"""Metric data as CloudWatch keeps it: aggregates per metric, unit and time bucket.

Every value put is folded into the bucket of its timestamp: one second wide for
high-resolution metrics (StorageResolution 1), one minute for the rest. Older data is rolled up
as AWS rolls it up (seconds kept 3 hours, minutes 15 days, five minutes 63 days, hours 455
days), so a query for old data sees what AWS would still have. Samples are kept as value →
count maps so percentiles can be answered; data put as statistic sets cannot give
percentiles, as on AWS. A bucket keeps its first ``EXACT_SAMPLES`` distinct values exactly;
past them, new values are counted in bins 2% wide (each answered as its bin's middle, within 1%
of the value), so a busy minute's memory is bounded instead of one entry per value put
(docs/reliability.md, "Caps on what grows"). Counts, sums, minimums and maximums stay exact.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

Dimensions = tuple[tuple[str, str], ...]  # sorted by name

HOUR = 3600
DAY = 86400
# (age beyond which a bucket is rolled up, the width it is rolled up to)
ROLLUPS = ((3 * HOUR, 60), (15 * DAY, 300), (63 * DAY, HOUR))
RETENTION = 455 * DAY


EXACT_SAMPLES = 256  # distinct values a bucket keeps exactly
# (namespace, dimensions) kept with their series for ``add_values`` before starting over.
KNOWN_NAMES = 4096
_BIN_GROWTH = 1.02  # each bin's upper bound over its lower one
_LOG_BIN_GROWTH = math.log(_BIN_GROWTH)


def binned(value: float) -> float:
    """The middle of the bin ``value`` falls in: within 1% of it, whatever its magnitude."""
    if value == 0 or not math.isfinite(value):
        return value
    index = math.ceil(math.log(abs(value)) / _LOG_BIN_GROWTH)
    middle = 2 * _BIN_GROWTH ** index / (_BIN_GROWTH + 1)
    return math.copysign(middle, value)


@dataclass(frozen=True, slots=True)
class MetricId:
    namespace: str
    name: str
    dimensions: Dimensions = ()

    @staticmethod
    def of(namespace: str, name: str, dimensions: Iterable[tuple[str, str]] = ()) -> MetricId:
        return MetricId(namespace, name, tuple(sorted(dimensions)))


@dataclass(slots=True)
class Aggregate:
    """What CloudWatch keeps of the values in one bucket (or one period of a query)."""

    count: float = 0.0
    total: float = 0.0
    minimum: float = float("inf")
    maximum: float = float("-inf")
    samples: dict[float, float] = field(default_factory=dict)  # value -> how many times
    exact: bool = True  # False once a statistic set was folded in (no percentiles then)

    def add(self, value: float, count: float = 1.0) -> None:
        self.count += count
        self.total += value * count
        if value < self.minimum:
            self.minimum = value
        if value > self.maximum:
            self.maximum = value
        samples = self.samples
        key = value
        if len(samples) >= EXACT_SAMPLES and value not in samples:
            key = binned(value)
        samples[key] = samples.get(key, 0.0) + count

    def add_set(self, count: float, total: float, minimum: float, maximum: float) -> None:
        self.count += count
        self.total += total
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)
        self.exact = False

    def merge(self, other: Aggregate) -> None:
        self.count += other.count
        self.total += other.total
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        for value, count in other.samples.items():
            self.samples[value] = self.samples.get(value, 0.0) + count
        self.exact = self.exact and other.exact


@dataclass(slots=True)
class Series:
    """One metric's buckets: start second → unit → aggregate, with their starts in order."""

    buckets: dict[int, dict[str, Aggregate]] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)
    last_put: float = 0.0

    def bucket(self, start: int, unit: str) -> Aggregate:
        units = self.buckets.get(start)
        if units is None:
            units = self.buckets[start] = {}
            if not self.starts or start > self.starts[-1]:
                self.starts.append(start)
            else:
                bisect.insort(self.starts, start)
        found = units.get(unit)
        if found is None:
            found = units[unit] = Aggregate()
        return found

    def between(self, start: float, end: float) -> Iterator[tuple[int, dict[str, Aggregate]]]:
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        for second in self.starts[low:high]:
            yield second, self.buckets[second]

    def units(self) -> set[str]:
        return {unit for units in self.buckets.values() for unit in units}

    def roll_up(self, now: float) -> None:
        """Fold buckets older than each retention step into wider ones; drop expired ones."""
        if not self.starts or self.starts[0] > now - ROLLUPS[0][0]:
            return
        rolled: dict[int, dict[str, Aggregate]] = {}
        for start in self.starts:
            units = self.buckets[start]
            age = now - start
            if age > RETENTION:
                continue
            width = 1
            for threshold, wider in ROLLUPS:
                if age > threshold:
                    width = wider
            target = start - start % width
            slot = rolled.setdefault(target, {})
            for unit, aggregate in units.items():
                existing = slot.get(unit)
                if existing is None:
                    slot[unit] = aggregate
                elif existing is not aggregate:
                    existing.merge(aggregate)
        self.buckets = rolled
        self.starts = sorted(rolled)


class MetricData:
    """Every metric of one account and region."""

    def __init__(self) -> None:
        self.series: dict[MetricId, Series] = {}
        # (namespace, dimensions as given) -> metric name -> its series, for ``add_values``:
        # the services' own metrics name the same few for every request, so neither the
        # sorted id nor its hash is made again. Forgotten when ``roll_up`` drops a series.
        self._named: dict[tuple[str, Dimensions], dict[str, Series]] = {}

    def put(self, metric: MetricId, timestamp: float, unit: str, *, resolution: int = 60,
            values: Iterable[tuple[float, float]] = (),
            statistics: tuple[float, float, float, float] | None = None) -> None:
        """Fold values (value, count) or a statistic set (count, sum, min, max) into the
        bucket of ``timestamp``."""
        aggregate = self._bucket(metric, timestamp, unit, resolution)
        for value, count in values:
            aggregate.add(value, count)
        if statistics is not None:
            aggregate.add_set(*statistics)

    def add(self, metric: MetricId, timestamp: float, unit: str, value: float) -> None:
        """One value of a standard-resolution metric: ``put`` for the common case, which the
        services' own metrics take for every request."""
        self._bucket(metric, timestamp, unit, 60).add(value)

    def add_values(self, namespace: str, values: Iterable[tuple[str, float, str]],
                   dimension_sets: Iterable[Dimensions], timestamp: float) -> None:
        """Each (name, value, unit) of ``values`` as one standard-resolution value under each
        dimension set: ``add`` for every pair, for the services' per-request metrics."""
        second = int(timestamp)
        start = second - second % 60
        named = self._named
        for dimensions in dimension_sets:
            key = (namespace, dimensions)
            known = named.get(key)
            if known is None:
                if len(named) >= KNOWN_NAMES:
                    named.clear()
                known = named[key] = {}
            for name, value, unit in values:
                series = known.get(name)
                if series is None:
                    metric = MetricId.of(namespace, name, dimensions)
                    series = self.series.get(metric)
                    if series is None:
                        series = self.series[metric] = Series()
                    known[name] = series
                if timestamp > series.last_put:
                    series.last_put = timestamp
                series.bucket(start, unit).add(value)

    def _bucket(self, metric: MetricId, timestamp: float, unit: str,
                resolution: int) -> Aggregate:
        """The aggregate ``timestamp`` falls in, the series made and its last put moved on."""
        series = self.series.get(metric)
        if series is None:
            series = self.series[metric] = Series()
        if timestamp > series.last_put:
            series.last_put = timestamp
        second = int(timestamp)
        return series.bucket(second if resolution < 60 else second - second % 60, unit)

    def periods(self, metric: MetricId, start: float, end: float, period: int,
                unit: str | None = None) -> dict[int, Aggregate]:
        """The data of ``metric`` in [start, end) folded into periods of ``period`` seconds
        counted from ``start``; only periods holding data appear."""
        series = self.series.get(metric)
        found: dict[int, Aggregate] = {}
        if series is None:
            return found
        origin = int(start)
        for second, units in series.between(start, end):
            slot = origin + (second - origin) // period * period
            for bucket_unit, aggregate in units.items():
                if unit is not None and bucket_unit != unit:
                    continue
                into = found.get(slot)
                if into is None:
                    into = found[slot] = Aggregate()
                into.merge(aggregate)
        return found

    def unit_of(self, metric: MetricId, start: float, end: float) -> str | None:
        """The unit the data in the range was put with (the first one, when several)."""
        series = self.series.get(metric)
        if series is None:
            return None
        for _second, units in series.between(start, end):
            for unit in units:
                return unit
        return None

    def roll_up(self, now: float) -> None:
        for metric, series in list(self.series.items()):
            series.roll_up(now)
            if not series.starts:
                del self.series[metric]
                self._named.clear()


__all__ = ["EXACT_SAMPLES", "Aggregate", "Dimensions", "MetricData", "MetricId", "Series",
           "binned"]
