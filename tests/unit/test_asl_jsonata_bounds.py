"""JSONata evaluation is bounded: an endless tail-recursive loop fails the state instead of
running for ever, and the bounds are counted per evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.asl import errors, jsonata


class _NoVariables:
    def all_variables(self) -> dict[str, Any]:
        return {}


def test_an_endless_loop_fails_when_its_time_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonata, "TIMEOUT_MS", 50)
    loop = jsonata.Expression("{% ($f := function($x){ $f($x+1) }; $f(1)) %}", "Output/v")
    with pytest.raises(errors.StatesError) as failure:
        loop({}, _NoVariables())  # type: ignore[arg-type]
    assert failure.value.error == "States.QueryEvaluationError"
    assert "threw an error during evaluation" in (failure.value.cause or "")


def test_the_depth_bound_is_per_evaluation() -> None:
    deep = jsonata.Expression("{% " + "+".join(["1"] * jsonata.MAX_DEPTH) + " %}", "Output/r")
    for _ in range(3):  # an evaluation's depth does not carry over to the next
        assert deep({}, _NoVariables()) == jsonata.MAX_DEPTH  # type: ignore[arg-type]
    deeper = jsonata.Expression("{% " + "+".join(["1"] * (jsonata.MAX_DEPTH + 1)) + " %}", "R")
    with pytest.raises(errors.StatesError) as failure:
        deeper({}, _NoVariables())  # type: ignore[arg-type]
    assert (failure.value.cause or "").endswith(f": {jsonata.STACK_OVERFLOW}")
