"""The X-Ray API through boto3: segments in, traces, summaries and graphs out, in AWS's
shapes; sampling rules, groups, tags, encryption and telemetry; retention and the size cap."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from client_errors import code_and_message as error_of
from xray_support import XrayEmulator, running

NOW = time.time()


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    yield from running()


@pytest.fixture
def client(xray: XrayEmulator) -> Any:
    xray.reset()
    return xray.client()


def tid(n: int, when: float = NOW) -> str:
    return f"1-{int(when):08x}-{n:024x}"


def sid(n: int) -> str:
    return f"{n:016x}"


def segment(n: int, name: str = "api", start: float = NOW, duration: float = 0.1,
            **fields: Any) -> dict[str, Any]:
    return {"name": name, "id": sid(n), "trace_id": tid(n, start), "start_time": start,
            "end_time": start + duration, **fields}


def put(client: Any, *documents: dict[str, Any]) -> list[dict[str, Any]]:
    reply = client.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in documents])
    return list(reply["UnprocessedTraceSegments"])


# -- PutTraceSegments ------------------------------------------------------------------


def test_put_trace_segments_reports_each_invalid_document(client: Any) -> None:
    good = segment(1)
    cases = {
        "MissingId": {k: v for k, v in segment(2).items() if k != "id"},
        "InvalidId": {**segment(3), "id": "xyz"},
        "MissingTraceId": {k: v for k, v in segment(4).items() if k != "trace_id"},
        "InvalidTraceId": {**segment(5), "trace_id": "2-abc"},
        "MissingName": {k: v for k, v in segment(6).items() if k != "name"},
        "InvalidName": {**segment(7), "name": "bad<name>"},
        "MissingStartTime": {k: v for k, v in segment(8).items() if k != "start_time"},
        "MissingEndTime": {k: v for k, v in segment(9).items() if k != "end_time"},
        "InvalidEndTime": {**segment(10), "end_time": NOW - 10},
        "MissingParentId": {**segment(11), "type": "subsegment"},
    }
    unprocessed = put(client, good, *cases.values())
    by_code = {u["ErrorCode"]: u for u in unprocessed}
    assert set(by_code) == set(cases)
    assert by_code["InvalidName"] == {"Id": sid(7), "ErrorCode": "InvalidName",
                                      "Message": "Invalid segment. ErrorCode: InvalidName"}
    assert by_code["MissingParentId"]["Message"] == (
        "Invalid subsegment. ErrorCode: MissingParentId")
    raw = client.put_trace_segments(TraceSegmentDocuments=["{not json", "[]",
                                                           "x" * 70_000])
    assert [u["ErrorCode"] for u in raw["UnprocessedTraceSegments"]] == [
        "MalformedJson", "MalformedJson", "SegmentTooLarge"]
    traces = client.batch_get_traces(TraceIds=[tid(1), tid(2)])
    assert [t["Id"] for t in traces["Traces"]] == [tid(1)]
    assert traces["UnprocessedTraceIds"] == [tid(2)]


def test_batch_get_traces_shape_with_inferred_segments(client: Any) -> None:
    doc = segment(1, duration=0.5, subsegments=[
        {"name": "SQS", "id": sid(0x10), "namespace": "aws", "start_time": NOW + 0.1,
         "end_time": NOW + 0.2, "aws": {"operation": "SendMessage"}}])
    assert put(client, doc) == []
    trace = client.batch_get_traces(TraceIds=[tid(1)])["Traces"][0]
    assert trace["Id"] == tid(1) and trace["Duration"] == 0.5 and not trace["LimitExceeded"]
    segments = {s["Id"]: json.loads(s["Document"]) for s in trace["Segments"]}
    assert json.loads(json.dumps(doc)) == segments[sid(1)]
    inferred = next(s for s in segments.values() if s.get("inferred"))
    assert inferred["name"] == "SQS" and inferred["origin"] == "AWS::SQS::Queue"
    assert inferred["parent_id"] == sid(0x10) and inferred["aws"]["operation"] == "SendMessage"


# -- GetTraceSummaries -----------------------------------------------------------------


def test_trace_summary_shape(client: Any) -> None:
    doc = segment(1, duration=1.0, user="alice", fault=True,
                  http={"request": {"method": "GET", "url": "https://x/a", "user_agent": "ua",
                                    "client_ip": "10.1.1.1"}, "response": {"status": 502}},
                  annotations={"customer": "acme", "items": 2, "vip": True},
                  aws={"account_id": "000000000000"},
                  subsegments=[{"name": "db", "id": sid(0x11), "start_time": NOW + 0.1,
                                "end_time": NOW + 0.9, "fault": True, "cause": {
                                    "exceptions": [{"id": sid(0x12), "type": "IOError",
                                                    "message": "disk"}]}}])
    put(client, doc)
    summary = client.get_trace_summaries(StartTime=NOW - 60, EndTime=NOW + 60)
    assert summary["TracesProcessedCount"] == 1 and "ApproximateTime" in summary
    item = summary["TraceSummaries"][0]
    assert item["Id"] == tid(1) and item["Duration"] == 1.0 and item["ResponseTime"] == 1.0
    assert (item["HasFault"], item["HasError"], item["HasThrottle"], item["IsPartial"]) == (
        True, False, False, False)
    assert item["Http"] == {"HttpURL": "https://x/a", "HttpStatus": 502, "HttpMethod": "GET",
                            "UserAgent": "ua", "ClientIp": "10.1.1.1"}
    service = {"Name": "api", "Names": ["api"], "AccountId": "000000000000"}
    assert item["Annotations"]["customer"] == [
        {"AnnotationValue": {"StringValue": "acme"}, "ServiceIds": [service]}]
    assert item["Annotations"]["items"][0]["AnnotationValue"] == {"NumberValue": 2.0}
    assert item["Annotations"]["vip"][0]["AnnotationValue"] == {"BooleanValue": True}
    assert item["Users"] == [{"UserName": "alice", "ServiceIds": [service]}]
    assert item["ServiceIds"] == [service] and item["EntryPoint"] == service
    cause = item["FaultRootCauses"][0]
    assert cause["ClientImpacting"] is True
    path = cause["Services"][0]["EntityPath"]
    assert [e["Name"] for e in path] == ["api", "db"]
    assert path[1]["Exceptions"] == [{"Name": "IOError", "Message": "disk"}]
    assert item["ResponseTimeRootCauses"][0]["Services"][0]["Name"] == "api"


def test_time_range_types_and_pagination(client: Any, xray: XrayEmulator) -> None:
    old = NOW - 3600
    put(client, segment(1, start=old), segment(2, start=NOW))
    summaries = client.get_trace_summaries(StartTime=NOW - 60, EndTime=NOW + 60)
    assert [s["Id"] for s in summaries["TraceSummaries"]] == [tid(2)]
    event = client.get_trace_summaries(StartTime=NOW - 60, EndTime=time.time() + 60,
                                       TimeRangeType="Event")["TraceSummaries"]
    assert {s["Id"] for s in event} == {tid(1, old), tid(2)}
    assert all("MatchedEventTime" in s for s in event)
    service = client.get_trace_summaries(StartTime=old - 1, EndTime=old + 1,
                                         TimeRangeType="Service")["TraceSummaries"]
    assert [s["Id"] for s in service] == [tid(1, old)]

    put(client, *[segment(100 + i, start=NOW + i / 1000) for i in range(230)])
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = client.get_trace_summaries(StartTime=NOW - 1, EndTime=NOW + 60,
                                          FilterExpression='service("api")', **kwargs)
        pages += 1
        seen.extend(s["Id"] for s in page["TraceSummaries"])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 231
    paginator = client.get_paginator("get_trace_summaries")
    total = sum(len(p["TraceSummaries"]) for p in paginator.paginate(
        StartTime=NOW - 1, EndTime=NOW + 60))
    assert total == 231
    sampled = client.get_trace_summaries(StartTime=NOW - 1, EndTime=NOW + 60, Sampling=True,
                                         SamplingStrategy={"Name": "FixedRate", "Value": 0.1})
    assert 0 < len(sampled["TraceSummaries"]) < 100
    assert error_of(client.get_trace_summaries, StartTime=NOW, EndTime=NOW + 1,
                    NextToken="garbage")[0] == "InvalidRequestException"
    assert error_of(client.get_trace_summaries, StartTime=NOW + 10, EndTime=NOW) == (
        "InvalidRequestException", "StartTime must be before EndTime.")


def test_invalid_filter_expression_is_an_invalid_request(client: Any) -> None:
    code, message = error_of(client.get_trace_summaries, StartTime=NOW - 60,
                             EndTime=NOW + 60, FilterExpression="responsetime >")
    assert code == "InvalidRequestException"
    assert message == "Invalid filter expression: unexpected end of expression"


# -- graphs and statistics -------------------------------------------------------------


def _two_services(client: Any) -> None:
    for n in range(1, 4):
        api = segment(n, "frontend", duration=0.3, origin="AWS::EC2::Instance",
                      http={"response": {"status": 200}}, subsegments=[
                          {"name": "backend", "id": sid(0x100 + n), "namespace": "remote",
                           "start_time": NOW + 0.05, "end_time": NOW + 0.25,
                           "fault": n == 3}])
        backend = segment(0x200 + n, "backend", start=NOW + 0.06, duration=0.18,
                          fault=n == 3, parent_id=sid(0x100 + n))
        backend["trace_id"] = tid(n)
        assert put(client, api, backend) == []


def _statistics_shape(stats: dict[str, Any]) -> None:
    assert set(stats) == {"OkCount", "ErrorStatistics", "FaultStatistics", "TotalCount",
                          "TotalResponseTime"}
    assert set(stats["ErrorStatistics"]) == {"ThrottleCount", "OtherCount", "TotalCount"}
    assert set(stats["FaultStatistics"]) == {"OtherCount", "TotalCount"}


def test_service_graph_nodes_edges_and_statistics(client: Any) -> None:
    _two_services(client)
    graph = client.get_service_graph(StartTime=NOW - 60, EndTime=NOW + 60)
    assert graph["ContainsOldGroupVersions"] is False
    services = {(s["Name"], s.get("Type")): s for s in graph["Services"]}
    client_node = services[("frontend", "client")]
    frontend = services[("frontend", "AWS::EC2::Instance")]
    backend = services[("backend", None)]
    assert client_node["State"] == "unknown" and "SummaryStatistics" not in client_node
    assert [e["ReferenceId"] for e in client_node["Edges"]] == [frontend["ReferenceId"]]
    assert frontend["Root"] is True and frontend["State"] == "active"
    _statistics_shape(frontend["SummaryStatistics"])
    assert frontend["SummaryStatistics"]["TotalCount"] == 3
    assert frontend["ResponseTimeHistogram"] == [{"Value": 0.3, "Count": 3}]
    assert frontend["DurationHistogram"] == [{"Value": 0.3, "Count": 3}]
    edge = frontend["Edges"][0]
    assert edge["ReferenceId"] == backend["ReferenceId"] and edge["Aliases"] == []
    _statistics_shape(edge["SummaryStatistics"])
    assert edge["SummaryStatistics"]["OkCount"] == 2
    assert edge["SummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1
    assert edge["ResponseTimeHistogram"] == [{"Value": 0.2, "Count": 3}]
    assert backend["SummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1

    trace_graph = client.get_trace_graph(TraceIds=[tid(3)])["Services"]
    assert {s["Name"] for s in trace_graph} == {"frontend", "backend"}

    client.create_group(GroupName="faults", FilterExpression="fault")
    grouped = client.get_service_graph(StartTime=NOW - 60, EndTime=NOW + 60,
                                       GroupName="faults")["Services"]
    frontend = next(s for s in grouped if s.get("Type") == "AWS::EC2::Instance")
    assert frontend["SummaryStatistics"]["TotalCount"] == 1


def test_time_series_service_statistics(client: Any) -> None:
    _two_services(client)
    edges = client.get_time_series_service_statistics(StartTime=NOW - 600, EndTime=NOW + 600)
    entry = edges["TimeSeriesServiceStatistics"][0]
    assert entry["Timestamp"].timestamp() % 60 == 0
    _statistics_shape(entry["EdgeSummaryStatistics"])
    assert entry["EdgeSummaryStatistics"]["TotalCount"] == 3
    services = client.get_time_series_service_statistics(
        StartTime=NOW - 600, EndTime=NOW + 600, Period=300, ForecastStatistics=True,
        EntitySelectorExpression='service("backend")')["TimeSeriesServiceStatistics"]
    assert services[0]["ServiceSummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1
    assert services[0]["ServiceForecastStatistics"] == {"FaultCountHigh": 1, "FaultCountLow": 1}
    assert error_of(client.get_time_series_service_statistics, StartTime=NOW - 600,
                    EndTime=NOW, Period=45)[0] == "InvalidRequestException"
    assert error_of(client.get_time_series_service_statistics, StartTime=NOW - 600,
                    EndTime=NOW, EntitySelectorExpression="fault")[0] == (
        "InvalidRequestException")


# -- sampling rules --------------------------------------------------------------------

RULE = {"RuleName": "orders", "ResourceARN": "*", "Priority": 10, "FixedRate": 0.5,
        "ReservoirSize": 2, "ServiceName": "orders", "ServiceType": "*", "Host": "*",
        "HTTPMethod": "GET", "URLPath": "/orders/*", "Version": 1}


def test_sampling_rule_life_cycle(client: Any, xray: XrayEmulator) -> None:
    default = client.get_sampling_rules()["SamplingRuleRecords"]
    assert [r["SamplingRule"]["RuleName"] for r in default] == ["Default"]
    rule = default[0]["SamplingRule"]
    assert (rule["FixedRate"], rule["ReservoirSize"], rule["Priority"]) == (0.05, 1, 10000)
    assert rule["RuleARN"] == f"arn:aws:xray:{xray.region}:000000000000:sampling-rule/Default"

    created = client.create_sampling_rule(SamplingRule=RULE, Tags=[
        {"Key": "team", "Value": "shop"}])["SamplingRuleRecord"]
    arn = created["SamplingRule"]["RuleARN"]
    assert created["SamplingRule"]["URLPath"] == "/orders/*"
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "team", "Value": "shop"}]
    names = [r["SamplingRule"]["RuleName"]
             for r in client.get_sampling_rules()["SamplingRuleRecords"]]
    assert names == ["orders", "Default"]
    assert error_of(client.create_sampling_rule, SamplingRule=RULE)[0] == (
        "InvalidRequestException")
    assert error_of(client.create_sampling_rule, SamplingRule={**RULE, "RuleName": "v2",
                                                               "Version": 2})[0] == (
        "InvalidRequestException")

    updated = client.update_sampling_rule(SamplingRuleUpdate={
        "RuleARN": arn, "FixedRate": 0.25})["SamplingRuleRecord"]
    assert updated["SamplingRule"]["FixedRate"] == 0.25
    assert updated["ModifiedAt"] >= updated["CreatedAt"]
    assert error_of(client.update_sampling_rule, SamplingRuleUpdate={
        "RuleName": "Default", "ServiceName": "x"})[0] == "InvalidRequestException"
    client.update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "FixedRate": 0.1})
    assert error_of(client.update_sampling_rule, SamplingRuleUpdate={
        "RuleName": "missing", "FixedRate": 0.1})[0] == "InvalidRequestException"
    assert error_of(client.delete_sampling_rule, RuleName="Default")[0] == (
        "InvalidRequestException")
    deleted = client.delete_sampling_rule(RuleName="orders")["SamplingRuleRecord"]
    assert deleted["SamplingRule"]["RuleName"] == "orders"
    assert error_of(client.list_tags_for_resource, ResourceARN=arn)[0] == (
        "ResourceNotFoundException")


def test_sampling_rule_limit_and_validation(client: Any) -> None:
    for n in range(25):
        client.create_sampling_rule(SamplingRule={**RULE, "RuleName": f"r{n}"})
    code, _ = error_of(client.create_sampling_rule, SamplingRule={**RULE, "RuleName": "r25"})
    assert code == "RuleLimitExceededException"
    code, _ = error_of(client.create_sampling_rule,
                       SamplingRule={**RULE, "RuleName": "x", "FixedRate": 2.0})
    assert code == "ValidationException" or code == "InvalidRequestException"


def test_get_sampling_targets_for_unknown_rules(client: Any) -> None:
    reply = client.get_sampling_targets(SamplingStatisticsDocuments=[{
        "RuleName": "nope", "ClientID": "a" * 24, "Timestamp": NOW, "RequestCount": 1,
        "SampledCount": 1}])
    assert reply["SamplingTargetDocuments"] == []
    assert reply["UnprocessedStatistics"][0]["RuleName"] == "nope"


# -- groups, tags, encryption, telemetry -----------------------------------------------


def test_groups(client: Any, xray: XrayEmulator) -> None:
    group = client.create_group(GroupName="slow", FilterExpression="responsetime > 5",
                                Tags=[{"Key": "k", "Value": "v"}])["Group"]
    assert group["GroupARN"].startswith(
        f"arn:aws:xray:{xray.region}:000000000000:group/slow/")
    assert group["InsightsConfiguration"] == {"InsightsEnabled": False,
                                              "NotificationsEnabled": False}
    names = [g["GroupName"] for g in client.get_groups()["Groups"]]
    assert names == ["Default", "slow"]
    assert client.get_group(GroupARN=group["GroupARN"])["Group"]["GroupName"] == "slow"
    assert error_of(client.create_group, GroupName="slow")[0] == "InvalidRequestException"
    code, message = error_of(client.create_group, GroupName="bad", FilterExpression="fault =")
    assert code == "InvalidRequestException" and "Invalid filter expression" in message
    updated = client.update_group(GroupName="slow", FilterExpression="responsetime > 1",
                                  InsightsConfiguration={"InsightsEnabled": True})["Group"]
    assert updated["FilterExpression"] == "responsetime > 1"
    assert updated["InsightsConfiguration"]["InsightsEnabled"] is True

    put(client, segment(1, duration=2.0), segment(2, duration=0.1))
    found = client.get_trace_summaries(StartTime=NOW - 60, EndTime=NOW + 60,
                                       FilterExpression='group.name = "slow"')
    assert [s["Id"] for s in found["TraceSummaries"]] == [tid(1)]

    client.tag_resource(ResourceARN=group["GroupARN"], Tags=[{"Key": "x", "Value": "y"}])
    client.untag_resource(ResourceARN=group["GroupARN"], TagKeys=["k"])
    assert client.list_tags_for_resource(ResourceARN=group["GroupARN"])["Tags"] == [
        {"Key": "x", "Value": "y"}]
    assert error_of(client.tag_resource, ResourceARN=group["GroupARN"],
                    Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(50)])[0] == (
        "TooManyTagsException")
    client.delete_group(GroupName="slow")
    assert error_of(client.get_group, GroupName="slow")[0] == "InvalidRequestException"
    assert error_of(client.delete_group, GroupName="Default")[0] == "InvalidRequestException"


def test_encryption_and_telemetry(client: Any) -> None:
    assert client.get_encryption_config()["EncryptionConfig"] == {"Status": "ACTIVE",
                                                                  "Type": "NONE"}
    put_reply = client.put_encryption_config(Type="KMS", KeyId="alias/xray")
    assert put_reply["EncryptionConfig"]["KeyId"] == "alias/xray"
    assert client.get_encryption_config()["EncryptionConfig"]["Type"] == "KMS"
    assert error_of(client.put_encryption_config, Type="KMS")[0] == "InvalidRequestException"
    client.put_telemetry_records(TelemetryRecords=[{"Timestamp": NOW,
                                                    "SegmentsReceivedCount": 3}],
                                 Hostname="host")


# -- retention and the size cap ---------------------------------------------------------


def test_traces_expire_after_thirty_days_by_the_clock(client: Any, xray: XrayEmulator) -> None:
    put(client, segment(1))
    assert client.batch_get_traces(TraceIds=[tid(1)])["Traces"]
    xray.clock.advance(29 * 86_400)
    assert client.batch_get_traces(TraceIds=[tid(1)])["Traces"]
    xray.clock.advance(2 * 86_400)
    assert client.batch_get_traces(TraceIds=[tid(1)])["UnprocessedTraceIds"] == [tid(1)]
    assert client.get_trace_summaries(StartTime=NOW - 60, EndTime=NOW + 60,
                                      TimeRangeType="TraceId")["TraceSummaries"] == []


def test_the_size_cap_evicts_the_oldest_traces_first() -> None:
    for small in running(xray_max_bytes=4096):
        client = small.client()
        padding = "p" * 900
        for n in range(1, 9):
            put(client, segment(n, annotations={"pad": padding}))
        found = client.batch_get_traces(TraceIds=[tid(n) for n in range(1, 9)])
        ids = [tid(n) for n in range(1, 9)]
        kept = [t["Id"] for t in found["Traces"]]
        # about 1 kB each under a 4 kB cap: the newest few stay, the oldest went first
        assert 2 <= len(kept) <= 4
        assert kept == ids[-len(kept):]
        assert found["UnprocessedTraceIds"] == ids[:-len(kept)]
