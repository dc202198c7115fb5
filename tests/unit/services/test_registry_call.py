"""The registry's one in-process operation call: the input checked as AWS checks it, the
provider started and answered, its errors passed on as they are."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend

ACCOUNT, REGION = "111111111111", "eu-west-1"


def _registry() -> ServiceRegistry:
    return ServiceRegistry(Settings(), Clock(), MemoryBackend())


def _call(registry: ServiceRegistry, service: str, operation: str,
          params: dict[str, Any]) -> dict[str, Any]:
    ctx = RequestContext.internal(ACCOUNT, REGION)
    return asyncio.run(registry.call(ctx, service, operation, params))


def test_an_operation_answers_with_its_output_members() -> None:
    registry = _registry()
    created = _call(registry, "sqs", "CreateQueue", {"QueueName": "orders"})
    assert created["QueueUrl"].endswith(f"/{ACCOUNT}/orders")
    listed = _call(registry, "sqs", "ListQueues", {})
    assert listed["QueueUrls"] == [created["QueueUrl"]]
    # The account and region come from the context: another region holds no queue.
    other = asyncio.run(registry.call(RequestContext.internal(ACCOUNT, "us-east-1"), "sqs",
                                      "ListQueues", {}))
    assert other.get("QueueUrls", []) == []


def test_the_context_names_the_service_and_operation_called() -> None:
    registry = _registry()
    seen: list[RequestContext] = []
    provider = registry.get("sqs")
    original = provider.list_queues  # type: ignore[union-attr]

    def spy(ctx: RequestContext, **params: Any) -> dict[str, Any]:
        seen.append(ctx)
        return original(ctx, **params)  # type: ignore[no-any-return]

    provider.list_queues = spy  # type: ignore[union-attr]
    _call(registry, "sqs", "ListQueues", {"MaxResults": 5})
    assert (seen[0].service, seen[0].operation, seen[0].protocol) == (
        "sqs", "ListQueues", "internal")
    assert (seen[0].account_id, seen[0].region) == (ACCOUNT, REGION)


def test_an_operation_without_output_answers_an_empty_dict() -> None:
    registry = _registry()
    url = _call(registry, "sqs", "CreateQueue", {"QueueName": "gone"})["QueueUrl"]
    assert _call(registry, "sqs", "DeleteQueue", {"QueueUrl": url}) == {}


def test_input_is_checked_against_the_model_first() -> None:
    registry = _registry()
    with pytest.raises(ServiceError) as missing:
        _call(registry, "lambda", "GetFunction", {})
    assert missing.value.code == "ValidationException"
    assert "functionName" in missing.value.message
    with pytest.raises(ServiceError) as too_long:
        _call(registry, "stepfunctions", "ListStateMachines", {"maxResults": 5000})
    assert too_long.value.code == "ValidationException"


def test_a_query_service_words_its_checks_the_query_way() -> None:
    with pytest.raises(ServiceError) as missing:
        _call(_registry(), "sqs", "CreateQueue", {})
    assert missing.value.code == "MissingParameter"


def test_the_services_own_errors_pass_through() -> None:
    with pytest.raises(ServiceError) as error:
        _call(_registry(), "lambda", "GetFunction", {"FunctionName": "nowhere"})
    assert error.value.code == "ResourceNotFoundException"


def test_unknown_and_unimplemented_operations() -> None:
    registry = _registry()
    with pytest.raises(ServiceError) as unknown:
        _call(registry, "sqs", "LaunchRocket", {})
    assert unknown.value.code == "UnknownOperationException"
    with pytest.raises(ServiceError) as absent:
        _call(registry, "ec2", "DescribeKeyPairs", {})
    assert (absent.value.code, absent.value.status) == ("NotImplemented", 501)


def test_a_call_starts_the_service_once_the_registry_runs() -> None:
    registry = _registry()
    started: list[str] = []

    async def start() -> None:
        started.append("sqs")

    async def scenario() -> None:
        await registry.start()  # no service loaded yet: none starts
        provider = registry.get("sqs")
        assert provider is not None and started == []
        provider.start = start  # type: ignore[method-assign]
        ctx = RequestContext.internal(ACCOUNT, REGION)
        await registry.call(ctx, "sqs", "ListQueues", {})
        await registry.call(ctx, "sqs", "ListQueues", {})
        await registry.stop()

    asyncio.run(scenario())
    assert started == ["sqs"]


def test_engines_reach_the_call_through_the_ports() -> None:
    registry = _registry()
    ctx = RequestContext.internal(ACCOUNT, REGION)
    created = asyncio.run(registry.ports.operations.call(ctx, "sns", "CreateTopic",
                                                         {"Name": "alerts"}))
    assert created["TopicArn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
