"""Method request validation: required parameters and body models (JSON Schema draft 4),
each checked when the method's request validator asks for it, with AWS's messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from emulator import inbound

MODEL_URI = "https://apigateway.amazonaws.com/restapis/{api}/models/{name}"


@dataclass
class Invalid(Exception):
    response_type: str  # BAD_REQUEST_PARAMETERS or BAD_REQUEST_BODY
    message: str
    validation_error: str


def missing_parameters(method: dict[str, Any], params: dict[str, dict[str, str]],
                       multi_query: dict[str, list[str]]) -> list[str]:
    """The names of required method request parameters the request does not carry."""
    missing: list[str] = []
    for key, required in (method.get("requestParameters") or {}).items():
        if not required:
            continue
        parts = key.split(".", 3)
        if len(parts) != 4:
            continue
        where, name = parts[2], parts[3]
        if where == "header":
            present = any(k.lower() == name.lower() for k in params.get("header", {}))
        elif where == "querystring":
            present = name in params.get("querystring", {}) or name in multi_query
        elif where == "multivaluequerystring":
            present = name in multi_query
        else:
            present = bool(params.get(where, {}).get(name))
        if not present:
            missing.append(name)
    return missing


def _describe(error: ValidationError) -> str:
    """An error as API Gateway's validator words it."""
    if error.validator == "required":
        names = [n for n in error.validator_value if n not in (error.instance or {})]
        return f"object has missing required properties ({json.dumps(names)})"
    if error.validator == "type":
        allowed = error.validator_value
        allowed = allowed if isinstance(allowed, list) else [allowed]
        return (f"instance type ({_json_type(error.instance)}) does not match any allowed "
                f"primitive type (allowed: {json.dumps(allowed)})")
    if error.validator == "enum":
        return (f"instance value ({json.dumps(error.instance)}) not found in enum "
                f"(possible values: {json.dumps(error.validator_value)})")
    if error.validator in ("minimum", "maximum"):
        relation = "lower" if error.validator == "minimum" else "greater"
        return (f"numeric instance is {relation} than the required "
                f"{error.validator} ({error.validator}: {error.validator_value}, "
                f"found: {error.instance})")
    if error.validator in ("minLength", "maxLength"):
        relation = "shorter" if error.validator == "minLength" else "longer"
        return (f"string \"{error.instance}\" is too {relation} (length: "
                f"{len(error.instance)}, required {error.validator}: {error.validator_value})")
    return str(error.message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def model_for(method: dict[str, Any], content_type: str | None) -> str | None:
    models: dict[str, str] = method.get("requestModels") or {}
    media = (content_type or "application/json").split(";")[0].strip().lower()
    return models.get(media) or models.get("$default")


def check_body(api_id: str, models: dict[str, dict[str, Any]], model_name: str, body: bytes
               ) -> None:
    """Raise :class:`Invalid` when ``body`` does not satisfy the model."""
    model = models.get(model_name)
    if model is None or not model.get("schema"):
        return
    try:
        schema = inbound.loads(model["schema"])
    except ValueError:
        return
    try:
        instance = inbound.loads(body) if body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise Invalid("BAD_REQUEST_BODY", "Invalid request body",
                      "[Invalid JSON in request body]") from None
    resources = []
    for name, other in models.items():
        try:
            document = inbound.loads(other.get("schema") or "{}")
        except ValueError:
            continue
        uri = MODEL_URI.format(api=api_id, name=name)
        resources.append((uri, Resource.from_contents(document, default_specification=DRAFT4)))
    validator = Draft4Validator(schema, registry=Registry().with_resources(resources))
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        text = "[" + ", ".join(_describe(e) for e in errors) + "]"
        raise Invalid("BAD_REQUEST_BODY", "Invalid request body", text)


__all__ = ["Invalid", "check_body", "missing_parameters", "model_for"]
