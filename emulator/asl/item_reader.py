"""A Distributed Map's ItemReader: the items read from S3 instead of the state's input.

``arn:aws:states:::s3:listObjectsV2`` gives one item per object of a bucket (and prefix), or
with LOAD_AND_FLATTEN the items of every listed object; ``arn:aws:states:::s3:getObject`` one
item per element of a JSON array, or per key-value pair of a JSON object (see map_items; also
of the array or object an ItemsPointer selects), per line of a JSON
Lines file, per row of a CSV file (values as strings, keyed by the header row or the given
headers), or per object of an S3 inventory (MANIFEST). GZIP files are read decompressed. See https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
"""

from __future__ import annotations

import base64
import contextlib
import csv
import gzip
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import SdkCaller
from emulator.asl.map_items import MapItems
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
                  "MaxItemsPath", "Transformation", "ManifestType", "ItemsPointer"}


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
    items_pointer: str | None = None  # a JSON Pointer into a JSON file
    load_and_flatten: bool = False  # listObjectsV2: read each listed object's items


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
    transformation = config.get("Transformation", "NONE")
    if transformation not in ("NONE", "LOAD_AND_FLATTEN"):
        loader.problem("The value for the field 'Transformation' must be one of "
                       "[NONE, LOAD_AND_FLATTEN]", f"{where}/Transformation")
    reader.load_and_flatten = transformation == "LOAD_AND_FLATTEN"
    if config.get("ManifestType") == "S3_INVENTORY" and "InputType" not in config:
        reader.input_type = "MANIFEST"
    elif operation == "GetObject" or reader.load_and_flatten or "InputType" in config:
        input_type = config.get("InputType")
        if input_type not in _INPUT_TYPES:
            loader.problem("The value for the field 'InputType' must be one of "
                           f"[{', '.join(_INPUT_TYPES)}]", f"{where}/InputType")
        else:
            reader.input_type = input_type
    pointer = config.get("ItemsPointer")
    if pointer is not None:
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            loader.problem("The value for the field 'ItemsPointer' must be a JSON Pointer",
                           f"{where}/ItemsPointer")
        else:
            reader.items_pointer = pointer
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
        config, "MaxItems", where, lang, minimum=1, maximum=100_000_000, context=False,
        nested=True)
    return reader


async def read_items(reader: ItemReader, params: Any, max_items: int | None, sdk: SdkCaller,
                     *, account: str, region: str) -> MapItems:
    """The items of the data set; failures are States.ItemReaderFailed."""
    if not isinstance(params, dict):
        raise StatesError(errors.ITEM_READER_FAILED,
                          f"The ItemReader parameters must be a JSON object, got {dumps(params)}")
    if reader.operation == "ListObjectsV2" and not reader.load_and_flatten:
        items = MapItems(await _objects(params, max_items, sdk, account, region))
    elif reader.operation == "ListObjectsV2":
        items = MapItems([])
        for listed in await _objects(params, None, sdk, account, region):
            if str(listed["Key"]).endswith("/") and not listed["Size"]:
                continue  # a folder marker has no items
            items += await _read_object(reader, {"Bucket": params.get("Bucket"),
                                                 "Key": listed["Key"]}, sdk, account, region)
            if max_items and len(items) >= max_items:
                break
    elif reader.input_type == "MANIFEST":
        items = await _inventory(reader, params, sdk, account, region)
    else:
        items = await _read_object(reader, params, sdk, account, region)
    return items.first(max_items)


async def _read_object(reader: ItemReader, params: dict[str, Any], sdk: SdkCaller,
                       account: str, region: str) -> MapItems:
    answer = await _call(sdk, "GetObject", params, account, region)
    return _parse(reader, _text(answer.get("Body", ""), str(params.get("Key", ""))))


async def _inventory(reader: ItemReader, params: dict[str, Any], sdk: SdkCaller,
                     account: str, region: str) -> MapItems:
    """An S3 inventory: the manifest names gzipped CSV files of the fileSchema's columns."""
    answer = await _call(sdk, "GetObject", params, account, region)
    try:
        manifest = json.loads(_text(answer.get("Body", "")))
        bucket = str(manifest["destinationBucket"]).rsplit(":", 1)[-1]
        headers = [name.strip() for name in str(manifest["fileSchema"]).split(",")]
        keys = [str(entry["key"]) for entry in manifest["files"]]
    except (ValueError, KeyError, TypeError):
        raise StatesError(errors.ITEM_READER_FAILED,
                          "The S3 inventory manifest is not valid") from None
    rows = ItemReader("GetObject", "CSV", "GIVEN", headers, reader.delimiter)
    items = MapItems([])
    for key in keys:
        items += await _read_object(rows, {"Bucket": bucket, "Key": key}, sdk, account,
                                    region)
    return items


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


def _text(body: Any, key: str = "") -> str:
    """An object's body as text, decompressed when gzipped (the SDK caller answers bytes
    that are not UTF-8 in base64)."""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str) and key.endswith((".gz", ".gzip")):
        with contextlib.suppress(ValueError):
            body = base64.b64decode(body, validate=True)
    if isinstance(body, (bytes, bytearray)):
        raw = bytes(body)
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except OSError:
                raise StatesError(errors.ITEM_READER_FAILED,
                                  f"The object {key} is not a valid GZIP file") from None
        return raw.decode("utf-8", errors="replace")
    return body if isinstance(body, str) else json.dumps(body)


def _pointed(data: Any, pointer: str) -> Any:
    """The value a JSON Pointer (RFC 6901) selects."""
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            raise StatesError(errors.ITEM_READER_FAILED,
                              f"The ItemsPointer {pointer} does not select a value")
    return data


def _parse(reader: ItemReader, text: str) -> MapItems:
    if reader.input_type == "JSON":
        try:
            data = json.loads(text)
        except ValueError:
            raise StatesError(errors.ITEM_READER_FAILED,
                              "Attempting to map over non-iterable node.") from None
        if reader.items_pointer is not None:
            data = _pointed(data, reader.items_pointer)
        found = MapItems.of(data)  # an array's elements or an object's key-value pairs
        if found is None:
            raise StatesError(errors.ITEM_READER_FAILED,
                              "Attempting to map over non-iterable node.")
        return found
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
        return MapItems(items)
    if reader.input_type == "CSV":
        rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")),
                                          delimiter=reader.delimiter, escapechar="\\")
                if row]
        headers = reader.headers
        if reader.header_location == "FIRST_ROW":
            if not rows:
                return MapItems([])
            headers, rows = rows[0], rows[1:]
        assert headers is not None
        items = []
        for row in rows:  # missing fields are empty strings; extra fields are skipped
            items.append({name: row[i] if i < len(row) else ""
                          for i, name in enumerate(headers)})
        return MapItems(items)
    raise StatesError(errors.ITEM_READER_FAILED,
                      f"The {reader.input_type} input type is not supported by this emulator")


__all__ = ["ItemReader", "load_item_reader", "read_items"]
