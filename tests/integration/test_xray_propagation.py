"""Trace context through messaging: SNS to its SQS and Lambda subscribers, SQS event sources,
Lambda's asynchronous invocations and EventBridge targets. Each path ends in one trace whose
segments BatchGetTraces returns with their parent links."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aws_xray_sdk.core import AWSXRayRecorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.models.entity import Entity
from aws_xray_sdk.core.models.trace_header import TraceHeader
from botocore import xform_name
from botocore.exceptions import ClientError
from lambda_support import create_function, unique

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle

# Relays the trace header it ran with to the queue in OUT_URL; fails when asked to.
RELAY = {"app.py": """
    import json, os
    import boto3

    def handler(event, context):
        boto3.client("sqs").send_message(
            QueueUrl=os.environ["OUT_URL"],
            MessageBody=json.dumps({"trace": os.environ.get("_X_AMZN_TRACE_ID"),
                                    "event": event}))
        if "fail" in json.dumps(event):
            raise RuntimeError("asked to fail")
        return "done"
"""}


class Collected:
    """An X-Ray SDK emitter that keeps what the SDK would send to a daemon."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    def send_entity(self, entity: Entity) -> None:
        self.documents.append(entity.serialize())

    def set_daemon_address(self, address: str | None) -> None:
        pass


class Publisher:
    """A client traced by the real aws-xray-sdk: a segment with one ``aws`` subsegment per
    call, whose trace header goes with the call, as the SDK's botocore patch sends it."""

    def __init__(self, emulator: EmulatorHandle, name: str = "publisher") -> None:
        self.emulator = emulator
        self.emitter = Collected()
        self.recorder = AWSXRayRecorder()
        self.recorder.configure(sampling=False, context=Context(), emitter=self.emitter,
                                context_missing="LOG_ERROR")
        self.segment = self.recorder.begin_segment(name)
        self.calls: dict[str, str] = {}  # operation -> subsegment id

    @property
    def trace_id(self) -> str:
        return str(self.segment.trace_id)

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        client = self.emulator.client(service)
        subsegment = self.recorder.begin_subsegment(client.meta.service_model.service_id,
                                                    "aws")
        assert subsegment is not None
        header = TraceHeader(root=self.trace_id, parent=subsegment.id, sampled=1)

        def add_header(request: Any, **_: Any) -> None:
            request.headers["X-Amzn-Trace-Id"] = header.to_header_str()

        client.meta.events.register(f"before-sign.{client.meta.service_model.service_name}."
                                    f"{operation}", add_header)
        try:
            result: dict[str, Any] = getattr(client, xform_name(operation))(**params)
        finally:
            self.recorder.end_subsegment()
        self.calls[operation] = str(subsegment.id)
        return result

    def finish(self) -> None:
        """End the segment and store it, as the daemon would."""
        self.recorder.end_segment()
        reply = self.emulator.client("xray").put_trace_segments(
            TraceSegmentDocuments=self.emitter.documents)
        assert reply["UnprocessedTraceSegments"] == []


def _header(parent: str = "53995c3f42cd8ad8") -> tuple[str, str]:
    """A new sampled trace, as a caller traced elsewhere would pass it."""
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    return root, f"Root={root};Parent={parent};Sampled=1"


def _documents(emulator: EmulatorHandle, trace_id: str) -> list[dict[str, Any]]:
    traces = emulator.client("xray").batch_get_traces(TraceIds=[trace_id])["Traces"]
    return [json.loads(s["Document"]) for t in traces for s in t["Segments"]]


def _by_origin(documents: list[dict[str, Any]], origin: str) -> list[dict[str, Any]]:
    return sorted((d for d in documents if d.get("origin") == origin),
                  key=lambda d: d["start_time"])


def _relayed(emulator: EmulatorHandle, queue_url: str, count: int = 1) -> list[dict[str, Any]]:
    sqs = emulator.client("sqs")
    found: list[dict[str, Any]] = []
    while len(found) < count:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=20).get("Messages", [])
        assert messages, f"only {len(found)} of {count} relayed"
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found


class Stack:
    """A relay function and its output queue, removed afterwards."""

    def __init__(self, emulator: EmulatorHandle, **function: Any) -> None:
        self.emulator = emulator
        self.sqs = emulator.client("sqs")
        self.lam = emulator.client("lambda")
        self.out = self.sqs.create_queue(QueueName=unique("out"))["QueueUrl"]
        self.function = create_function(
            self.lam, RELAY, Environment={"Variables": {"OUT_URL": self.out}}, **function)
        self.function_arn = self.lam.get_function(
            FunctionName=self.function)["Configuration"]["FunctionArn"]
        self.queues: list[str] = [self.out]
        self.mappings: list[str] = []

    def queue(self) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
        self.queues.append(url)
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def close(self) -> None:
        for mapping in self.mappings:
            with contextlib.suppress(ClientError):
                self.lam.delete_event_source_mapping(UUID=mapping)
        self.lam.delete_function(FunctionName=self.function)
        for url in self.queues:
            self.sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def stack(emulator: EmulatorHandle) -> Iterator[Stack]:
    made = Stack(emulator)
    yield made
    made.close()
    emulator.clock.reset()


def _lambda_pair(documents: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    (service,) = _by_origin(documents, "AWS::Lambda")
    (function,) = _by_origin(documents, "AWS::Lambda::Function")
    assert function["parent_id"] == service["id"]
    return service, function


def _continues(relayed: dict[str, Any], trace_id: str, function: dict[str, Any]) -> None:
    """The handler ran with _X_AMZN_TRACE_ID naming its function segment as parent."""
    assert relayed["trace"] == f"Root={trace_id};Parent={function['id']};Sampled=1"


# -- SNS ------------------------------------------------------------------------------------


def test_sns_passes_the_publishers_trace_to_sqs_and_lambda_subscribers(
        emulator: EmulatorHandle, stack: Stack) -> None:
    sns = emulator.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    queue_url, queue_arn = stack.queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=stack.function_arn)

    publisher = Publisher(emulator)
    publisher.call("sns", "Publish", TopicArn=topic, Message="hello")
    publisher.finish()
    emulator.wait_idle()

    publish = publisher.calls["Publish"]
    header = f"Root={publisher.trace_id};Parent={publish};Sampled=1"
    (message,) = stack.sqs.receive_message(
        QueueUrl=queue_url, MessageSystemAttributeNames=["AWSTraceHeader"])["Messages"]
    assert message["Attributes"]["AWSTraceHeader"] == header

    documents = _documents(emulator, publisher.trace_id)
    (client,) = [d for d in documents if d["name"] == "publisher"]
    assert client["subsegments"][0]["id"] == publish
    service, function = _lambda_pair(documents)
    assert service["parent_id"] == publish  # the Lambda subscriber joins the publisher's call
    (relayed,) = _relayed(emulator, stack.out)
    assert relayed["event"]["Records"][0]["Sns"]["Message"] == "hello"
    _continues(relayed, publisher.trace_id, function)


def test_sns_takes_the_trace_from_the_awstraceheader_attribute(
        emulator: EmulatorHandle, stack: Stack) -> None:
    sns = emulator.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    queue_url, queue_arn = stack.queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    _, header = _header()
    _, ignored = _header("1111111111111111")

    def http_header(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = ignored

    sns.meta.events.register("before-sign.sns.Publish", http_header)
    sns.publish(TopicArn=topic, Message="raw", MessageAttributes={
        "AWSTraceHeader": {"DataType": "String", "StringValue": header},
        "colour": {"DataType": "String", "StringValue": "red"}})
    emulator.wait_idle()

    (message,) = stack.sqs.receive_message(
        QueueUrl=queue_url, MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"])["Messages"]
    # The system attribute wins over the header, and is no user attribute.
    assert message["Attributes"]["AWSTraceHeader"] == header
    assert set(message["MessageAttributes"]) == {"colour"}


class Hook(BaseHTTPRequestHandler):
    """An HTTP subscriber that keeps each POST's headers and body."""

    received: list[tuple[dict[str, str], str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


def test_sns_sends_the_trace_header_to_http_subscribers(emulator: EmulatorHandle) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sns = emulator.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    try:
        sns.subscribe(TopicArn=topic, Protocol="http",
                      Endpoint=f"http://127.0.0.1:{server.server_address[1]}/hook")
        emulator.wait_idle()
        (confirmation,) = Hook.received
        sns.confirm_subscription(TopicArn=topic, Token=json.loads(confirmation[1])["Token"])
        _, header = _header()
        sns.publish(TopicArn=topic, Message="hook", MessageAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": header}})
        emulator.wait_idle()
        headers, body = Hook.received[-1]
        assert json.loads(body)["Message"] == "hook"
        assert headers["x-amzn-trace-id"] == header
        assert "AWSTraceHeader" not in json.loads(body).get("MessageAttributes", {})
    finally:
        server.shutdown()
        sns.delete_topic(TopicArn=topic)


# -- SQS event sources ----------------------------------------------------------------------


def test_an_sqs_event_source_continues_the_messages_trace(
        emulator: EmulatorHandle, stack: Stack) -> None:
    queue_url, queue_arn = stack.queue()
    publisher = Publisher(emulator, "producer")
    publisher.call("sqs", "SendMessage", QueueUrl=queue_url, MessageBody="work")
    publisher.finish()
    mapping = stack.lam.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=stack.function, BatchSize=1)
    stack.mappings.append(mapping["UUID"])
    (relayed,) = _relayed(emulator, stack.out)
    emulator.wait_idle()

    send = publisher.calls["SendMessage"]
    record = relayed["event"]["Records"][0]
    assert record["attributes"]["AWSTraceHeader"] == (
        f"Root={publisher.trace_id};Parent={send};Sampled=1")
    service, function = _lambda_pair(_documents(emulator, publisher.trace_id))
    assert service["parent_id"] == send
    assert service["http"]["response"]["status"] == 200
    _continues(relayed, publisher.trace_id, function)


def test_sns_to_an_sqs_event_source_is_one_trace(emulator: EmulatorHandle,
                                                 stack: Stack) -> None:
    sns = emulator.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    _, queue_arn = stack.queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    mapping = stack.lam.create_event_source_mapping(EventSourceArn=queue_arn,
                                                    FunctionName=stack.function)
    stack.mappings.append(mapping["UUID"])

    publisher = Publisher(emulator)
    publisher.call("sns", "Publish", TopicArn=topic, Message="fan out")
    publisher.finish()
    (relayed,) = _relayed(emulator, stack.out)
    emulator.wait_idle()

    service, function = _lambda_pair(_documents(emulator, publisher.trace_id))
    assert service["parent_id"] == publisher.calls["Publish"]
    _continues(relayed, publisher.trace_id, function)


# -- Lambda asynchronous invocations --------------------------------------------------------


def _invoke_event(emulator: EmulatorHandle, function: str, header: str) -> None:
    lam = emulator.client("lambda")

    def add_header(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = header

    lam.meta.events.register("before-sign.lambda.Invoke", add_header)
    reply = lam.invoke(FunctionName=function, InvocationType="Event", Payload=b'{"n": 1}')
    assert reply["StatusCode"] == 202


def test_an_event_invocation_is_traced_with_its_dwell_time_and_attempt(
        emulator: EmulatorHandle, stack: Stack) -> None:
    root, header = _header("2222222222222222")
    _invoke_event(emulator, stack.function, header)
    emulator.wait_idle()

    documents = _documents(emulator, root)
    service, function = _lambda_pair(documents)
    assert service["parent_id"] == "2222222222222222"
    assert service["http"]["response"]["status"] == 202  # the time Lambda took to answer
    dwell, attempt = service["subsegments"]
    assert (dwell["name"], attempt["name"]) == ("Dwell Time", "Attempt #1")
    assert service["start_time"] <= dwell["start_time"] <= dwell["end_time"]
    assert dwell["end_time"] <= attempt["start_time"] <= function["start_time"]
    assert function["end_time"] <= attempt["end_time"]
    assert [s["name"] for s in function["subsegments"]][-2:] == ["Invocation", "Overhead"]
    (relayed,) = _relayed(emulator, stack.out)
    assert relayed["event"] == {"n": 1}
    _continues(relayed, root, function)


def test_each_retry_of_an_event_is_an_attempt_in_the_same_trace(
        emulator: EmulatorHandle, stack: Stack) -> None:
    stack.lam.put_function_event_invoke_config(FunctionName=stack.function,
                                               MaximumRetryAttempts=1)
    root, header = _header()
    lam = emulator.client("lambda")

    def add_header(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = header

    lam.meta.events.register("before-sign.lambda.Invoke", add_header)
    lam.invoke(FunctionName=stack.function, InvocationType="Event", Payload=b'"fail"')
    emulator.wait_idle()
    emulator.clock.advance(61)  # the first retry comes a minute later
    emulator.wait_idle()

    documents = _documents(emulator, root)
    (service,) = _by_origin(documents, "AWS::Lambda")
    assert [s["name"] for s in service["subsegments"]] == ["Dwell Time", "Attempt #1",
                                                           "Attempt #2"]
    functions = _by_origin(documents, "AWS::Lambda::Function")
    assert len(functions) == 2
    for function in functions:
        assert function["parent_id"] == service["id"] and function["fault"] is True
    relayed = _relayed(emulator, stack.out, 2)
    assert [r["trace"] for r in relayed] == [
        f"Root={root};Parent={f['id']};Sampled=1" for f in functions]


def test_an_event_invocation_outside_a_sampled_trace_is_not_recorded(
        emulator: EmulatorHandle, stack: Stack) -> None:
    root = f"1-{int(time.time()):08x}-{'7' * 24}"
    _invoke_event(emulator, stack.function, f"Root={root};Parent={'8' * 16};Sampled=0")
    emulator.wait_idle()
    (relayed,) = _relayed(emulator, stack.out)
    # PassThrough: the caller's header reaches the function as it came, and nothing is kept.
    assert relayed["trace"] == f"Root={root};Parent={'8' * 16};Sampled=0"
    assert _documents(emulator, root) == []


# -- EventBridge ----------------------------------------------------------------------------


def test_eventbridge_passes_the_trace_header_to_its_targets(
        emulator: EmulatorHandle, stack: Stack) -> None:
    events = emulator.client("events")
    bus = events.create_event_bus(Name=unique("bus"))["EventBusArn"]
    queue_url, queue_arn = stack.queue()
    rule = unique("rule")
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[
        {"Id": "fn", "Arn": stack.function_arn}, {"Id": "queue", "Arn": queue_arn}])
    try:
        publisher = Publisher(emulator, "checkout")
        publisher.call("events", "PutEvents", Entries=[
            {"Source": "shop", "DetailType": "order", "Detail": "{}", "EventBusName": bus}])
        root, entry_header = _header("3333333333333333")
        events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": "{}",
                                    "EventBusName": bus, "TraceHeader": entry_header}])
        events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": "{}",
                                    "EventBusName": bus, "TraceHeader": "not a header"}])
        publisher.finish()
        emulator.wait_idle()

        put = publisher.calls["PutEvents"]
        messages = stack.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                             MessageSystemAttributeNames=["All"])["Messages"]
        assert sorted(m["Attributes"].get("AWSTraceHeader", "") for m in messages) == sorted([
            f"Root={publisher.trace_id};Parent={put};Sampled=1", entry_header, ""])
        # The header travels beside the event, never inside it.
        assert all("Trace" not in m["Body"] for m in messages)

        service, _ = _lambda_pair(_documents(emulator, publisher.trace_id))
        assert service["parent_id"] == put
        service, _ = _lambda_pair(_documents(emulator, root))
        assert service["parent_id"] == "3333333333333333"
        assert len(_relayed(emulator, stack.out, 3)) == 3
    finally:
        events.remove_targets(Rule=rule, EventBusName=bus, Ids=["fn", "queue"])
        events.delete_rule(Name=rule, EventBusName=bus)
        events.delete_event_bus(Name=bus.split("/")[-1])


def test_eventbridge_trace_reaches_executions_other_buses_and_the_dead_letter_queue(
        emulator: EmulatorHandle, stack: Stack) -> None:
    events, sfn = emulator.client("events"), emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=unique("m"), roleArn="arn:aws:iam::000000000000:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    first = events.create_event_bus(Name=unique("bus"))["EventBusArn"]
    second = events.create_event_bus(Name=unique("bus"))["EventBusArn"]
    forwarded_url, forwarded_arn = stack.queue()
    dead_url, dead_arn = stack.queue()
    region, account = first.split(":")[3:5]
    missing = f"arn:aws:sqs:{region}:{account}:{unique('gone')}"
    pattern = json.dumps({"source": ["shop"]})
    rules = [(unique("rule"), first, [
        {"Id": "sfn", "Arn": machine, "RoleArn": "arn:aws:iam::000000000000:role/r"},
        {"Id": "bus", "Arn": second},
        {"Id": "gone", "Arn": missing, "RetryPolicy": {"MaximumRetryAttempts": 0},
         "DeadLetterConfig": {"Arn": dead_arn}}]),
        (unique("rule"), second, [{"Id": "queue", "Arn": forwarded_arn}])]
    for name, bus, targets in rules:
        events.put_rule(Name=name, EventBusName=bus, EventPattern=pattern)
        events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
    try:
        root, header = _header("4444444444444444")
        events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": "{}",
                                    "EventBusName": first, "TraceHeader": header}])
        emulator.wait_idle()

        (execution,) = _by_origin(_documents(emulator, root),
                                  "AWS::StepFunctions::StateMachine")
        assert execution["parent_id"] == "4444444444444444"
        assert execution["aws"]["state_machine_arn"] == machine
        for url in (forwarded_url, dead_url):
            (message,) = stack.sqs.receive_message(
                QueueUrl=url, MessageSystemAttributeNames=["AWSTraceHeader"])["Messages"]
            assert message["Attributes"]["AWSTraceHeader"] == header
    finally:
        for name, bus, targets in rules:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=[t["Id"] for t in targets])
            events.delete_rule(Name=name, EventBusName=bus)
        for bus in (first, second):
            events.delete_event_bus(Name=bus.split("/")[-1])
        sfn.delete_state_machine(stateMachineArn=machine)


def test_a_stored_event_keeps_its_trace_across_a_restart(tmp_path: Path) -> None:
    settings = {"host": "127.0.0.1", "port": 0, "state_dir": str(tmp_path),
                "xray_daemon_port": -1, "log_level": "warning", "request_log": False}
    root, header = _header("5555555555555555")
    server = BackgroundServer(Settings(**settings)).start()
    first = EmulatorHandle(server)
    try:
        stack = Stack(first)
        # Throttled, so the event is still queued when the server stops.
        stack.lam.put_function_concurrency(FunctionName=stack.function,
                                           ReservedConcurrentExecutions=0)
        _invoke_event(first, stack.function, header)
    finally:
        server.stop()

    server = BackgroundServer(Settings(**settings)).start()
    second = EmulatorHandle(server)
    try:
        second.client("lambda").delete_function_concurrency(FunctionName=stack.function)
        second.wait_idle()
        second.clock.advance(300)  # past the throttling back-off
        second.wait_idle()
        documents = _documents(second, root)
        service, function = _lambda_pair(documents)
        assert service["parent_id"] == "5555555555555555"
        assert [s["name"] for s in service["subsegments"]] == ["Dwell Time", "Attempt #1"]
        (relayed,) = _relayed(second, stack.out)
        _continues(relayed, root, function)
    finally:
        server.stop()
