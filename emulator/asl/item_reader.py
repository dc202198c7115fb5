"""A Distributed Map's ItemReader: the items read from S3 instead of the state's input.

``arn:aws:states:::s3:listObjectsV2`` gives one item per object of a bucket (and prefix);
``arn:aws:states:::s3:getObject`` one item per element of a JSON array, per line of a JSON
Lines file, or per row of a CSV file (values as strings, keyed by the header row or the
given headers). See https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import SdkCaller
from emulator.asl.nodes import JSONATA, Expr
from emulator.asl.paths import Evaluator, Reference, dumps
from emulator.asl.resources import not_recognized

if TYPE_CHECKING:
    from emulator.asl.loader import Loader

_RESOURCES = {"arn:aws:states:::s3:getObject": "GetObject",
              "arn:aws:states:::s3:listObjectsV2": "ListObjectsV2"}
_INPUT_TYPES = ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET")
_DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
_READER_FIELDS = {"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems",
                  "MaxItemsPath", "Transformation", "ManifestType"}


@dataclass
class ItemReader:
    operation: str  # the S3 operation: GetObject or ListObjectsV2
    input_type: str = "JSON"
    header_location: str = "FIRST_ROW"
    headers: list[str] | None = None
    delimiter: str = ","
    max_items: int | None = None
    max_items_path: Reference | None = None
    max_items_expr: Expr | None = None
    parameters: Evaluator | None = None  # JSONPath: Parameters
    arguments: Expr | None = None  # JSONata: Arguments


def load_item_reader(loader: Loader, value: Any, at: str, lang: str) -> ItemReader | None:
    if not isinstance(value, dict):
        loader.problem("The value for the field 'ItemReader' must be a JSON object", at)
        return None
    jsonata = lang == JSONATA
    loader.unknown_fields(value, {"Resource", "ReaderConfig",
                                  "Arguments" if jsonata else "Parameters"}, at)
    resource = value.get("Resource")
    operation = _RESOURCES.get(str(resource))
    if operation is None:
        loader.problem(not_recognized(str(resource)), f"{at}/Resource")
        return None
    reader = ItemReader(operation)
    if jsonata and "Arguments" in value:
        reader.arguments = loader.jsonata_value(value["Arguments"], "Arguments",
                                                f"{at}/Arguments")
    elif not jsonata and "Parameters" in value:
        reader.parameters = loader.template(value["Parameters"], f"{at}/Parameters")
    config = value.get("ReaderConfig", {})
    where = f"{at}/ReaderConfig"
    if not isinstance(config, dict):
        loader.problem("The value for the field 'ReaderConfig' must be a JSON object", where)
        return reader
    loader.unknown_fields(config, _READER_FIELDS, where)
    if operation == "GetObject":
        input_type = config.get("InputType")
        if input_type not in _INPUT_TYPES:
            loader.problem("The value for the field 'InputType' must be one of "
                           f"[{', '.join(_INPUT_TYPES)}]", f"{where}/InputType")
        else:
            reader.input_type = input_type
    location = config.get("CSVHeaderLocation", "FIRST_ROW")
    if location not in ("FIRST_ROW", "GIVEN"):
        loader.problem("The value for the field 'CSVHeaderLocation' must be one of "
                       "[FIRST_ROW, GIVEN]", f"{where}/CSVHeaderLocation")
    reader.header_location = str(location)
    headers = config.get("CSVHeaders")
    if location == "GIVEN":
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            loader.problem("The field 'CSVHeaders' must be a list of strings when "
                           "'CSVHeaderLocation' is GIVEN", f"{where}/CSVHeaders")
        else:
            reader.headers = headers
    delimiter = config.get("CSVDelimiter", "COMMA")
    if delimiter not in _DELIMITERS:
        loader.problem("The value for the field 'CSVDelimiter' must be one of "
                       f"[{', '.join(_DELIMITERS)}]", f"{where}/CSVDelimiter")
    else:
        reader.delimiter = _DELIMITERS[delimiter]
    reader.max_items, reader.max_items_path, reader.max_items_expr = loader.number_field(
        config, "MaxItems", where, lang, minimum=1)
    return reader


async def read_items(reader: ItemReader, params: Any, max_items: int | None, sdk: SdkCaller,
                     *, account: str, region: str) -> list[Any]:
    """The items of the data set; failures are States.ItemReaderFailed."""
    if not isinstance(params, dict):
        raise StatesError(errors.ITEM_READER_FAILED,
                          f"The ItemReader parameters must be a JSON object, got {dumps(params)}")
    if reader.operation == "ListObjectsV2":
        items = await _objects(params, max_items, sdk, account, region)
    else:
        answer = await _call(sdk, "GetObject", params, account, region)
        items = _parse(reader, _text(answer.get("Body", "")))
    return items[:max_items] if max_items else items


async def _call(sdk: SdkCaller, operation: str, params: dict[str, Any], account: str,
                region: str) -> dict[str, Any]:
    try:
        return await sdk.call("s3", operation, params, account=account, region=region,
                              error_prefix="S3")
    except StatesError as failure:
        raise StatesError(errors.ITEM_READER_FAILED, failure.cause or failure.error) from None


async def _objects(params: dict[str, Any], max_items: int | None, sdk: SdkCaller,
                   account: str, region: str) -> list[Any]:
    items: list[Any] = []
    request = dict(params)
    while True:
        answer = await _call(sdk, "ListObjectsV2", request, account, region)
        for entry in answer.get("Contents") or []:
            items.append({"Etag": entry.get("ETag"), "Key": entry.get("Key"),
                          "LastModified": _epoch(entry.get("LastModified")),
                          "Size": entry.get("Size"),
                          "StorageClass": entry.get("StorageClass", "STANDARD")})
        token = answer.get("NextContinuationToken")
        if not answer.get("IsTruncated") or not token or (max_items and len(items) >= max_items):
            return items
        request["ContinuationToken"] = token


def _epoch(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        except ValueError:
            return value
    return value


def _text(body: Any) -> str:
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, (bytes, bytearray)):
        return body.decode("utf-8", errors="replace")
    return body if isinstance(body, str) else json.dumps(body)


def _parse(reader: ItemReader, text: str) -> list[Any]:
    if reader.input_type == "JSON":
        try:
            data = json.loads(text)
        except ValueError:
            raise StatesError(errors.ITEM_READER_FAILED,
                              "Attempting to map over non-iterable node.") from None
        if not isinstance(data, list):
            raise StatesError(errors.ITEM_READER_FAILED,
                              "Attempting to map over non-iterable node.")
        return data
    if reader.input_type == "JSONL":
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError:
                raise StatesError(errors.ITEM_READER_FAILED,
                                  f"Line {number} of the JSONL file is not valid JSON") from None
        return items
    if reader.input_type == "CSV":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=reader.delimiter))
        rows = [row for row in rows if row]
        headers = reader.headers
        if reader.header_location == "FIRST_ROW":
            if not rows:
                return []
            headers, rows = rows[0], rows[1:]
        assert headers is not None
        items = []
        for row in rows:
            if len(row) > len(headers):
                raise StatesError(errors.ITEM_READER_FAILED,
                                  "CSV file has a row with more fields than headers")
            items.append({name: row[i] if i < len(row) else ""
                          for i, name in enumerate(headers)})
        return items
    raise StatesError(errors.ITEM_READER_FAILED,
                      f"The {reader.input_type} input type is not supported by this emulator")


__all__ = ["ItemReader", "load_item_reader", "read_items"]
