"""What Lambda publishes to CloudWatch for each invocation, under AWS's names and dimensions:
Invocations, Errors, Duration, Throttles and ConcurrentExecutions in AWS/Lambda, per function
(FunctionName), per qualifier (FunctionName and Resource, with ExecutedVersion for a version)
and across all functions (no dimension), as
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html lists them.
"""

from __future__ import annotations

from emulator.ports import MetricSink
from emulator.runtime.spec import FunctionSpec, InvocationRequest, InvocationResult

NAMESPACE = "AWS/Lambda"
Dimensions = tuple[tuple[str, str], ...]


def dimension_sets(spec: FunctionSpec, invoked_arn: str,
                   executed_version: str | None = None) -> list[Dimensions]:
    """The dimension sets an invocation is counted under."""
    name = spec.function_name
    sets: list[Dimensions] = [(("FunctionName", name),), ()]
    qualifier = invoked_arn.split(":")[7] if invoked_arn.count(":") >= 7 else ""
    if qualifier:
        resource = (("FunctionName", name), ("Resource", f"{name}:{qualifier}"))
        sets.append(resource)
        if executed_version:
            sets.append((("ExecutedVersion", executed_version), *resource))
    return sets


def _put(sink: MetricSink, spec: FunctionSpec, sets: list[Dimensions], name: str, value: float,
         unit: str) -> None:
    sink.put_values(spec.account, spec.region, NAMESPACE, [(name, value, unit)], sets)


def invoked(sink: MetricSink, spec: FunctionSpec, request: InvocationRequest,
            result: InvocationResult, concurrency: int) -> None:
    sets = dimension_sets(spec, request.invoked_arn, result.executed_version)
    values = [("Invocations", 1.0, "Count"),
              ("Errors", 1.0 if result.function_error else 0.0, "Count")]
    timings = result.timings
    began, ended = timings.get("invoke_start"), timings.get("invoke_end")
    if began is not None and ended is not None:
        values.append(("Duration", max(0.0, (ended - began) * 1000), "Milliseconds"))
    sink.put_values(spec.account, spec.region, NAMESPACE, values, sets)
    # Per function and across all functions only, as AWS reports it.
    _put(sink, spec, sets[:2], "ConcurrentExecutions", float(concurrency), "Count")


def throttled(sink: MetricSink, spec: FunctionSpec, request: InvocationRequest) -> None:
    _put(sink, spec, dimension_sets(spec, request.invoked_arn), "Throttles", 1.0, "Count")


def event_age(sink: MetricSink, spec: FunctionSpec, invoked_arn: str, age_ms: float) -> None:
    """AsyncEventAge: how long an asynchronous event waited before this attempt."""
    sets = dimension_sets(spec, invoked_arn)
    _put(sink, spec, sets, "AsyncEventAge", max(0.0, age_ms), "Milliseconds")


def iterator_age(sink: MetricSink, account: str, region: str, function_name: str,
                 age_ms: float) -> None:
    """IteratorAge: how old the last record of a stream batch was when it was handed over."""
    sink.put_values(account, region, NAMESPACE, [("IteratorAge", max(0.0, age_ms), "Milliseconds")],
                    [(("FunctionName", function_name),), ()])


__all__ = ["NAMESPACE", "dimension_sets", "event_age", "invoked",
           "iterator_age", "throttled"]
