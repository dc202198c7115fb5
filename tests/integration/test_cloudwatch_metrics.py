"""CloudWatch metrics through real clients in each of its protocols: PutMetricData with
values, counts, statistic sets, dimensions, units and high resolution; GetMetricStatistics,
GetMetricData with metric math, ListMetrics; and the errors AWS gives for bad input.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cbor2
import httpx
import pytest
from botocore.exceptions import ClientError
from cloudwatch_support import client_speaking

from emulator.testing import EmulatorHandle

PROTOCOLS = ("json", "smithy-rpc-v2-cbor", "query")


def _namespace() -> str:
    return f"Shop/{uuid.uuid4().hex[:8]}"


def _minute(emulator: EmulatorHandle, back: int = 0) -> datetime:
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    return now.replace(second=0, microsecond=0) - timedelta(minutes=back)


@pytest.fixture(params=PROTOCOLS)
def cloudwatch(request: pytest.FixtureRequest, emulator: EmulatorHandle,
               tmp_path: Path) -> Any:
    if request.param == "json":
        client = emulator.client("cloudwatch")  # what boto3 picks from the model's list
    else:
        client = client_speaking(emulator, request.param, tmp_path)
    assert client.meta.service_model.resolved_protocol == request.param
    return client


def test_values_counts_and_statistic_sets_in_each_protocol(emulator: EmulatorHandle,
                                                          cloudwatch: Any) -> None:
    namespace = _namespace()
    minute = _minute(emulator, back=2)
    dims = [{"Name": "Env", "Value": "prod"}]
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": minute, "Value": 10.0,
         "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": minute + timedelta(
            seconds=5), "Values": [20.0, 30.0], "Counts": [1.0, 2.0], "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": minute + timedelta(
            seconds=10), "StatisticValues": {"SampleCount": 2, "Sum": 100.0, "Minimum": 40.0,
                                             "Maximum": 60.0}, "Unit": "Milliseconds"},
    ])
    stats = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName="Latency", Dimensions=dims,
        StartTime=minute, EndTime=minute + timedelta(minutes=1), Period=60,
        Statistics=["SampleCount", "Sum", "Average", "Minimum", "Maximum"])
    assert stats["Label"] == "Latency"
    [point] = stats["Datapoints"]
    assert point["Timestamp"] == minute
    assert point["SampleCount"] == 6.0
    assert point["Sum"] == 10.0 + 20.0 + 60.0 + 100.0
    assert point["Average"] == pytest.approx(190.0 / 6)
    assert (point["Minimum"], point["Maximum"]) == (10.0, 60.0)
    assert point["Unit"] == "Milliseconds"
    listed = cloudwatch.list_metrics(Namespace=namespace)["Metrics"]
    assert listed == [{"Namespace": namespace, "MetricName": "Latency", "Dimensions": dims}]


def test_percentiles_need_values_and_high_resolution_keeps_seconds(
        emulator: EmulatorHandle) -> None:
    cloudwatch = emulator.client("cloudwatch")
    namespace = _namespace()
    minute = _minute(emulator, back=3)
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Size", "Timestamp": minute + timedelta(seconds=second),
         "Value": float(second), "StorageResolution": 1} for second in range(1, 11)])
    stats = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName="Size", StartTime=minute,
        EndTime=minute + timedelta(minutes=1), Period=60, ExtendedStatistics=["p90", "p50"])
    assert stats["Datapoints"][0]["ExtendedStatistics"] == {"p90": 9.0, "p50": 5.0}
    # One-second periods see each second of a high-resolution metric on its own.
    fine = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName="Size", StartTime=minute,
        EndTime=minute + timedelta(minutes=1), Period=1, Statistics=["Sum"])
    assert sorted(p["Sum"] for p in fine["Datapoints"]) == [float(n) for n in range(1, 11)]


def test_metric_math_over_two_metrics(emulator: EmulatorHandle, cloudwatch: Any) -> None:
    namespace = _namespace()
    start = _minute(emulator, back=5)
    data = []
    for offset, (errors, calls) in enumerate([(1, 10), (0, 20), (5, 25)]):
        stamp = start + timedelta(minutes=offset)
        data += [{"MetricName": "Errors", "Timestamp": stamp, "Value": float(errors)},
                 {"MetricName": "Calls", "Timestamp": stamp, "Value": float(calls)}]
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=data)

    def stat(name: str) -> dict[str, Any]:
        return {"Metric": {"Namespace": namespace, "MetricName": name}, "Period": 60,
                "Stat": "Sum"}

    answer = cloudwatch.get_metric_data(
        StartTime=start, EndTime=start + timedelta(minutes=3), ScanBy="TimestampAscending",
        MetricDataQueries=[
            {"Id": "errors", "MetricStat": stat("Errors"), "ReturnData": False},
            {"Id": "calls", "MetricStat": stat("Calls"), "ReturnData": False},
            {"Id": "rate", "Expression": "100 * errors / calls", "Label": "Error rate"},
            {"Id": "total", "Expression": "SUM(METRICS())"},
            {"Id": "flagged", "Expression": "IF(errors > 0, 1, 0)"},
        ])
    results = {r["Id"]: r for r in answer["MetricDataResults"]}
    assert set(results) == {"rate", "total", "flagged"}
    assert results["rate"]["Label"] == "Error rate"
    assert results["rate"]["Timestamps"] == [start + timedelta(minutes=n) for n in range(3)]
    assert results["rate"]["Values"] == [10.0, 0.0, 20.0]
    assert results["total"]["Values"] == [11.0, 20.0, 30.0]
    assert results["flagged"]["Values"] == [1.0, 0.0, 1.0]
    assert all(r["StatusCode"] == "Complete" for r in results.values())


def test_bad_input_gets_aws_errors(emulator: EmulatorHandle, cloudwatch: Any) -> None:
    namespace = _namespace()
    old = datetime.fromtimestamp(emulator.clock.now(), tz=UTC) - timedelta(days=15)
    with pytest.raises(ClientError) as stale:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
            {"MetricName": "M", "Timestamp": old, "Value": 1.0}])
    # Wording as AWS answers it (seen in many client reports of this error).
    assert stale.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert stale.value.response["Error"]["Message"] == (
        "The parameter MetricData.member.1.Timestamp must specify a time within the past two "
        "weeks.")
    assert stale.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as both:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
            {"MetricName": "M", "Value": 1.0,
             "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])
    assert both.value.response["Error"]["Code"] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as reserved:
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[
            {"MetricName": "M", "Value": 1.0}])
    assert reserved.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as missing:
        cloudwatch.get_metric_statistics(Namespace=namespace, MetricName="M",
                                         StartTime=old, EndTime=old + timedelta(hours=1),
                                         Period=60)
    assert missing.value.response["Error"]["Code"] == "MissingParameter"
    for expression in ("errors +", "NOPE(errors)", "unknown * 2"):
        with pytest.raises(ClientError) as bad_math:
            cloudwatch.get_metric_data(
                StartTime=old, EndTime=old + timedelta(hours=1), MetricDataQueries=[
                    {"Id": "errors", "ReturnData": False, "MetricStat": {
                        "Metric": {"Namespace": namespace, "MetricName": "M"},
                        "Period": 60, "Stat": "Sum"}},
                    {"Id": "e1", "Expression": expression}])
        assert bad_math.value.response["Error"]["Code"] == "ValidationError"
        assert bad_math.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "e1" in bad_math.value.response["Error"]["Message"]


@pytest.mark.parametrize("body", [b"\xa1\x61", b"\xff", b"\x9f" * 10000, b"\xbfaM"])
def test_malformed_cbor_is_a_400_serialization_exception(emulator: EmulatorHandle,
                                                         body: bytes) -> None:
    reply = httpx.post(
        f"{emulator.endpoint_url}/service/GraniteServiceVersion20100801/operation/ListMetrics",
        content=body, headers={
            "smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor",
            "authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/monitoring/"
                             "aws4_request, SignedHeaders=host, Signature=0"})
    assert reply.status_code == 400
    assert reply.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert cbor2.loads(reply.content)["__type"].endswith("#SerializationException")


def test_dashboards_keep_their_body_and_refuse_one_that_is_not_a_json_object(
        emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"""
    cloudwatch = emulator.client("cloudwatch")
    name = f"board-{uuid.uuid4().hex[:8]}"
    body = '{"widgets": []}'
    assert cloudwatch.put_dashboard(DashboardName=name, DashboardBody=body)[
        "DashboardValidationMessages"] == []
    assert cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"] == body
    for bad in ("not json", "[1, 2]", '{"widgets": {}}'):
        with pytest.raises(ClientError) as caught:
            cloudwatch.put_dashboard(DashboardName=name, DashboardBody=bad)
        # The model gives DashboardInvalidInputError the code InvalidParameterInput.
        assert caught.value.response["Error"]["Code"] == "InvalidParameterInput"
    assert cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"] == body
