"""The caps that keep what grows under steady load bounded (docs/reliability.md, "Caps on what
grows"): each drops the oldest first once its setting is passed, and each test here fails
without its cap."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from emulator.api_calls import ApiCall
from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.gateway.ttl_cache import StageTtlCache
from emulator.ports import Ports
from emulator.services.logs.provider import LogsPort, LogsProvider
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend, ServiceStore, SqliteBackend
from emulator.store.backend import Backend

ACCOUNT, REGION = "111111111111", "eu-west-1"


def _ctx(service: str, operation: str) -> RequestContext:
    return RequestContext(ACCOUNT, REGION, "r", service, operation, "json",
                          "http://localhost:4566")


def _no_ports(name: str) -> object:
    raise LookupError(name)


# -- CloudWatch Logs ---------------------------------------------------------------------------


def _logs(backend: Backend, cap: int) -> LogsProvider:
    return LogsProvider(Settings(logs_max_events=cap), Clock(), ServiceStore("logs", backend),
                        Ports(_no_ports))


def _write_batches(provider: LogsProvider, group: str, *batches: list[str]) -> None:
    port = provider.port("logs")
    assert isinstance(port, LogsPort)
    for messages in batches:
        now = provider.clock.now_millis()
        port.write(ACCOUNT, REGION, group, "s", [(now, m) for m in messages])


def _log_messages(provider: LogsProvider, group: str) -> list[str]:
    found = provider.get_log_events(_ctx("logs", "GetLogEvents"), log_group_name=group,
                                    log_stream_name="s", start_from_head=True)
    return [event["message"] for event in found["events"]]


def test_log_events_past_the_cap_go_oldest_first_across_groups() -> None:
    provider = _logs(MemoryBackend(), cap=5)
    _write_batches(provider, "/a", ["a1", "a2"])
    _write_batches(provider, "/b", ["b1", "b2"], ["b3"])
    assert _log_messages(provider, "/a") == ["a1", "a2"]  # 5 events: at the cap, none gone
    _write_batches(provider, "/b", ["b4", "b5"])  # 7: the oldest batch (of /a) goes
    assert _log_messages(provider, "/a") == []
    assert _log_messages(provider, "/b") == ["b1", "b2", "b3", "b4", "b5"]
    _write_batches(provider, "/b", ["b6"])
    assert _log_messages(provider, "/b") == ["b3", "b4", "b5", "b6"]
    # The group and stream stay, as AWS keeps them when retention removes their events.
    groups = provider.describe_log_groups(_ctx("logs", "DescribeLogGroups"))["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/a", "/b"]


def test_a_batch_larger_than_the_cap_is_kept_alone() -> None:
    provider = _logs(MemoryBackend(), cap=2)
    _write_batches(provider, "/a", ["old"], ["n1", "n2", "n3"])
    assert _log_messages(provider, "/a") == ["n1", "n2", "n3"]


def test_the_log_cap_counts_again_after_a_group_is_deleted() -> None:
    provider = _logs(MemoryBackend(), cap=3)
    _write_batches(provider, "/a", ["a1", "a2"])
    provider.delete_log_group(_ctx("logs", "DeleteLogGroup"), log_group_name="/a")
    _write_batches(provider, "/b", ["b1"], ["b2"], ["b3"])  # 3 stored, not 5
    assert _log_messages(provider, "/b") == ["b1", "b2", "b3"]


def test_log_events_dropped_by_the_cap_stay_gone_after_a_restart(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "state.db")
    provider = _logs(backend, cap=2)
    _write_batches(provider, "/a", ["one"], ["two"], ["three"])
    backend.close()
    reopened = _logs(SqliteBackend(tmp_path / "state.db"), cap=2)
    assert _log_messages(reopened, "/a") == ["two", "three"]
    _write_batches(reopened, "/a", ["four"])  # counted from what was stored
    assert _log_messages(reopened, "/a") == ["three", "four"]


# -- Step Functions ----------------------------------------------------------------------------

ROLE = f"arn:aws:iam::{ACCOUNT}:role/r"
PASS = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
WAIT = '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}'


def _sfn(cap: int) -> tuple[ServiceRegistry, Any]:
    registry = ServiceRegistry(Settings(sfn_max_executions=cap), Clock(), MemoryBackend())
    return registry, registry.get("stepfunctions")


def _run_executions(provider: Any, machine: str, names: list[str]) -> None:
    """Start executions one after another, each run to its end before the next starts."""
    ctx = _ctx("stepfunctions", "StartExecution")

    async def run() -> None:
        for name in names:
            arn = provider.start_execution(ctx, state_machine_arn=machine, name=name,
                                           input="{}")["executionArn"]
            for _ in range(100):
                if provider.describe_execution(ctx, execution_arn=arn)["status"] != "RUNNING":
                    break
                await asyncio.sleep(0)

    asyncio.run(run())


def _execution_names(provider: Any, machine: str) -> list[str]:
    found = provider.list_executions(_ctx("stepfunctions", "ListExecutions"),
                                     state_machine_arn=machine)["executions"]
    return sorted(execution["name"] for execution in found)


def test_closed_executions_past_the_cap_go_oldest_first_and_running_ones_stay() -> None:
    _registry, provider = _sfn(cap=3)
    ctx = _ctx("stepfunctions", "CreateStateMachine")
    waiting = provider.create_state_machine(ctx, name="waits", definition=WAIT,
                                            role_arn=ROLE)["stateMachineArn"]
    passing = provider.create_state_machine(ctx, name="passes", definition=PASS,
                                            role_arn=ROLE)["stateMachineArn"]

    async def start_waiting() -> None:
        provider.start_execution(_ctx("stepfunctions", "StartExecution"),
                                 state_machine_arn=waiting, name="running", input="{}")
        await asyncio.sleep(0)

    asyncio.run(start_waiting())  # its task ends with the loop; its record stays RUNNING
    _run_executions(provider, passing, ["e1", "e2", "e3", "e4"])
    assert _execution_names(provider, passing) == ["e3", "e4"]
    assert _execution_names(provider, waiting) == ["running"]


def test_closed_executions_are_forgotten_after_90_days() -> None:
    registry, provider = _sfn(cap=1000)
    machine = provider.create_state_machine(_ctx("stepfunctions", "CreateStateMachine"),
                                            name="m", definition=PASS,
                                            role_arn=ROLE)["stateMachineArn"]
    _run_executions(provider, machine, ["old"])
    registry.clock.advance(89 * 86_400)
    _run_executions(provider, machine, ["recent"])
    assert _execution_names(provider, machine) == ["old", "recent"]
    registry.clock.advance(2 * 86_400)  # "old" closed 91 days ago, "recent" 2 days ago
    _run_executions(provider, machine, ["new"])
    assert _execution_names(provider, machine) == ["new", "recent"]


# -- CloudTrail's event history ----------------------------------------------------------------


def _note(registry: ServiceRegistry, name: str) -> None:
    registry.ports.api_calls.note(ApiCall(
        time=registry.clock.now(), service="sqs", operation="CreateQueue", account=ACCOUNT,
        region=REGION, access_key="AKID", source_ip="127.0.0.1", user_agent="test",
        request_id=name, params={"QueueName": name}, result={"QueueUrl": name}))


def _history(registry: ServiceRegistry) -> list[str]:
    provider: Any = registry.get("cloudtrail")
    found = provider.lookup_events(_ctx("cloudtrail", "LookupEvents"))["Events"]
    return [json.loads(event["CloudTrailEvent"])["requestParameters"]["queueName"]
            for event in found]


def test_the_event_history_keeps_the_newest_calls_up_to_its_cap() -> None:
    registry = ServiceRegistry(Settings(api_call_history=3), Clock(), MemoryBackend())
    for name in ("q1", "q2", "q3", "q4", "q5"):
        _note(registry, name)
    assert _history(registry) == ["q5", "q4", "q3"]


def test_the_event_history_covers_90_days() -> None:
    registry = ServiceRegistry(Settings(), Clock(), MemoryBackend())
    _note(registry, "old")
    registry.clock.advance(89 * 86_400)
    _note(registry, "recent")
    assert _history(registry) == ["recent", "old"]
    registry.clock.advance(2 * 86_400)
    assert _history(registry) == ["recent"]


# -- API Gateway's response and authorizer caches ----------------------------------------------


def test_a_stage_cache_past_its_capacity_drops_expired_then_oldest_entries() -> None:
    clock = Clock()
    cache: StageTtlCache[str] = StageTtlCache(clock, capacity=3)
    cache.put("api", "prod", ("short",), 10, "expires soon")
    cache.put("api", "prod", ("a",), 300, "a")
    cache.put("api", "prod", ("b",), 300, "b")
    clock.advance(20)
    cache.put("api", "prod", ("c",), 300, "c")  # the expired entry makes room
    assert [cache.get("api", "prod", (k,)) for k in "abc"] == ["a", "b", "c"]
    for key in ("d", "e"):
        cache.put("api", "prod", (key,), 300, key)
    assert cache.size("api", "prod") == 3
    assert [cache.get("api", "prod", (k,)) for k in "abcde"] == [None, None, "c", "d", "e"]
    cache.put("api", "other", ("x",), 300, "x")  # each stage has its own room
    assert cache.get("api", "other", ("x",)) == "x"
    assert cache.size("api", "prod") == 3


def test_the_gateways_take_their_cache_capacity_from_the_settings() -> None:
    registry = ServiceRegistry(Settings(gateway_cache_entries=7), Clock(), MemoryBackend())
    rest: Any = registry.get("apigateway")
    http: Any = registry.get("apigatewayv2")
    assert rest.gateway.cache.capacity == rest.gateway.authorizer_cache.capacity == 7
    assert http.gateway.authorizer_cache.capacity == 7


# -- SNS FIFO deduplication --------------------------------------------------------------------


def test_fifo_deduplication_ids_are_forgotten_once_their_five_minutes_are_over() -> None:
    registry = ServiceRegistry(Settings(), Clock(), MemoryBackend())
    sns: Any = registry.get("sns")
    ctx = _ctx("sns", "Publish")
    topic = sns.create_topic(ctx, name="t.fifo", attributes={
        "FifoTopic": "true"})["TopicArn"]

    def publish(dedup: str) -> str:
        return str(sns.publish(ctx, topic_arn=topic, message="m", message_group_id="g",
                               message_deduplication_id=dedup)["MessageId"])

    first = publish("d1")
    publish("d2")
    assert publish("d1") == first  # within the window: the same message
    registry.clock.advance(301)
    assert publish("d3") != first
    assert list(sns._deduplication) == [(topic, "d3")]
    assert publish("d1") != first  # its window is over: a new message
