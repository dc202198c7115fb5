"""A Map state over a JSON object: one iteration per key-value pair, in the object's key order.

AWS: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html (ItemsPath
"must evaluate to a JSON array or object"; for an object the Map "runs an iteration for each
key-value pair in the object, passing the pair to the iteration as input");
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
(``Map.Item.Key``, "Only valid for JSON objects", beside ``Map.Item.Index`` and
``Map.Item.Value``); AWS behaviour observed and recorded in
https://github.com/floci-io/floci/pull/1588 (comment of 2026-07-02): an ItemReader JSON file
whose top level is an object is accepted, each iteration receives ``{"Key": "a", "Value":
{"x": 1}}``, and ``$$.Map.Item.Key``, ``Index`` and ``Value`` resolve in ItemSelector.
``Map.Item.Value`` of a pair is the pair's value (the emulator's choice: an ItemSelector of
Key and Value then rebuilds the default input).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asl_runner import ACCOUNT, EXECUTION_ARN, MACHINE_ARN, REGION, ROLE_ARN, run_case
from asl_simclock import SimClock, run_sim

from emulator.asl.integrations.base import Services
from emulator.asl.integrations.callbacks import Callbacks
from emulator.asl.interpreter import Execution, ExecutionInfo, Outcome
from emulator.asl.loader import load
from emulator.asl.map_items import MapItems

PAIRS = {"zeta": {"x": 1}, "alpha": 2, "mid": [3]}  # not in sorted order: order is kept
DEFAULT_INPUTS = [{"Key": "zeta", "Value": {"x": 1}}, {"Key": "alpha", "Value": 2},
                  {"Key": "mid", "Value": [3]}]
ECHO = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def _map(**fields: Any) -> dict[str, Any]:
    processor = dict(ECHO)
    if fields.pop("distributed", False):
        processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED"}
    return {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": processor,
                                             "End": True, **fields}}}


def _jsonata(**fields: Any) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", **_map(**fields)}


def _run(definition: dict[str, Any], data: Any) -> Outcome:
    outcome, _execution, _functions = run_case({"definition": definition, "input": data})
    return outcome


def _output(definition: dict[str, Any], data: Any) -> Any:
    outcome = _run(definition, data)
    assert outcome.status == "SUCCEEDED", outcome
    assert outcome.output is not None
    return json.loads(outcome.output)


def test_map_items_of_an_object_and_of_an_array() -> None:
    pairs = MapItems.of(PAIRS)
    assert pairs is not None and pairs.inputs == DEFAULT_INPUTS
    assert pairs.context(1) == {"Index": 1, "Key": "alpha", "Value": 2}
    assert pairs.first(2).inputs == DEFAULT_INPUTS[:2] and pairs.first(None) is pairs
    array = MapItems.of(["a", "b"])
    assert array is not None and array.context(1) == {"Index": 1, "Value": "b"}
    both = array + pairs
    assert both.context(0) == {"Index": 0, "Value": "a"}
    assert both.context(2) == {"Index": 2, "Key": "zeta", "Value": {"x": 1}}
    assert [MapItems.of(value) for value in ("s", 1, None, True)] == [None] * 4


def test_items_path_object_gives_each_pair_as_the_default_input_in_key_order() -> None:
    assert _output(_map(ItemsPath="$.things"), {"things": PAIRS}) == DEFAULT_INPUTS
    assert _output(_map(), PAIRS) == DEFAULT_INPUTS  # the default ItemsPath is $
    assert _output(_map(), {}) == []


def test_item_selector_reads_key_index_and_value_of_each_pair() -> None:
    selector = {"k.$": "$$.Map.Item.Key", "i.$": "$$.Map.Item.Index",
                "v.$": "$$.Map.Item.Value", "item.$": "$$.Map.Item"}
    assert _output(_map(ItemsPath="$.things", ItemSelector=selector), {"things": PAIRS}) == [
        {"k": key, "i": index, "v": value,
         "item": {"Index": index, "Key": key, "Value": value}}
        for index, (key, value) in enumerate(PAIRS.items())]


def test_an_array_item_has_no_key() -> None:
    selector = {"item.$": "$$.Map.Item"}
    assert _output(_map(ItemSelector=selector), ["a"]) == [{"item": {"Index": 0, "Value": "a"}}]


def test_jsonata_items_object_and_context_key() -> None:
    selector = {"k": "{% $states.context.Map.Item.Key %}",
                "i": "{% $states.context.Map.Item.Index %}",
                "v": "{% $states.context.Map.Item.Value %}"}
    definition = _jsonata(Items="{% $states.input.things %}", ItemSelector=selector)
    assert _output(definition, {"things": PAIRS}) == [
        {"k": key, "i": index, "v": value} for index, (key, value) in enumerate(PAIRS.items())]
    assert _output(_jsonata(), PAIRS) == DEFAULT_INPUTS  # Items defaults to the input


@pytest.mark.parametrize("value", ["text", 7, None, True])
def test_values_neither_array_nor_object_still_fail(value: Any) -> None:
    outcome = _run(_map(ItemsPath="$.things"), {"things": value})
    assert (outcome.status, outcome.error) == ("FAILED", "States.Runtime")
    assert f"is not a JSON array or object: {json.dumps(value)}" in (outcome.cause or "")
    outcome = _run(_jsonata(Items="{% $states.input.things %}"), {"things": value})
    assert (outcome.status, outcome.error) == ("FAILED", "States.QueryEvaluationError")


def test_distributed_map_batches_pairs_and_tolerates_a_failing_pair() -> None:
    batched = _map(distributed=True, ItemBatcher={"MaxItemsPerBatch": 2})
    assert _output(batched, PAIRS) == [{"Items": DEFAULT_INPUTS[:2]},
                                       {"Items": DEFAULT_INPUTS[2:]}]
    failing = _map(distributed=True, ToleratedFailureCount=1)
    failing["States"]["M"]["ItemProcessor"]["States"] = {"P": {
        "Type": "Choice", "Default": "Ok",
        "Choices": [{"Variable": "$.Key", "StringEquals": "alpha", "Next": "No"}]},
        "No": {"Type": "Fail", "Error": "Bad", "Cause": "alpha"},
        "Ok": {"Type": "Pass", "End": True}}
    failing["States"]["M"]["ItemProcessor"]["StartAt"] = "P"
    assert _output(failing, PAIRS) == [DEFAULT_INPUTS[0], {"Error": "Bad", "Cause": "alpha"},
                                       DEFAULT_INPUTS[2]]
    failing["States"]["M"]["ToleratedFailureCount"] = 0
    outcome = _run(failing, PAIRS)
    assert (outcome.status, outcome.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


class _S3:
    """getObject answering one stored body."""

    def __init__(self, body: str) -> None:
        self.body = body

    async def call(self, service: str, operation: str, params: dict[str, Any], *,
                   account: str, region: str, error_prefix: str,
                   generic_error: str | None = None) -> dict[str, Any]:
        assert (service, operation) == ("s3", "GetObject")
        return {"Body": self.body}


def _read(body: Any, definition: dict[str, Any]) -> Outcome:
    clock = SimClock()
    info = ExecutionInfo(EXECUTION_ARN, "run", MACHINE_ARN, "Case", ROLE_ARN, {},
                         clock.now(), ACCOUNT, REGION)
    services = Services(sdk=_S3(json.dumps(body)), callbacks=Callbacks(clock))
    execution = Execution(load(json.dumps(definition)), info, clock, services=services)
    return run_sim(clock, execution.run())


def _reader(config: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return _map(distributed=True, ItemReader={
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON", **(config or {})},
        "Parameters": {"Bucket": "b", "Key": "k.json"}}, **fields)


def test_item_reader_json_object_file_is_iterated_pair_by_pair() -> None:
    outcome = _read(PAIRS, _reader())
    assert outcome.status == "SUCCEEDED" and outcome.output is not None
    assert json.loads(outcome.output) == DEFAULT_INPUTS
    selector = {"k.$": "$$.Map.Item.Key", "i.$": "$$.Map.Item.Index",
                "v.$": "$$.Map.Item.Value"}
    outcome = _read(PAIRS, _reader({"MaxItems": 2}, ItemSelector=selector))
    assert outcome.output is not None
    assert json.loads(outcome.output) == [{"k": "zeta", "i": 0, "v": {"x": 1}},
                                          {"k": "alpha", "i": 1, "v": 2}]
    jsonata = {"QueryLanguage": "JSONata", **_reader()}
    reader = jsonata["States"]["M"]["ItemReader"]
    reader["Arguments"] = reader.pop("Parameters")
    jsonata["States"]["M"]["ItemSelector"] = {"k": "{% $states.context.Map.Item.Key %}"}
    outcome = _read(PAIRS, jsonata)
    assert outcome.output is not None
    assert json.loads(outcome.output) == [{"k": key} for key in PAIRS]


def test_item_reader_pointer_to_an_object_and_a_scalar_file() -> None:
    outcome = _read({"data": {"only": 1}}, _reader({"ItemsPointer": "/data"}))
    assert outcome.output is not None
    assert json.loads(outcome.output) == [{"Key": "only", "Value": 1}]
    outcome = _read("just text", _reader())
    assert (outcome.status, outcome.error) == ("FAILED", "States.ItemReaderFailed")
