"""Step Functions failure causes worded as AWS words them, each through boto3 against the
running emulator and each with the public AWS output it was checked against."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sfn_helpers import finished, machine, sfn


def _failure(emulator: Any, definition: dict[str, Any], data: Any) -> tuple[str, str]:
    client = sfn(emulator)
    arn = machine(client, f"causes-{uuid.uuid4().hex[:12]}", definition)
    started = client.start_execution(stateMachineArn=arn, input=json.dumps(data))
    done = finished(client, started["executionArn"])
    assert done["status"] == "FAILED", done
    return done["error"], done["cause"]


def test_a_choice_path_operand_that_selects_nothing(emulator: Any) -> None:
    """A ``...Path`` operand of a Choice rule that selects nothing fails the state with the
    same words as a missing ``Variable``, naming the operand's path.

    Source: the Choice-failure test workflow of https://github.com/ManageIQ/floe, whose state
    comments record what AWS answered ("Target missing -> Invalid path '$.missing': The choice
    state's condition path references an invalid value.", for ``NumericEqualsPath``).
    """
    definition = {"StartAt": "Decide", "States": {
        "Decide": {"Type": "Choice", "Choices": [
            {"Variable": "$.num1", "NumericEqualsPath": "$.missing", "Next": "Match"}],
            "Default": "Default"},
        "Match": {"Type": "Pass", "End": True},
        "Default": {"Type": "Pass", "End": True}}}
    error, cause = _failure(emulator, definition, {"num1": 1})
    assert error == "States.Runtime"
    assert cause == (
        "An error occurred while executing the state 'Decide' (entered at the event id #2). "
        "Invalid path '$.missing': The choice state's condition path references an invalid "
        "value.")


def test_a_jsonata_expression_nested_too_deep(emulator: Any) -> None:
    """A JSONata expression nested deeper than Step Functions allows (a sum of 200 terms) fails
    with States.QueryEvaluationError, the bound's message after a colon and without a code.

    Source: AWS TestState causes measured in https://github.com/floci-io/floci/issues/2737
    ("... threw an error during evaluation: Stack overflow error: Check for non-terminating
    recursive function. Consider rewriting as tail-rec", the quote cut there; depth 101 and
    over fails, per https://github.com/floci-io/floci/pull/2783).
    """
    expression = "+".join(["1"] * 200)
    definition = {"QueryLanguage": "JSONata", "StartAt": "E", "States": {
        "E": {"Type": "Pass", "Output": {"r": "{% " + expression + " %}"}, "End": True}}}
    error, cause = _failure(emulator, definition, {})
    assert error == "States.QueryEvaluationError"
    assert cause == (
        "An error occurred while executing the state 'E' (entered at the event id #2). "
        f"The JSONata expression '{expression}' specified for the field 'Output/r' threw an "
        "error during evaluation: Stack overflow error: Check for non-terminating recursive "
        "function. Consider rewriting as tail-recursive.")
