"""Every implemented operation, through a running server: botocore-serialised requests whose
members hypothesis breaks (edge strings with surrogates and 1 MB values, huge and negative
numbers, wrong enums, members dropped or added). The answer must be an AWS error or a success:
never a 5xx the operation does not document, never a hang, never a logged traceback.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from fuzz_catalog import implemented, operation_model, streaming
from fuzz_client import Judge, documented_faults, serialise
from fuzz_profile import PROFILE
from fuzz_values import mutated
from hypothesis import HealthCheck, assume, given, settings
from wire_strategies import input_strategy

from emulator.server import BackgroundServer
from emulator.wire import specs


def _cases() -> list[Any]:
    """Every operation and protocol. The normal suite sends each of a fixed sample (a few
    operations of every service); the rest are marked slow, which CI runs as its own profile."""
    found = [(service, protocol, name) for service, name, _ in implemented()
             for protocol in specs.protocols(service)
             if not streaming(operation_model(service, name))]
    sample: set[tuple[str, str, str]] = set()
    for service in sorted({case[0] for case in found}):
        own = [case for case in found if case[0] == service]
        sample.update(random.Random(service).sample(own, min(FAST_SAMPLE, len(own))))
    return [pytest.param(*case, id="-".join(case),
                         marks=() if case in sample or PROFILE.name == "long"
                         else (pytest.mark.slow,))
            for case in found]


FAST_SAMPLE = 5  # operations per service in the normal suite
CASES = _cases()
# A 1 MB value is sent to every operation in the long profile, to a sample in the fast one.
HUGE = {name for _, _, name in (case.values for case in random.Random(19).sample(CASES, 12))}


@pytest.mark.parametrize(("service", "protocol", "name"), CASES)
def test_broken_members_get_an_aws_answer(service: str, protocol: str, name: str,
                                          judge: Judge, fuzz_server: BackgroundServer,
                                          identifiers: list[str]) -> None:
    operation = operation_model(service, name, protocol)
    allowed = documented_faults(operation)
    huge = PROFILE.huge_values or name in HUGE
    endpoint = fuzz_server.endpoint_url

    @settings(max_examples=PROFILE.examples_per_operation, deadline=None, database=None,
              derandomize=PROFILE.name == "fast", suppress_health_check=list(HealthCheck))
    @given(mutated(operation, input_strategy(operation), huge, identifiers))
    def run(case: tuple[dict[str, Any], str]) -> None:
        params, what = case
        try:
            raw = serialise(operation, params, endpoint)
        except Exception:  # botocore itself cannot put this on the wire
            assume(False)
            return
        judge.send(service, raw, allowed_5xx=allowed, what=f"{name} ({what})")
        if judge.failures:
            failures, judge.failures[:] = list(judge.failures), []
            raise AssertionError("\n".join(failures))

    run()
