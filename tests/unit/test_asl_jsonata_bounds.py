"""JSONata evaluation is bounded as Step Functions bounds it: an endless tail-recursive loop fails
the state instead of running for ever, and nesting fails past the depth AWS refuses.

The depth points are measurements against AWS TestState (floci-io/floci#2697: the limit lies
between nesting depth 95 and 125; floci-io/floci#2737: a sum of 200 terms fails with "Stack
overflow error", and five different expressions, counted in evaluation frames as jsonata's
Timebox counts them, all hit AWS's limit at depth 99 to 101)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.asl import errors, jsonata


class _NoVariables:
    def all_variables(self) -> dict[str, Any]:
        return {}


def _evaluate(text: str) -> Any:
    return jsonata.Expression("{% " + text + " %}", "Output/r")({}, _NoVariables())  # type: ignore[arg-type]


def _overflows(text: str) -> None:
    with pytest.raises(errors.StatesError) as failure:
        _evaluate(text)
    assert failure.value.error == "States.QueryEvaluationError"
    assert (failure.value.cause or "").endswith(
        "threw an error during evaluation: Stack overflow error: Check for non-terminating "
        "recursive function. Consider rewriting as tail-recursive.")


def test_an_endless_loop_fails_when_its_time_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonata, "TIMEOUT_MS", 50)
    loop = jsonata.Expression("{% ($f := function($x){ $f($x+1) }; $f(1)) %}", "Output/v")
    with pytest.raises(errors.StatesError) as failure:
        loop({}, _NoVariables())  # type: ignore[arg-type]
    assert failure.value.error == "States.QueryEvaluationError"
    assert "threw an error during evaluation" in (failure.value.cause or "")


def test_nesting_aws_accepts_evaluates_every_time() -> None:
    for _ in range(3):  # an evaluation's depth does not carry over to the next
        assert _evaluate("+".join(["1"] * 95)) == 95


def test_nesting_aws_refuses_overflows() -> None:
    _overflows("+".join(["1"] * 200))


def test_runaway_non_tail_recursion_overflows() -> None:
    _overflows("($f := function($n){ 1 + $f($n + 1) }; $f(0))")


def test_objects_nested_50_deep_evaluate() -> None:
    value = _evaluate("{'a':" * 50 + "1" + "}" * 50)
    for _ in range(50):
        value = value["a"]
    assert value == 1
