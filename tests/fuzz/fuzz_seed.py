"""Resources for the fuzzer to aim at, made without any per-service code: every implemented
operation that creates something (Create*, Put*, Register*, ...) is sent a few valid requests
generated from its model, and every identifier-like string in the successful answers (names,
ids, ARNs, URLs) joins a pool that later requests draw names from, so mutated requests reach
the code behind "not found" too."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
from fuzz_catalog import implemented, operation_model, streaming
from fuzz_client import serialise
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import NonInteractiveExampleWarning
from wire_strategies import input_strategy

CREATING = ("Create", "Put", "Register", "Import", "Publish", "Start", "Run", "Add", "Tag")
IDENTIFIER = re.compile(r"[A-Za-z0-9][\w:/.+=@,#$-]{0,250}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _answer_strings(reply: httpx.Response) -> Iterator[str]:
    try:
        yield from _strings(json.loads(reply.content))
    except ValueError:
        yield from re.findall(r">([^<>]{1,256})<", reply.text)


def seed(client: httpx.Client, endpoint: str, per_operation: int) -> list[str]:
    pool: set[str] = set()
    for service, name, _ in implemented():
        if not name.startswith(CREATING) or name.startswith("StartQuery"):
            continue
        operation = operation_model(service, name)
        if streaming(operation):
            continue
        examples: list[dict[str, Any]] = []

        @settings(max_examples=per_operation, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(input_strategy(operation))
        def collect(params: dict[str, Any]) -> None:
            examples.append(params)  # noqa: B023 - run at once, within this iteration

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NonInteractiveExampleWarning)
            collect()
        for params in examples:
            try:
                raw = serialise(operation, params, endpoint)
                reply = client.request(raw.method, raw.path, headers=raw.headers,
                                       content=raw.body, timeout=30)
            except Exception:  # seeding is best effort; judging comes later
                continue
            if reply.status_code < 300:
                pool.update(text for text in _answer_strings(reply)
                            if IDENTIFIER.fullmatch(text))
                pool.update(text for text in _strings(params) if IDENTIFIER.fullmatch(text))
    return sorted(pool)
