"""JSONata fields: ``{% expression %}`` strings compiled once with the jsonata-python library.

A JSONata field may hold any JSON value; strings of the form ``{% ... %}`` inside it are
expressions, evaluated with ``$states`` and the workflow variables bound. Step Functions adds
``$partition``, ``$range``, ``$hash``, ``$random``, ``$uuid`` and ``$parse``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import uuid
from typing import Any

import jsonata as _jsonata
from jsonata.jexception import JException
from jsonata.utils import Utils

from emulator import inbound
from emulator.asl import errors
from emulator.asl.nodes import Expr
from emulator.asl.paths import Env

_CODE = re.compile(r"^[A-Z]\d{4}:?\s*")
# Step Functions bounds an evaluation's nesting and its time; an unbounded tail-recursive loop
# would never end. The depth counts nested evaluation frames as jsonata's Timebox does (every AST
# node entered and not yet left): measured against AWS, five different expressions counted that
# way all hit AWS's limit at 99 to 101 (floci-io/floci#2737), so a non-tail-recursive function
# fails after some 30 calls here as there. Evaluation runs on the caller's thread (the event
# loop): expressions are evaluated synchronously throughout the interpreter.
MAX_DEPTH = 100
TIMEOUT_MS = 5000
STACK_OVERFLOW = ("Stack overflow error: Check for non-terminating recursive function. "
                  "Consider rewriting as tail-recursive.")
_PLACEHOLDER = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")
# jsonata-js names the element type an array argument must hold.
_ARRAY_TYPES = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects",
                "s": "strings"}


def _stringify(value: Any) -> str:
    """``JSON.stringify`` as jsonata-js applies it to a message's ``{{placeholder}}``."""
    if value is None:
        return "undefined"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def describe(error: JException) -> tuple[str, str]:
    """The error code and message as jsonata-js (and so Step Functions) words them.

    jsonata-python keeps the port's templates, which say "Object" where jsonata-js says
    "function", quote with double quotes where it uses single ones, and fill placeholders
    without JSON quoting; the message is rebuilt from the code and the exception's values.
    """
    code = str(error.error)
    template = JException.error_codes.get(code)
    if template is None:
        return code, _CODE.sub("", str(error))
    template = re.sub(r"\bObject\b", "function", template).replace('"', "'")
    values = [error.current, error.expected, error.extra]
    if code == "T0412":
        values[2] = _ARRAY_TYPES.get(str(error.extra), error.extra)
    remaining = iter(values)

    def fill(match: re.Match[str]) -> str:
        value = next(remaining, None)
        return str(value) if match.group(1) else _stringify(value)

    return code, _PLACEHOLDER.sub(fill, template)


def is_expression(value: Any) -> bool:
    return (
        isinstance(value, str) and value.startswith("{%") and value.endswith("%}")
        and len(value) >= 4
    )


def _failure(cause: str) -> errors.StatesError:
    return errors.StatesError(errors.QUERY_EVALUATION_ERROR, cause)


def _partition(items: Any, size: Any) -> list[Any]:
    if not isinstance(items, list) or isinstance(size, bool) or not isinstance(size, (int, float)):
        raise _failure("Invalid arguments to $partition: expected an array and a number")
    chunk = int(size)
    if chunk <= 0:
        raise _failure("Invalid arguments to $partition: the size must be a positive integer")
    return [items[i:i + chunk] for i in range(0, len(items), chunk)]


def _range(start: Any, end: Any, step: Any) -> list[Any]:
    for value in (start, end, step):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _failure("Invalid arguments to $range: expected three numbers")
    if step == 0:
        raise _failure("Invalid arguments to $range: the step must not be 0")
    out: list[Any] = []
    value = start
    while (value <= end) if step > 0 else (value >= end):
        out.append(value)
        value += step
        if len(out) > 1000:
            raise _failure("Invalid arguments to $range: the array would exceed 1000 items")
    return out


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}


def _hash(value: Any, algorithm: Any) -> str:
    if not isinstance(value, str) or algorithm not in _HASHES:
        raise _failure(
            "Invalid arguments to $hash: expected a string and one of " + ", ".join(_HASHES)
        )
    return hashlib.new(_HASHES[algorithm], value.encode()).hexdigest()


def _random(*seed: Any) -> float:
    if seed:
        return random.Random(seed[0]).random()
    return random.random()


def _parse(text: Any) -> Any:
    if not isinstance(text, str):
        raise _failure("Invalid arguments to $parse: expected a string")
    try:
        return inbound.loads(text)
    except ValueError:
        raise _failure(f"Invalid arguments to $parse: {text} is not valid JSON") from None


_FUNCTIONS: dict[str, Any] = {
    "partition": _jsonata.Jsonata.JLambda(_partition),
    "range": _jsonata.Jsonata.JLambda(_range),
    "hash": _jsonata.Jsonata.JLambda(_hash),
    "random": _jsonata.Jsonata.JLambda(_random),
    "uuid": _jsonata.Jsonata.JLambda(lambda: str(uuid.uuid4())),
    "parse": _jsonata.Jsonata.JLambda(_parse),
}


def _to_json(value: Any) -> Any:
    """Convert jsonata-python results to plain JSON values (whole floats become ints)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


class Expression:
    """One compiled ``{% ... %}`` expression."""

    def __init__(self, text: str, field: str) -> None:
        self.field = field
        body = text[2:-2].strip()
        self.source = body  # causes quote the expression without its delimiters
        try:
            self._compiled = _jsonata.Jsonata(body)
        except JException as error:
            raise ValueError(describe(error)[1]) from None
        except Exception as error:  # the parser raises plain errors for some input
            raise ValueError(str(error)) from None
        self._compiled.set_output_convert_nulls(False)
        self._compiled.set_validate_input(False)

    @property
    def _threw(self) -> str:
        return (f"The JSONata expression '{self.source}' specified for the field '{self.field}' "
                "threw an error during evaluation")

    def __call__(self, states: dict[str, Any], env: Env) -> Any:
        # A fresh frame per evaluation: its bounds count this evaluation's depth and time.
        frame = self._compiled.create_frame(self._compiled.environment)
        for name, value in _FUNCTIONS.items():
            frame.bind(name, value)
        for name, value in env.all_variables().items():
            frame.bind(name, value)
        frame.bind("states", states)
        frame.set_runtime_bounds(TIMEOUT_MS, MAX_DEPTH)
        try:
            result = self._compiled.evaluate(None, frame)
        except errors.StatesError:
            raise
        except JException as error:
            if error.error == "D1011":
                raise _failure(f"{self._threw}: {STACK_OVERFLOW}") from None
            code, message = describe(error)
            raise _failure(f"{self._threw}. {code}: {message}") from None
        except RecursionError:
            raise _failure(f"{self._threw}: {STACK_OVERFLOW}") from None
        except Exception as error:
            raise _failure(f"{self._threw}: {error}") from None
        if result is None:
            raise _failure(
                f"The JSONata expression '{self.source}' specified for the field "
                f"'{self.field}' returned nothing (undefined)."
            )
        if callable(getattr(result, "call", None)):
            raise _failure(
                f"The JSONata expression '{self.source}' specified for the field "
                f"'{self.field}' returned a function, which is not a JSON value."
            )
        return _to_json(Utils.convert_nulls(result))


def compile_value(value: Any, field: str) -> Expr:
    """Compile a JSONata field value (any JSON, with ``{% %}`` strings anywhere inside).

    Raises ValueError(message, path) for an expression that does not parse.
    """
    if is_expression(value):
        try:
            return Expression(value, field)
        except ValueError as error:
            raise TemplateSyntaxError(field, str(error)) from None
    if isinstance(value, dict):
        parts = [(k, compile_value(v, f"{field}/{k}")) for k, v in value.items()]
        if not any(_has_expression(v) for v in value.values()):
            return lambda states, env: value

        def build(states: dict[str, Any], env: Env) -> Any:
            return {k: part(states, env) for k, part in parts}

        return build
    if isinstance(value, list):
        if not _has_expression(value):
            return lambda states, env: value
        items = [compile_value(v, f"{field}[{i}]") for i, v in enumerate(value)]
        return lambda states, env: [item(states, env) for item in items]
    return lambda states, env: value


class TemplateSyntaxError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _has_expression(value: Any) -> bool:
    if is_expression(value):
        return True
    if isinstance(value, dict):
        return any(_has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_expression(v) for v in value)
    return False


__all__ = ["Expression", "TemplateSyntaxError", "compile_value", "is_expression"]
