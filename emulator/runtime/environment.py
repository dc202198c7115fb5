"""Execution environments: the warm pool of each function version, and concurrency limits.

An invocation takes an idle environment of its function version (warm) or starts a new one
(cold); one environment serves one invocation at a time, so concurrent invocations get one
each. Environments whose code or configuration changed are retired; idle ones past the idle
time are closed. Concurrency counts invocations in flight, per function against its reserved
concurrency, and per account and region against what the reservations leave unreserved.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from emulator.runtime.executors.base import Environment
from emulator.runtime.spec import FunctionSpec, Throttled

RESERVED_THROTTLE = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_THROTTLE = "ConcurrentInvocationLimitExceeded"


@dataclass
class _Idle:
    environment: Environment
    since: float


@dataclass
class _Pool:
    revision: str = ""
    idle: list[_Idle] = field(default_factory=list)


def log_stream_name(version: str, now: float) -> str:
    """``2024/01/31/[$LATEST]<32 hex digits>``, as Lambda names an environment's stream."""
    import time

    day = time.strftime("%Y/%m/%d", time.gmtime(now))
    return f"{day}/[{version}]{uuid.uuid4().hex}"


def standard_variables(spec: FunctionSpec, log_stream: str) -> dict[str, str]:
    """The environment a function sees: Lambda's variables, then its own, and what boto3
    inside a handler needs to reach this emulator."""
    variables = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "LAMBDA_RUNTIME_DIR": os.path.dirname(os.path.abspath(__file__)),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "_HANDLER": spec.handler,
        # Dummy credentials: a 12-digit key id is read as the account by this emulator.
        "AWS_ACCESS_KEY_ID": spec.account,
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
    }
    if spec.endpoint_url:
        variables["AWS_ENDPOINT_URL"] = spec.endpoint_url
    variables.update(spec.log_settings.variables())
    variables.update(spec.environment)
    return variables


class EnvironmentPool:
    """Idle environments by function version, and invocations in flight."""

    def __init__(self, account_limit: int, idle_seconds: float) -> None:
        self.account_limit = account_limit
        self.idle_seconds = idle_seconds
        self._pools: dict[tuple[str, str], _Pool] = defaultdict(_Pool)
        self._by_function: dict[str, int] = defaultdict(int)
        self._unreserved: dict[tuple[str, str], int] = defaultdict(int)

    def admit(self, spec: FunctionSpec) -> None:
        """Count one more invocation in flight, or raise Throttled."""
        reserved = spec.reserved_concurrency
        scope = (spec.account, spec.region)
        if reserved is not None:
            if self._by_function[spec.function_arn] >= reserved:
                raise Throttled(RESERVED_THROTTLE)
        elif self._unreserved[scope] >= min(spec.unreserved_limit, self.account_limit):
            raise Throttled(ACCOUNT_THROTTLE)
        self._by_function[spec.function_arn] += 1
        if reserved is None:
            self._unreserved[scope] += 1

    def release(self, spec: FunctionSpec) -> None:
        self._by_function[spec.function_arn] -= 1
        if spec.reserved_concurrency is None:
            self._unreserved[(spec.account, spec.region)] -= 1

    def in_flight(self, function_arn: str) -> int:
        return self._by_function[function_arn]

    def take(self, spec: FunctionSpec, revision: str, now: float) -> tuple[Environment | None,
                                                                           list[Environment]]:
        """An idle environment of this revision (or None), and environments to close."""
        pool = self._pools[spec.pool_key]
        stale: list[Environment] = []
        if pool.revision != revision:
            stale.extend(item.environment for item in pool.idle)
            pool.idle.clear()
            pool.revision = revision
        idle = pool.idle
        # Environments are given back in time order: those idle too long are at the front.
        expired = 0
        while expired < len(idle) and now - idle[expired].since >= self.idle_seconds:
            expired += 1
        if expired:
            stale.extend(item.environment for item in idle[:expired])
            del idle[:expired]
        # The most recently used environment is the warmest. One whose process ended while
        # idle (a thread it left called os._exit), or idle too long (the clock was set back
        # since), is replaced. One scan per call, not per idle environment.
        while idle:
            item = idle.pop()
            if now - item.since < self.idle_seconds and item.environment.alive:
                return item.environment, stale
            stale.append(item.environment)
        return None, stale

    def give_back(self, spec: FunctionSpec, revision: str, environment: Environment,
                  now: float) -> bool:
        """Keep an environment warm; False when its revision is gone (close it)."""
        pool = self._pools[spec.pool_key]
        if pool.revision != revision:
            return False
        pool.idle.append(_Idle(environment, now))
        return True

    def drain(self, function_arn: str | None = None) -> list[Environment]:
        """Forget idle environments (of one function, or all) and return them to close."""
        closing: list[Environment] = []
        for key, pool in list(self._pools.items()):
            if function_arn is None or key[0] == function_arn:
                closing.extend(item.environment for item in pool.idle)
                del self._pools[key]
        return closing


__all__ = [
    "ACCOUNT_THROTTLE",
    "RESERVED_THROTTLE",
    "EnvironmentPool",
    "log_stream_name",
    "standard_variables",
]
