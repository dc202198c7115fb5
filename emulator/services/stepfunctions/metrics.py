"""What Step Functions publishes to CloudWatch for executions (AWS/States, dimension
StateMachineArn): ExecutionsStarted when one starts, and when it ends ExecutionsSucceeded,
ExecutionsFailed, ExecutionsAborted or ExecutionsTimedOut with ExecutionTime, as
https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html lists them."""

from __future__ import annotations

from emulator.ports import MetricSink

NAMESPACE = "AWS/States"
ENDED = {"SUCCEEDED": "ExecutionsSucceeded", "FAILED": "ExecutionsFailed",
         "ABORTED": "ExecutionsAborted", "TIMED_OUT": "ExecutionsTimedOut"}


def started(sink: MetricSink, account: str, region: str, machine_arn: str) -> None:
    sink.put(account, region, NAMESPACE, "ExecutionsStarted", 1.0,
             dimensions=(("StateMachineArn", machine_arn),), unit="Count")


def ended(sink: MetricSink, account: str, region: str, machine_arn: str, status: str,
          seconds: float) -> None:
    name = ENDED.get(status)
    if name is None:
        return
    dimensions = (("StateMachineArn", machine_arn),)
    sink.put(account, region, NAMESPACE, name, 1.0, dimensions=dimensions, unit="Count")
    sink.put(account, region, NAMESPACE, "ExecutionTime", max(0.0, seconds * 1000),
             dimensions=dimensions, unit="Milliseconds")


__all__ = ["NAMESPACE", "ended", "started"]
