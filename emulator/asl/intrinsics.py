"""Intrinsic functions (``States.Format(...)`` and friends): parsed once, evaluated many times.

Arguments are string literals in single quotes (``\\'``, ``\\{``, ``\\}`` and ``\\\\`` escape),
numbers, ``true``/``false``/``null``, paths into the input, the context object or a variable,
and nested intrinsic calls (at most 10 deep).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from emulator import inbound
from emulator.asl import errors
from emulator.asl.paths import Env, PathMissing, Reference, compile_reference, dumps

MAX_NESTING = 10
MAX_STRING = 10_000
MAX_RANGE = 1000

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_NAME = re.compile(r"States\.[A-Za-z0-9]+")


@dataclass(frozen=True)
class Literal:
    value: Any

    def evaluate(self, data: Any, env: Env) -> Any:
        return self.value


@dataclass(frozen=True)
class PathArg:
    reference: Reference

    def evaluate(self, data: Any, env: Env) -> Any:
        try:
            return self.reference.resolve(data, env)
        except (PathMissing, KeyError):
            source = env.context if self.reference.source == "context" else data
            raise errors.runtime(
                f"The JsonPath argument for the field '{self.reference.text}' could not be found "
                f"in the input '{dumps(source)}'"
            ) from None


Arg: TypeAlias = "Literal | PathArg | Call"


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Arg, ...]
    text: str

    def evaluate(self, data: Any, env: Env) -> Any:
        values = [arg.evaluate(data, env) for arg in self.args]
        return FUNCTIONS[self.name][2](values)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, why: str) -> ValueError:
        return ValueError(f"Invalid intrinsic function call {self.text!r}: {why}")

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n\r":
            self.pos += 1

    def call(self, depth: int) -> Call:
        if depth > MAX_NESTING:
            raise self.fail(f"more than {MAX_NESTING} nested functions")
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected a States function name")
        name = match.group(0)
        if name not in FUNCTIONS:
            raise self.fail(f"unknown function {name}")
        self.pos = match.end()
        self.skip()
        if self.text[self.pos:self.pos + 1] != "(":
            raise self.fail("expected '('")
        self.pos += 1
        args: list[Arg] = []
        self.skip()
        if self.text[self.pos:self.pos + 1] == ")":
            self.pos += 1
        else:
            while True:
                self.skip()
                args.append(self.argument(depth))
                self.skip()
                char = self.text[self.pos:self.pos + 1]
                self.pos += 1
                if char == ")":
                    break
                if char != ",":
                    raise self.fail("expected ',' or ')'")
        low, high, _ = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise self.fail(f"{name} takes {_arity(low, high)} arguments, got {len(args)}")
        return Call(name, tuple(args), self.text[start:self.pos])

    def argument(self, depth: int) -> Arg:
        char = self.text[self.pos:self.pos + 1]
        if char == "'":
            return Literal(self.string())
        if char == "$":
            return PathArg(self.path())
        if self.text.startswith("States.", self.pos):
            return self.call(depth + 1)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return Literal(value)
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"unexpected argument at position {self.pos}")
        self.pos = match.end()
        number = match.group(0)
        return Literal(float(number) if match.group(1) or match.group(2) else int(number))

    def string(self) -> str:
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append("\\" + self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == "'":
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise self.fail("unterminated string")

    def path(self) -> Reference:
        start = self.pos
        depth, quote = 0, False
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                quote = char != "'"
            elif char == "'":
                quote = True
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.pos += 1
        try:
            return compile_reference(self.text[start:self.pos].strip())
        except ValueError:
            raise self.fail(f"invalid path {self.text[start:self.pos]!r}") from None


def _arity(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    return str(low) if low == high else f"{low} to {high}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def compile_intrinsic(text: str) -> Call:
    """Parse an intrinsic call; raises ValueError with the reason."""
    parser = _Parser(text.strip())
    call = parser.call(1)
    parser.skip()
    if parser.pos != len(parser.text):
        raise parser.fail("unexpected text after the call")
    return _finish(call)


def _finish(call: Call) -> Call:
    """Resolve escapes in literals (Format keeps its own to tell ``\\{`` from ``{``)."""
    args: list[Arg] = []
    for index, arg in enumerate(call.args):
        if isinstance(arg, Call):
            args.append(_finish(arg))
        elif isinstance(arg, Literal) and isinstance(arg.value, str):
            keep = call.name == "States.Format" and index == 0
            args.append(Literal(arg.value if keep else _unescape(arg.value)))
        else:
            args.append(arg)
    return Call(call.name, tuple(args), call.text)


# ----- the functions ------------------------------------------------------------------------


def _fail(name: str, why: str) -> errors.StatesError:
    return errors.StatesError(errors.INTRINSIC_FAILURE, f"Invalid arguments in {name}: {why}")


def _string(name: str, value: Any, what: str = "argument") -> str:
    if not isinstance(value, str):
        raise _fail(name, f"the {what} must be a string, got {dumps(value)}")
    return value


def _array(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(name, f"the first argument must be an array, got {dumps(value)}")
    return value


def _integer(name: str, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(name, f"the {what} must be an integer, got {dumps(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise _fail(name, f"the {what} must be an integer, got {dumps(value)}")
        return int(value)
    return value


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return dumps(value)


def _format(args: list[Any]) -> str:
    template = _string("States.Format", args[0], "first argument")
    values = args[1:]
    out: list[str] = []
    used, index = 0, 0
    while index < len(template):
        char = template[index]
        if char == "\\" and index + 1 < len(template):
            out.append(template[index + 1])
            index += 2
            continue
        if template.startswith("{}", index):
            if used >= len(values):
                raise _fail(
                    "States.Format",
                    "the number of arguments does not match the number of placeholders",
                )
            out.append(_format_value(values[used]))
            used += 1
            index += 2
            continue
        out.append(char)
        index += 1
    if used != len(values):
        raise _fail(
            "States.Format", "the number of arguments does not match the number of placeholders"
        )
    return "".join(out)


def _string_to_json(args: list[Any]) -> Any:
    text = _string("States.StringToJson", args[0])
    try:
        return inbound.loads(text)
    except ValueError:
        raise _fail("States.StringToJson", f"the argument is not valid JSON: {text}") from None


def _partition(args: list[Any]) -> list[Any]:
    items = _array("States.ArrayPartition", args[0])
    size = _integer("States.ArrayPartition", args[1], "chunk size")
    if size <= 0:
        raise _fail("States.ArrayPartition", "the chunk size must be greater than 0")
    return [items[i:i + size] for i in range(0, len(items), size)]


def _range(args: list[Any]) -> list[int]:
    name = "States.ArrayRange"
    start = _integer(name, args[0], "first argument")
    end = _integer(name, args[1], "second argument")
    step = _integer(name, args[2], "third argument")
    if step == 0:
        raise _fail(name, "the step must not be 0")
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > MAX_RANGE:
        raise _fail(name, f"the array would have more than {MAX_RANGE} items")
    return values


def _get_item(args: list[Any]) -> Any:
    items = _array("States.ArrayGetItem", args[0])
    index = _integer("States.ArrayGetItem", args[1], "index")
    if not 0 <= index < len(items):
        raise _fail("States.ArrayGetItem", f"index {index} is out of bounds")
    return items[index]


def _unique(args: list[Any]) -> list[Any]:
    seen: list[str] = []
    out: list[Any] = []
    for item in _array("States.ArrayUnique", args[0]):
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.append(key)
            out.append(item)
    return out


def _limited(name: str, value: Any) -> str:
    text = _string(name, value)
    if len(text) > MAX_STRING:
        raise _fail(name, f"the input must be at most {MAX_STRING} characters")
    return text


def _b64encode(args: list[Any]) -> str:
    text = _limited("States.Base64Encode", args[0])
    return base64.b64encode(text.encode()).decode()


def _b64decode(args: list[Any]) -> str:
    text = _limited("States.Base64Decode", args[0])
    try:
        return base64.b64decode(text.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _fail("States.Base64Decode", "the input is not valid base64") from None


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}


def _hash(args: list[Any]) -> str:
    name = "States.Hash"
    value = args[0]
    text = value if isinstance(value, str) else dumps(value)
    if len(text) > MAX_STRING:
        raise _fail(name, f"the input must be at most {MAX_STRING} characters")
    algorithm = _string(name, args[1], "algorithm")
    if algorithm not in _HASHES:
        raise _fail(
            name, f"the algorithm must be one of {', '.join(_HASHES)}, got {algorithm}"
        )
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def _merge(args: list[Any]) -> dict[str, Any]:
    name = "States.JsonMerge"
    first, second, deep = args
    if not isinstance(first, dict) or not isinstance(second, dict):
        raise _fail(name, "the first two arguments must be JSON objects")
    if deep is not False:
        raise _fail(name, "deep merging is not supported; the third argument must be false")
    return {**first, **second}


def _random(args: list[Any]) -> int:
    name = "States.MathRandom"
    start = _integer(name, args[0], "start")
    end = _integer(name, args[1], "end")
    if end <= start:
        raise _fail(name, "the end must be greater than the start")
    generator = random.Random(_integer(name, args[2], "seed")) if len(args) > 2 else random
    return generator.randrange(start, end)


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _add(args: list[Any]) -> int:
    total = 0
    for value, what in zip(args, ("first argument", "second argument"), strict=True):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail("States.MathAdd", f"the {what} must be a number, got {dumps(value)}")
        number = math.floor(value + 0.5) if isinstance(value, float) else value
        if not _INT_MIN <= number <= _INT_MAX:
            raise _fail("States.MathAdd", f"the {what} is outside the integer range")
        total += number
    return total


def _split(args: list[Any]) -> list[str]:
    text = _string("States.StringSplit", args[0], "first argument")
    delimiters = _string("States.StringSplit", args[1], "second argument")
    if not delimiters:
        return [text] if text else []
    pattern = "[" + re.escape(delimiters) + "]"
    return [part for part in re.split(pattern, text) if part]


Impl = Callable[[list[Any]], Any]

# name -> (fewest arguments, most arguments or None, implementation)
FUNCTIONS: dict[str, tuple[int, int | None, Impl]] = {
    "States.Format": (1, None, _format),
    "States.StringToJson": (1, 1, _string_to_json),
    "States.JsonToString": (1, 1, lambda a: dumps(a[0])),
    "States.Array": (0, None, lambda a: list(a)),
    "States.ArrayPartition": (2, 2, _partition),
    "States.ArrayContains": (
        2, 2, lambda a: _array("States.ArrayContains", a[0]).count(a[1]) > 0
    ),
    "States.ArrayRange": (3, 3, _range),
    "States.ArrayGetItem": (2, 2, _get_item),
    "States.ArrayLength": (1, 1, lambda a: len(_array("States.ArrayLength", a[0]))),
    "States.ArrayUnique": (1, 1, _unique),
    "States.Base64Encode": (1, 1, _b64encode),
    "States.Base64Decode": (1, 1, _b64decode),
    "States.Hash": (2, 2, _hash),
    "States.JsonMerge": (3, 3, _merge),
    "States.MathRandom": (2, 3, _random),
    "States.MathAdd": (2, 2, _add),
    "States.StringSplit": (2, 2, _split),
    "States.UUID": (0, 0, lambda a: str(uuid.uuid4())),
}


__all__ = ["FUNCTIONS", "Call", "compile_intrinsic"]
