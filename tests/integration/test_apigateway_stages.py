"""Stage features beyond routing: access and execution logs into CloudWatch Logs, canary
releases, and AWS service integrations (SQS through its port; others refused)."""

from __future__ import annotations

import json
from typing import Any

from apigateway_support import new_api

from emulator.testing import EmulatorHandle


def _messages(emulator: EmulatorHandle, group: str) -> list[str]:
    events = emulator.client("logs").filter_log_events(logGroupName=group)["events"]
    return [event["message"] for event in events]


def test_access_and_execution_logs_reach_cloudwatch_logs(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/logged")
    api.deploy("dev")
    group = f"/aws/apigateway/{api.id}-access"
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:{emulator.region}:000000000000:log-group:{group}"},
        {"op": "replace", "path": "/accessLogSettings/format",
         "value": '{"requestId":"$context.requestId","status":"$context.status",'
                  '"path":"$context.resourcePath","method":"$context.httpMethod",'
                  '"missing":"$context.authorizer.principalId"}'},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"}])
    reply = api.get("dev", "/logged")
    api.get("dev", "/not-there")
    access = [json.loads(line) for line in _messages(emulator, group)]
    assert access[0] == {"requestId": reply.headers["x-amzn-RequestId"], "status": "200",
                         "path": "/logged", "method": "GET", "missing": "-"}
    assert access[1]["status"] == "403"
    execution = _messages(emulator, f"API-Gateway-Execution-Logs_{api.id}/dev")
    request_id = reply.headers["x-amzn-RequestId"]
    mine = [line for line in execution if line.startswith(f"({request_id})")]
    assert any("HTTP Method: GET, Resource Path: /logged" in line for line in mine)
    assert any("Method completed with status: 200" in line for line in mine)


def test_error_level_execution_logs_only_record_failures(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/ok")
    api.deploy("dev")
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}])
    assert api.get("dev", "/ok").status_code == 200  # a success writes nothing at ERROR
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "0"}])
    throttled = api.get("dev", "/ok")
    assert throttled.status_code == 429
    lines = _messages(emulator, f"API-Gateway-Execution-Logs_{api.id}/dev")
    assert lines and all(line.startswith(f"({throttled.headers['x-amzn-RequestId']})")
                         for line in lines)


def test_canary_traffic_goes_to_the_canary_deployment(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    resource = api.mock("/version", body='{"v": "1", "canary": $context.isCanaryRequest, '
                                         '"var": "$stageVariables.tier"}')
    api.deploy("live", variables={"tier": "main"})
    api.client.update_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="GET", statusCode="200",
        patchOperations=[{"op": "replace", "path": "/responseTemplates/application~1json",
                          "value": '{"v": "2", "canary": $context.isCanaryRequest, '
                                   '"var": "$stageVariables.tier"}'}])
    api.client.create_deployment(restApiId=api.id, stageName="live", canarySettings={
        "percentTraffic": 100.0, "stageVariableOverrides": {"tier": "canary"}})
    assert api.get("live", "/version").json() == {"v": "2", "canary": True, "var": "canary"}
    api.client.update_stage(restApiId=api.id, stageName="live", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0"}])
    assert api.get("live", "/version").json() == {"v": "1", "canary": False, "var": "main"}
    # A deterministic split: requests below the percentage go to the canary.
    gateway: Any = emulator.emulator.services.get("apigateway").gateway
    api.client.update_stage(restApiId=api.id, stageName="live", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "25"}])
    draws = iter([10.0, 60.0])
    gateway.choose = lambda: next(draws)
    try:
        assert api.get("live", "/version").json()["v"] == "2"
        assert api.get("live", "/version").json()["v"] == "1"
    finally:
        gateway.choose = lambda: 100.0


def test_sqs_integration_sends_messages_and_other_services_are_refused(
        emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    queue_url = sqs.create_queue(QueueName="from-api")["QueueUrl"]
    api = new_api(emulator)
    resource = api.method("/enqueue", "POST", {
        "type": "AWS", "integrationHttpMethod": "POST",
        "uri": f"arn:aws:apigateway:{emulator.region}:sqs:path/000000000000/from-api",
        "requestParameters": {"integration.request.header.Content-Type":
                              "'application/x-www-form-urlencoded'"},
        "requestTemplates": {"application/json":
                             "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"}})
    api.client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="POST",
                                   statusCode="200")
    api.client.put_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="POST", statusCode="200",
        responseTemplates={"application/json": '{"id": "$input.path(\'$.SendMessageResponse'
                                               '.SendMessageResult.MessageId\')"}'})
    api.method("/start", "POST", {
        "type": "AWS", "integrationHttpMethod": "POST",
        "uri": f"arn:aws:apigateway:{emulator.region}:swf:action/StartWorkflowExecution"})
    api.deploy("dev")
    sent = api.request("POST", "dev", "/enqueue", json={"order": 1})
    assert sent.status_code == 200, sent.text
    received = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert json.loads(received[0]["Body"]) == {"order": 1}
    assert received[0]["MessageId"] == sent.json()["id"]
    refused = api.request("POST", "dev", "/start", json={})
    assert refused.status_code == 500
    assert refused.json() == {"message": "Internal server error"}


def test_sns_integration_publishes_through_the_topics_port(emulator: EmulatorHandle) -> None:
    topic = emulator.client("sns").create_topic(Name="api-events")["TopicArn"]
    api = new_api(emulator)
    resource = api.method("/publish", "POST", {
        "type": "AWS", "integrationHttpMethod": "POST",
        "uri": f"arn:aws:apigateway:{emulator.region}:sns:action/Publish",
        "requestParameters": {"integration.request.querystring.TopicArn": f"'{topic}'",
                              "integration.request.querystring.Message":
                              "method.request.body"}})
    api.client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="POST",
                                   statusCode="200")
    api.client.put_integration_response(restApiId=api.id, resourceId=resource,
                                        httpMethod="POST", statusCode="200")
    api.deploy("dev")
    published = api.request("POST", "dev", "/publish", json={"hello": "world"})
    assert published.status_code == 200, published.text
    assert published.json()["PublishResponse"]["PublishResult"]["MessageId"]


def test_traced_stage_records_its_segment_and_passes_the_trace_on(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator, name="traced")
    api.mock("/t")
    api.deploy("dev", tracingEnabled=True)
    trace_id = "1-5f84c7a1-0123456789abcdef01234567"
    reply = api.get("dev", "/t", headers={"X-Amzn-Trace-Id": f"Root={trace_id};Sampled=1"})
    assert reply.status_code == 200
    assert reply.headers["X-Amzn-Trace-Id"].startswith(f"Root={trace_id};Parent=")
    traces = emulator.client("xray").batch_get_traces(TraceIds=[trace_id])["Traces"]
    segments = [json.loads(s["Document"]) for s in traces[0]["Segments"]]
    stage = next(s for s in segments if s["origin"] == "AWS::ApiGateway::Stage")
    assert stage["name"] == "traced/dev"
    assert stage["http"]["response"]["status"] == 200
    assert stage["aws"]["api_gateway"]["rest_api_id"] == api.id
    untraced = new_api(emulator)
    untraced.mock("/t")
    untraced.deploy("dev")
    assert "X-Amzn-Trace-Id" not in untraced.get("dev", "/t").headers


def test_eventbridge_integration_puts_events_through_the_buses_port(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    resource = api.method("/events", "POST", {
        "type": "AWS", "integrationHttpMethod": "POST",
        "uri": f"arn:aws:apigateway:{emulator.region}:events:action/PutEvents",
        "requestParameters": {"integration.request.header.X-Amz-Target":
                              "'AWSEvents.PutEvents'"},
        "requestTemplates": {"application/json":
                             '{"Entries": [{"Source": "shop", "DetailType": "order", '
                             '"Detail": "$util.escapeJavaScript($input.body)", '
                             '"EventBusName": "default"}]}'}})
    api.client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="POST",
                                   statusCode="200")
    api.client.put_integration_response(restApiId=api.id, resourceId=resource,
                                        httpMethod="POST", statusCode="200")
    api.deploy("dev")
    reply = api.request("POST", "dev", "/events", json={"id": 1})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["FailedEntryCount"] == 0 and answer["Entries"][0]["EventId"]
