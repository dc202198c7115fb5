"""Loading a Map state: ItemProcessor (or the legacy Iterator), items, selectors, limits."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from emulator.asl.item_reader import load_item_reader
from emulator.asl.nodes import JSONATA, ItemBatcher, MapState
from emulator.asl.result_writer import load_result_writer

if TYPE_CHECKING:
    from emulator.asl.loader import Loader

_LABEL_FORBIDDEN = " <>{}[]?*\"#%\\^|~`$&,;:/"
PROCESSOR_FIELDS = {"Comment", "StartAt", "States", "ProcessorConfig"}


def load_map(loader: Loader, name: str, body: dict[str, Any], at: str, lang: str) -> MapState:
    state = MapState(name, "Map", lang)
    jsonata = lang == JSONATA
    if "ItemProcessor" in body and "Iterator" in body:
        loader.problem("Only one of the fields 'ItemProcessor' and 'Iterator' is allowed", at)
    key = "ItemProcessor" if "ItemProcessor" in body else "Iterator"
    processor = body.get(key)
    if processor is None:
        loader.required(body, ["ItemProcessor"], at)
    elif not isinstance(processor, dict):
        loader.problem(f"The value for the field '{key}' must be a JSON object", f"{at}/{key}")
    else:
        where = f"{at}/{key}"
        if "QueryLanguage" in processor:
            loader.problem("Field 'QueryLanguage' is not supported", where)
        config = processor.get("ProcessorConfig", {})
        if not isinstance(config, dict):
            loader.problem("The value for the field 'ProcessorConfig' must be a JSON object",
                           f"{where}/ProcessorConfig")
            config = {}
        loader.unknown_fields(config, {"Mode", "ExecutionType"}, f"{where}/ProcessorConfig")
        mode = config.get("Mode", "INLINE")
        if mode not in ("INLINE", "DISTRIBUTED"):
            loader.problem("The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]",
                           f"{where}/ProcessorConfig/Mode")
        else:
            state.mode = mode
        execution_type = config.get("ExecutionType")
        if execution_type is not None:
            if mode != "DISTRIBUTED":
                loader.problem("Field 'ExecutionType' is only supported in DISTRIBUTED mode",
                               f"{where}/ProcessorConfig/ExecutionType")
            elif execution_type not in ("STANDARD", "EXPRESS"):
                loader.problem(
                    "The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]",
                    f"{where}/ProcessorConfig/ExecutionType",
                )
            else:
                state.execution_type = execution_type
        inner = {k: v for k, v in processor.items() if k not in ("ProcessorConfig",
                                                                  "QueryLanguage")}
        state.processor = loader.machine(inner, where, loader.top_language)
        state.processor_definition = json.dumps(processor)
    _items(loader, state, body, at, jsonata)
    _limits(loader, state, body, at, lang)
    if "Label" in body:
        label = loader.string(body["Label"], "Label", f"{at}/Label")
        if label is not None and (len(label) > 40 or any(c in label for c in _LABEL_FORBIDDEN)):
            loader.problem("The value for the field 'Label' is invalid", f"{at}/Label")
        state.label = label
    distributed_fields = (("ItemBatcher", "item_batcher", _batcher),
                          ("ItemReader", "item_reader", load_item_reader),
                          ("ResultWriter", "result_writer", load_result_writer))
    for field, attribute, load in distributed_fields:
        if field in body:
            setattr(state, attribute, load(loader, body[field], f"{at}/{field}", lang))
            if state.mode != "DISTRIBUTED":
                loader.problem(f"Field '{field}' is only supported in DISTRIBUTED mode",
                               f"{at}/{field}")
    return state


def _items(loader: Loader, state: MapState, body: dict[str, Any], at: str, jsonata: bool) -> None:
    if jsonata:
        if "Items" in body:
            items = body["Items"]
            if not isinstance(items, list) and not loader.is_jsonata(items):
                loader.problem("The value for the field 'Items' must be an array or a JSONata "
                               "expression", f"{at}/Items")
            else:
                state.items_expr = loader.jsonata_value(items, "Items", f"{at}/Items")
        if "ItemSelector" in body:
            state.item_selector_expr = loader.jsonata_value(
                body["ItemSelector"], "ItemSelector", f"{at}/ItemSelector"
            )
        return
    if "ItemsPath" in body:
        state.items_path = loader.nullable_read_path(body["ItemsPath"], "ItemsPath",
                                                     f"{at}/ItemsPath", definite=True)
        state.items_path_set = True
    if "ItemSelector" in body and "Parameters" in body:
        loader.problem("Only one of the fields 'ItemSelector' and 'Parameters' is allowed", at)
    for key in ("ItemSelector", "Parameters"):
        if key in body:
            state.item_selector = loader.template(body[key], f"{at}/{key}")


def _limits(loader: Loader, state: MapState, body: dict[str, Any], at: str, lang: str) -> None:
    value, path, expr = loader.number_field(body, "MaxConcurrency", at, lang, context=False)
    state.max_concurrency = value or 0
    state.max_concurrency_path, state.max_concurrency_expr = path, expr
    value, path, expr = loader.number_field(body, "ToleratedFailureCount", at, lang,
                                            context=False)
    state.tolerated_failure_count = value
    state.tolerated_failure_count_path, state.tolerated_failure_count_expr = path, expr
    key = "ToleratedFailurePercentage"
    if not loader.one_of(body, key, at):
        return
    if key in body:
        raw = body[key]
        if lang == JSONATA and loader.is_jsonata(raw):
            state.tolerated_failure_percentage_expr = loader.jsonata_value(raw, key, f"{at}/{key}")
        else:
            percentage = loader.bounded(raw, key, f"{at}/{key}", 0, 100, kind="NUMBER")
            if percentage is not None:
                state.tolerated_failure_percentage = float(percentage)
    state.tolerated_failure_percentage_path = loader.number_path(
        body, f"{key}Path", at, lang, context=False, nested=False)


def _batcher(loader: Loader, data: Any, at: str, lang: str) -> ItemBatcher | None:
    if not isinstance(data, dict):
        loader.problem("The value for the field 'ItemBatcher' must be a JSON object", at)
        return None
    loader.unknown_fields(data, {"MaxItemsPerBatch", "MaxItemsPerBatchPath",
                                 "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath",
                                 "BatchInput"}, at)
    batcher = ItemBatcher()
    batcher.max_items, batcher.max_items_path, batcher.max_items_expr = loader.number_field(
        data, "MaxItemsPerBatch", at, lang, minimum=1, context=False, nested=True
    )
    batcher.max_bytes, batcher.max_bytes_path, _ = loader.number_field(
        data, "MaxInputBytesPerBatch", at, lang, minimum=1, context=False, nested=True
    )
    if not any(k in data for k in ("MaxItemsPerBatch", "MaxItemsPerBatchPath",
                                   "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")):
        loader.problem("At least one of the fields 'MaxItemsPerBatch' or "
                       "'MaxInputBytesPerBatch' is required", at)
    if "BatchInput" in data:
        if lang == JSONATA:
            batcher.batch_input_expr = loader.jsonata_value(data["BatchInput"], "BatchInput",
                                                            f"{at}/BatchInput")
        else:
            batcher.batch_input = loader.template(data["BatchInput"], f"{at}/BatchInput")
    return batcher


__all__ = ["load_map"]
