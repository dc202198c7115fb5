"""Engine pieces of the integrations without HTTP: mock configurations, task tokens on a
simulated clock, and the names AWS gives services and errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asl_simclock import EPOCH, SimClock, run_sim

from emulator.asl.errors import StatesError
from emulator.asl.integrations import catalog
from emulator.asl.integrations.base import Call, Services, sdk_metadata
from emulator.asl.integrations.callbacks import CallbackError, Callbacks, new_token
from emulator.asl.integrations.mocks import MockConfig, MockConfigError
from emulator.asl.resources import parse_resource
from emulator.clock import Clock


@pytest.mark.parametrize(("config", "words"), [
    ([], "must be a JSON object"),
    ({"MockedResponses": {"R": {"zero": {"Return": 1}}}}, "is not an invocation index"),
    ({"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}, "overlap"),
    ({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}},
     "exactly one field"),
    ({"MockedResponses": {"R": {"0": {"Throw": {"Cause": "no error"}}}}}, "string Error"),
    ({"StateMachines": {"M": {"TestCases": {"T": {"S": "Missing"}}}}, "MockedResponses": {}},
     "no mocked response named 'Missing'"),
    ({"StateMachines": {"M": {}}}, "TestCases"),
])
def test_malformed_mock_configurations_are_refused(config: Any, words: str) -> None:
    with pytest.raises(MockConfigError) as refused:
        MockConfig(config)
    assert words in str(refused.value)


def test_mock_case_counts_invocations_per_state() -> None:
    config = MockConfig({
        "StateMachines": {"M": {"TestCases": {"T": {"A": "R", "B": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": "first"}, "1-2": {"Throw": {
            "Error": "E", "Cause": "C"}}}},
    })
    case = config.test_case("M", "T")
    first = case.next("A")
    assert first is not None and first.result == "first"
    assert case.next("B") is not None  # each state counts on its own
    second = case.next("A")
    assert second is not None and (second.error, second.cause) == ("E", "C")
    assert case.next("Unmocked") is None
    case.next("A")
    with pytest.raises(StatesError) as exhausted:
        case.next("A")
    assert exhausted.value.error == "States.Runtime"
    with pytest.raises(KeyError):
        config.test_case("M", "Other")


def test_tokens_answer_once() -> None:
    async def scenario() -> None:
        callbacks = Callbacks(SimClock())
        token = new_token()
        pending = callbacks.open(token)
        waiting = asyncio.ensure_future(callbacks.wait(pending))
        await asyncio.sleep(0)
        callbacks.succeed(token, {"ok": True})
        assert await waiting == {"ok": True}
        with pytest.raises(CallbackError) as late:
            callbacks.succeed(token, {})
        assert late.value.code == "TaskTimedOut"
        with pytest.raises(CallbackError) as unknown:
            callbacks.heartbeat(new_token())
        assert unknown.value.code == "TaskDoesNotExist"
        with pytest.raises(CallbackError) as garbage:
            callbacks.fail("garbage", "E", "C")
        assert garbage.value.code == "InvalidToken"

    asyncio.run(scenario())


def test_heartbeats_keep_a_token_alive_until_they_stop() -> None:
    clock = SimClock()
    callbacks = Callbacks(clock)
    beats: list[float] = []

    async def scenario() -> None:
        token = new_token()
        pending = callbacks.open(token, heartbeat=10)

        async def worker() -> None:
            for _ in range(3):
                await clock.sleep(8)
                callbacks.heartbeat(token)
                beats.append(clock.now() - EPOCH)

        beating = asyncio.ensure_future(worker())
        with pytest.raises(StatesError) as missed:
            await callbacks.wait(pending)
        assert missed.value.error == "States.HeartbeatTimeout"
        await beating

    run_sim(clock, scenario())
    assert beats == [8, 16, 24]
    assert clock.now() - EPOCH == 34  # the last beat at 24, then 10 seconds of silence


def test_activity_polls_take_tasks_in_order() -> None:
    async def scenario() -> None:
        callbacks = Callbacks(SimClock())
        started: list[str] = []
        first = callbacks.open(new_token(), activity="arn:a", input='{"n": 1}',
                               on_start=started.append)
        callbacks.open(new_token(), activity="arn:a", input='{"n": 2}')
        taken = await callbacks.poll("arn:a", "worker-1", 60)
        assert taken is first and started == ["worker-1"]
        second = await callbacks.poll("arn:a", "worker-2", 60)
        assert second is not None and second.input == '{"n": 2}'
        assert await callbacks.poll("arn:b", "w", 0) is None

    asyncio.run(scenario())


@pytest.mark.parametrize(("service_id", "name"), [
    ("SQS", "Sqs"), ("SFN", "Sfn"), ("DynamoDB", "DynamoDb"), ("CloudWatch Logs",
                                                               "CloudWatchLogs"),
    ("API Gateway", "ApiGateway"), ("XRay", "XRay"), ("EventBridge", "EventBridge"),
    ("S3", "S3"), ("Secrets Manager", "SecretsManager"), ("ACM PCA", "AcmPca"),
])
def test_sdk_client_names(service_id: str, name: str) -> None:
    assert catalog.pascal_name(service_id) == name


def test_sdk_names_and_errors() -> None:
    assert catalog.sdk_operation("sfn", "startExecution") == ("stepfunctions", "StartExecution")
    assert catalog.sdk_operation("eventbridge", "putEvents") == ("events", "PutEvents")
    assert catalog.sdk_operation("sqs", "SendMessage") is None
    assert catalog.sdk_error_prefix("cloudwatchlogs") == "CloudWatchLogs"
    assert catalog.exception_name("S3", "BucketAlreadyExists") == "S3.BucketAlreadyExistsException"
    assert catalog.exception_name("Sqs", "SqsException") == "Sqs.SqsException"


def test_optimized_integrations_date_their_metadata_by_the_emulator_clock() -> None:
    clock = Clock()
    clock.set(1_700_000_000.0)  # 2023-11-14T22:13:20Z
    call = Call(resource=parse_resource("arn:aws:states:::sqs:sendMessage"), parameters={},
                account="123456789012", region="us-east-1", execution_arn="e",
                state_machine_arn="m", services=Services(), clock=clock)
    headers = sdk_metadata(call, 10)["SdkHttpMetadata"]["HttpHeaders"]
    assert headers["Date"].startswith("Tue, 14 Nov 2023 22:13:2")
    assert headers["Content-Length"] == "10"
