"""Mocked service integrations in Step Functions Local's mock configuration format.

A configuration names state machines, their test cases (state name -> mocked response name)
and mocked responses: for each invocation of a mocked Task, by index (``"0"``) or inclusive
range (``"1-2"``), either ``{"Return": result}`` or ``{"Throw": {"Error", "Cause"}}``. An
execution started as ``<state machine ARN>#<test case>`` answers its mocked Task states from
the file; states the test case does not name call the real service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from emulator.asl import errors
from emulator.asl.errors import StatesError

_INDEX = re.compile(r"^(\d+)(?:-(\d+))?$")


class MockConfigError(ValueError):
    """The mock configuration file is not in Step Functions Local's format."""


@dataclass(frozen=True)
class Mocked:
    """One mocked answer: a result to return, or an error and cause to throw."""

    result: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def throws(self) -> bool:
        return self.error is not None


def _mocked(name: str, key: str, value: Any) -> Mocked:
    where = f"MockedResponses.{name}.{key}"
    if not isinstance(value, dict) or len(value) != 1 or not ({"Return", "Throw"} & set(value)):
        raise MockConfigError(f"{where} must contain exactly one field, Return or Throw")
    if "Return" in value:
        return Mocked(result=value["Return"])
    thrown = value["Throw"]
    if not isinstance(thrown, dict) or not isinstance(thrown.get("Error"), str):
        raise MockConfigError(f"{where}.Throw must be an object with a string Error field")
    cause = thrown.get("Cause")
    if cause is not None and not isinstance(cause, str):
        raise MockConfigError(f"{where}.Throw.Cause must be a string")
    return Mocked(error=thrown["Error"], cause=cause)


class MockedResponse:
    """The answers of one named mocked response, by invocation index."""

    def __init__(self, name: str, data: Any) -> None:
        if not isinstance(data, dict) or not data:
            raise MockConfigError(f"MockedResponses.{name} must be a non-empty object")
        self.name = name
        self.ranges: list[tuple[int, int, Mocked]] = []
        for key, value in data.items():
            match = _INDEX.match(key)
            if match is None:
                raise MockConfigError(
                    f"MockedResponses.{name}: '{key}' is not an invocation index such as "
                    "\"0\" or a range such as \"1-2\""
                )
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) is not None else low
            if high < low:
                raise MockConfigError(f"MockedResponses.{name}: the range '{key}' is empty")
            self.ranges.append((low, high, _mocked(name, key, value)))
        self.ranges.sort(key=lambda item: item[0])
        for (_, high, _), (low, _, _) in zip(self.ranges, self.ranges[1:], strict=False):
            if low <= high:
                raise MockConfigError(f"MockedResponses.{name}: invocation ranges overlap")

    def at(self, index: int) -> Mocked | None:
        for low, high, mocked in self.ranges:
            if low <= index <= high:
                return mocked
        return None


class MockConfig:
    """A parsed mock configuration file."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise MockConfigError("The mock configuration must be a JSON object")
        machines = data.get("StateMachines", {})
        responses = data.get("MockedResponses", {})
        if not isinstance(machines, dict) or not isinstance(responses, dict):
            raise MockConfigError("StateMachines and MockedResponses must be JSON objects")
        self.responses = {name: MockedResponse(name, value) for name, value in responses.items()}
        self.cases: dict[str, dict[str, dict[str, str]]] = {}
        for machine, body in machines.items():
            cases = body.get("TestCases") if isinstance(body, dict) else None
            if not isinstance(cases, dict):
                raise MockConfigError(f"StateMachines.{machine} must have a TestCases object")
            self.cases[machine] = {}
            for case, states in cases.items():
                if not isinstance(states, dict) or not all(
                    isinstance(v, str) for v in states.values()
                ):
                    raise MockConfigError(
                        f"StateMachines.{machine}.TestCases.{case} must map state names to "
                        "mocked response names"
                    )
                for state, response in states.items():
                    if response not in self.responses:
                        raise MockConfigError(
                            f"StateMachines.{machine}.TestCases.{case}.{state}: no mocked "
                            f"response named '{response}'"
                        )
                self.cases[machine][case] = dict(states)

    def test_case(self, machine: str, case: str) -> MockCase:
        """The test case ``case`` of the state machine named ``machine``; raises KeyError."""
        states = self.cases[machine][case]
        return MockCase({state: self.responses[name] for state, name in states.items()})


class MockCase:
    """The mocked Task states of one execution, counting each state's invocations."""

    def __init__(self, states: dict[str, MockedResponse]) -> None:
        self.states = states
        self.calls: dict[str, int] = {}

    def mocks(self, state: str) -> bool:
        return state in self.states

    def next(self, state: str) -> Mocked | None:
        """The answer for the next invocation of ``state``; None when it is not mocked."""
        response = self.states.get(state)
        if response is None:
            return None
        index = self.calls.get(state, 0)
        self.calls[state] = index + 1
        mocked = response.at(index)
        if mocked is None:
            raise StatesError(
                errors.RUNTIME,
                f"The mocked response '{response.name}' has no answer for invocation {index} "
                f"of the state '{state}'.",
            )
        return mocked


class FixedMock(MockCase):
    """TestState's ``mock``: the same answer for every invocation of the state under test."""

    def __init__(self, mocked: Mocked) -> None:
        super().__init__({})
        self.mocked = mocked

    def mocks(self, state: str) -> bool:
        return True

    def next(self, state: str) -> Mocked | None:
        return self.mocked


__all__ = ["FixedMock", "MockCase", "MockConfig", "MockConfigError", "Mocked", "MockedResponse"]
