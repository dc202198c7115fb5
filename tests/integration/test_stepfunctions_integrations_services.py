"""SNS, EventBridge, the HTTP Task and AWS SDK tasks."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from apigateway_support import new_api
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, http_server, receive, start, types, unique, wait_for_event

# A request-response task's events, as AWS's execution history shows them.
REQUEST_RESPONSE = ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                    "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]


def _task(client: Any, resource: str, parameters: dict[str, Any], **extra: Any) -> str:
    return machine(client, unique("task"), {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": resource, "Parameters": parameters, "End": True,
        **extra}}})


def _subscribed_queue(emulator: Any) -> tuple[Any, str, str]:
    """A topic delivering raw messages to a new queue: (sqs client, queue URL, topic ARN)."""
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("inbox"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    return sqs, url, topic


def test_sns_publish_delivers_to_subscribers(emulator: Any) -> None:
    sqs, url, topic = _subscribed_queue(emulator)
    client = sfn(emulator)
    arn = _task(client, "arn:aws:states:::sns:publish",
                {"TopicArn": topic, "Message.$": "$", "Subject": "order"})
    execution = start(client, arn, {"order": 11})
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    message_id = json.loads(done["output"])["MessageId"]
    assert message_id
    assert json.loads(receive(sqs, url)["Body"]) == {"order": 11}
    assert types(client, execution) == REQUEST_RESPONSE


def test_sns_publish_to_a_missing_topic(emulator: Any) -> None:
    client = sfn(emulator)
    missing = f"arn:aws:sns:us-east-1:000000000000:{unique('absent')}"
    arn = _task(client, "arn:aws:states:::sns:publish", {"TopicArn": missing, "Message": "x"})
    done = finished(client, start(client, arn))
    assert done["status"] == "FAILED"
    assert done["error"] == "SNS.NotFoundException"


def test_sns_publish_wait_for_task_token(emulator: Any) -> None:
    sqs, url, topic = _subscribed_queue(emulator)
    client = sfn(emulator)
    arn = _task(client, "arn:aws:states:::sns:publish.waitForTaskToken",
                {"TopicArn": topic, "Message": {"token.$": "$$.Task.Token"}})
    execution = start(client, arn)
    token = json.loads(receive(sqs, url)["Body"])["token"]
    client.send_task_success(taskToken=token, output='"done"')
    assert json.loads(finished(client, execution)["output"]) == "done"
    assert types(client, execution)[4:6] == ["TaskSubmitted", "TaskSucceeded"]


def test_eventbridge_put_events_reaches_rule_targets(emulator: Any) -> None:
    client = sfn(emulator)
    events = emulator.client("events")
    source = unique("shop.orders")
    target = machine(client, unique("on-order"), {"StartAt": "Got", "States": {
        "Got": {"Type": "Pass", "End": True}}})
    rule = unique("orders")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{
        "Id": "machine", "Arn": target, "RoleArn": "arn:aws:iam::000000000000:role/events"}])
    arn = _task(client, "arn:aws:states:::events:putEvents", {"Entries": [{
        "Source": source, "DetailType": "OrderPlaced", "Detail": {"order.$": "$.order"}}]})
    execution = start(client, arn, {"order": 3})
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["FailedEntryCount"] == 0 and output["Entries"][0]["EventId"]
    assert types(client, execution) == REQUEST_RESPONSE
    for _ in range(500):  # the rule starts the target machine in the background
        started = client.list_executions(stateMachineArn=target)["executions"]
        if started:
            break
        time.sleep(0.01)
    delivered = json.loads(client.describe_execution(
        executionArn=started[0]["executionArn"])["input"])
    assert (delivered["source"], delivered["detail"]) == (source, {"order": 3})
    # The optimized integration adds the state machine and the execution to the event
    # (https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html), state
    # machine first as in the event AWS delivered in the sfn-eventbridge sample of
    # https://github.com/aws-samples/serverless-patterns (its README's "resources").
    assert delivered["resources"] == [arn, execution]


def test_eventbridge_failed_entries_fail_the_task(emulator: Any) -> None:
    client = sfn(emulator)
    arn = _task(client, "arn:aws:states:::events:putEvents", {"Entries": [{
        "Source": "shop", "DetailType": "X", "Detail": {},
        "EventBusName": unique("no-such-bus")}]})
    done = finished(client, start(client, arn))
    assert (done["status"], done["error"]) == ("FAILED", "EventBridge.FailedEntry")
    assert json.loads(done["cause"])["FailedEntryCount"] == 1


def test_http_task_calls_the_endpoint(emulator: Any) -> None:
    client = sfn(emulator)
    with http_server(body={"id": 42, "status": "created"}) as server:
        arn = _task(client, "arn:aws:states:::http:invoke", {
            "ApiEndpoint": f"{server.url}/orders",  # type: ignore[attr-defined]
            "Method": "POST",
            "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:000000000000:"
                                                "connection/shop/0000"},
            "Headers": {"x-shop": "yes"}, "QueryParameters": {"dry": "false"},
            "RequestBody": {"item.$": "$.item"}})
        execution = start(client, arn, {"item": "lamp"})
        done = finished(client, execution)
        assert done["status"] == "SUCCEEDED", done
        output = json.loads(done["output"])
        assert (output["StatusCode"], output["StatusText"]) == (200, "OK")
        assert output["ResponseBody"] == {"id": 42, "status": "created"}
        assert output["Headers"]["content-type"] == ["application/json"]
        sent = server.requests[0]
        assert (sent["method"], sent["path"]) == ("POST", "/orders?dry=false")
        assert json.loads(sent["body"]) == {"item": "lamp"}
        assert sent["headers"]["x-shop"] == "yes"
        assert sent["headers"]["User-Agent"].startswith("Amazon|StepFunctions|HttpInvoke|")
        scheduled = detail(wait_for_event(client, execution, "TaskScheduled")[0])
        assert (scheduled["resourceType"], scheduled["resource"]) == ("http", "invoke")
        assert types(client, execution) == REQUEST_RESPONSE


def test_http_task_errors_name_the_status(emulator: Any) -> None:
    client = sfn(emulator)
    with http_server(status=503, body={"message": "busy"}) as server:
        arn = _task(client, "arn:aws:states:::http:invoke", {
            "ApiEndpoint": server.url, "Method": "GET",  # type: ignore[attr-defined]
            "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:000000000000:"
                                                "connection/c/1"}},
            Retry=[{"ErrorEquals": ["States.Http.StatusCode.503"], "MaxAttempts": 1,
                    "IntervalSeconds": 1}])
        execution = start(client, arn)
        wait_for_event(client, execution, "TaskFailed")
        emulator.clock.advance(1)
        done = finished(client, execution)
        assert (done["status"], done["error"]) == ("FAILED", "States.Http.StatusCode.503")
        assert json.loads(done["cause"])["ResponseBody"] == {"message": "busy"}
        assert len(server.requests) == 2
    closed = _task(client, "arn:aws:states:::http:invoke", {
        "ApiEndpoint": "http://127.0.0.1:9/", "Method": "GET",
        "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:000000000000:"
                                            "connection/c/1"}})
    assert finished(client, start(client, closed))["error"] == "States.Http.Socket"


def test_aws_sdk_tasks_call_implemented_services(emulator: Any) -> None:
    client = sfn(emulator)
    name = unique("sdk")
    arn = machine(client, unique("sdk"), {"StartAt": "Create", "States": {
        "Create": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:createQueue",
                   "Parameters": {"QueueName": name, "Attributes": {"DelaySeconds": "0"}},
                   "ResultPath": "$.queue", "Next": "Send"},
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
                 "Parameters": {"QueueUrl.$": "$.queue.QueueUrl", "MessageBody": "hello"},
                 "ResultPath": "$.sent", "Next": "Describe"},
        "Describe": {"Type": "Task",
                     "Resource": "arn:aws:states:::aws-sdk:sfn:describeStateMachine",
                     "Parameters": {"StateMachineArn.$": "$$.StateMachine.Id"},
                     "ResultSelector": {"name.$": "$.Name", "created.$": "$.CreationDate"},
                     "ResultPath": "$.machine", "End": True}}})
    execution = start(client, arn)
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["queue"]["QueueUrl"].endswith(f"/000000000000/{name}")
    assert output["sent"]["MessageId"]
    assert output["machine"]["name"].startswith("sdk-")
    assert output["machine"]["created"].endswith("Z")  # ISO-8601, as SDK tasks write dates
    sqs = emulator.client("sqs")
    assert receive(sqs, output["queue"]["QueueUrl"])["Body"] == "hello"
    scheduled = detail(wait_for_event(client, execution, "TaskScheduled")[0])
    assert (scheduled["resourceType"], scheduled["resource"]) == ("aws-sdk:sqs", "createQueue")


def test_aws_sdk_errors_are_named_for_the_service(emulator: Any) -> None:
    client = sfn(emulator)
    missing = machine(client, unique("sdk-error"), {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
              "Parameters": {"QueueName": unique("absent")},
              "Catch": [{"ErrorEquals": ["Sqs.QueueDoesNotExistException"],
                         "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Succeed"}}})
    done = finished(client, start(client, missing))
    assert done["status"] == "SUCCEEDED", done
    caught = json.loads(done["output"])
    assert caught["Error"] == "Sqs.QueueDoesNotExistException"
    assert "(Service: Sqs, Status Code: 400" in caught["Cause"]
    invalid = _task(client, "arn:aws:states:::aws-sdk:sqs:getQueueUrl", {})
    failed = finished(client, start(client, invalid))
    assert failed["error"].startswith("Sqs.")
    no_table = _task(client, "arn:aws:states:::aws-sdk:dynamodb:getItem",
                     {"TableName": unique("absent"), "Key": {"id": {"S": "1"}}})
    failed = finished(client, start(client, no_table))
    assert failed["error"] == "DynamoDb.ResourceNotFoundException"
    not_here = _task(client, "arn:aws:states:::aws-sdk:glue:getDatabase", {"Name": "db"})
    failed = finished(client, start(client, not_here))
    assert failed["error"] == "Glue.GlueException"
    assert "not implemented" in failed["cause"]


def test_unknown_resources_are_refused_at_creation(emulator: Any) -> None:
    client = sfn(emulator)
    for resource in ("arn:aws:states:::aws-sdk:sqs:noSuchAction",
                     "arn:aws:states:::aws-sdk:notaservice:doIt",
                     "arn:aws:states:::aws-sdk:sqs:sendMessage.sync",
                     "arn:aws:states:::lambda:invoke.sync"):
        with pytest.raises(ClientError) as refused:
            _task(client, resource, {})
        assert refused.value.response["Error"]["Code"] == "InvalidDefinition"
        assert refused.value.response["Error"]["Message"] == (
            f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided "
            f"{resource} is not recognized. The value is not a valid resource ARN, or the "
            "resource is not available in this region. at /States/T/Resource'"
        )


def test_api_gateway_invoke_calls_the_api_and_fails_on_an_error_status(emulator: Any) -> None:
    # The answer is {Headers, ResponseBody, StatusCode, StatusText}; an HTTP error status fails
    # the task with ApiGateway.<status>
    # (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html).
    api = new_api(emulator)
    api.mock("/pets", body='{"pets": ["rex"], "q": "$input.params(\'kind\')"}')
    api.deploy("prod")
    client = sfn(emulator)
    endpoint = f"{api.id}.execute-api.{emulator.region}.amazonaws.com"
    arn = _task(client, "arn:aws:states:::apigateway:invoke", {
        "ApiEndpoint": endpoint, "Method": "GET", "Stage": "prod", "Path.$": "$.path",
        "QueryParameters": {"kind": ["dog"]}, "AuthType": "IAM_ROLE"})
    done = finished(client, start(client, arn, {"path": "/pets"}))
    output = json.loads(done["output"])
    assert (output["StatusCode"], output["StatusText"]) == (200, "OK")
    assert output["ResponseBody"] == {"pets": ["rex"], "q": "dog"}
    assert output["Headers"]["content-type"] == ["application/json"]
    missing = finished(client, start(client, arn, {"path": "/nowhere"}))
    assert (missing["status"], missing["error"]) == ("FAILED", "ApiGateway.403")
    assert json.loads(missing["cause"])["StatusCode"] == 403
