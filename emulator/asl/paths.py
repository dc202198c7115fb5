"""JSONPath in the States Language: paths, reference paths and ResultPath.

Every path is compiled once, at load time, with jsonpath-ng. Paths made only of field names and
single indexes ("definite" paths, which include every reference path) are walked directly; any
other path (wildcards, slices, filters, descendants) is evaluated by jsonpath-ng and yields a
list, as Jayway JsonPath does on AWS.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from jsonpath_ng import JSONPath
from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext.parser import parse as _parse
from jsonpath_ng.jsonpath import Child, DatumInContext, Fields, Index, Root

from emulator.asl import errors


def dumps(value: Any) -> str:
    """JSON as Step Functions writes it: compact, non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Env(Protocol):
    """What evaluating a path or template needs besides the input."""

    @property
    def context(self) -> dict[str, Any]: ...

    def variable(self, name: str) -> Any:
        """The value of ``$name``; raises KeyError when it is not defined."""
        ...

    def all_variables(self) -> dict[str, Any]:
        """Every variable visible here, inner scopes shadowing outer ones."""
        ...


class PathMissing(Exception):
    """A definite path matched nothing."""


_VARIABLE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Path:
    """A compiled JSONPath rooted at ``$``."""

    text: str
    steps: tuple[str | int, ...] | None  # set for definite paths
    expr: JSONPath
    merged: bool = False  # a definite path ending in ['a','b']: one object, not a list

    @property
    def definite(self) -> bool:
        return self.steps is not None

    def bracketed(self) -> str:
        """The path in bracket notation, as Jayway words it in error messages."""
        if self.steps is None:
            return self.text
        return "$" + "".join(f"['{s}']" if isinstance(s, str) else f"[{s}]" for s in self.steps)

    def get(self, data: Any) -> Any:
        """The value the path selects; a list for indefinite paths. Raises PathMissing."""
        if self.steps is None:
            try:
                found = [match.value for match in self.expr.find(data)]
            except Exception as error:  # filters comparing mismatched types, and the like
                raise PathMissing(str(error)) from None
            if self.merged:
                if not found:
                    raise PathMissing(self.text)
                return found[0]
            return found
        value = data
        for step in self.steps:
            if isinstance(step, str):
                if not isinstance(value, dict) or step not in value:
                    raise PathMissing(step)
                value = value[step]
            else:
                if not isinstance(value, list) or not -len(value) <= step < len(value):
                    raise PathMissing(step)
                value = value[step]
        return value


def _steps(expr: JSONPath) -> list[str | int] | None:
    if isinstance(expr, Root):
        return []
    if isinstance(expr, Child):
        left = _steps(expr.left)
        if left is None:
            return None
        right = expr.right
        if isinstance(right, Fields) and len(right.fields) == 1 and right.fields[0] != "*":
            return [*left, right.fields[0]]
        if isinstance(right, Index) and len(right.indices) == 1:
            return [*left, right.indices[0]]
    return None


class MergedFields(Fields):
    """``['a','b']`` ending a path: Jayway merges the fields an object has into one object
    (a field it lacks is left out) instead of yielding each value."""

    def find(self, datum: Any) -> list[DatumInContext]:
        datum = DatumInContext.wrap(datum)
        if not isinstance(datum.value, dict):
            return []
        merged = {name: datum.value[name] for name in self.fields if name in datum.value}
        return [DatumInContext(merged, path=self, context=datum)]


def _merge_leaf(expr: JSONPath) -> JSONPath:
    if (isinstance(expr, Child) and isinstance(expr.right, Fields)
            and len(expr.right.fields) > 1 and "*" not in expr.right.fields):
        return Child(expr.left, MergedFields(*expr.right.fields))
    return expr


def compile_path(text: str) -> Path:
    """Compile a JSONPath starting with ``$``; raises ValueError when it is not one."""
    if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
        raise ValueError(text)
    try:
        expr = _parse(text)
    except (JsonPathParserError, JsonPathLexerError, Exception) as error:
        raise ValueError(str(error)) from None
    steps = _steps(expr)
    merged = _merge_leaf(expr)
    if isinstance(merged, Child) and merged is not expr:
        return Path(text, None, merged, merged=_steps(merged.left) is not None)
    return Path(text, None if steps is None else tuple(steps), expr)


def compile_reference_path(text: str) -> Path:
    """A reference path: a definite path (fields and single indexes only)."""
    path = compile_path(text)
    if not path.definite:
        raise ValueError(text)
    return path


@dataclass(frozen=True)
class Reference:
    """A path into the input (``$...``), the context object (``$$...``) or a variable."""

    text: str
    source: str  # "input", "context" or "variable"
    path: Path
    variable: str = ""

    def resolve(self, data: Any, env: Env) -> Any:
        """Raises PathMissing (or KeyError for an undefined variable)."""
        if self.source == "input":
            return self.path.get(data)
        if self.source == "context":
            return self.path.get(env.context)
        return self.path.get(env.variable(self.variable))

    # A Reference stands wherever a field reads a path (InputPath, ItemsPath, SecondsPath,
    # ...): AWS accepts the context object and variables there as well as the input.

    @property
    def steps(self) -> tuple[str | int, ...] | None:
        return self.path.steps

    def get(self, data: Any, env: Env) -> Any:
        """What the reference selects; raises PathMissing, an undefined variable included."""
        try:
            return self.resolve(data, env)
        except KeyError:
            raise PathMissing(self.variable) from None

    def bracketed(self) -> str:
        prefix = {"input": "", "context": "$", "variable": "$" + self.variable}[self.source]
        inner = self.path.bracketed()
        return prefix + (inner[1:] if prefix else inner)


def compile_reference(text: str, *, definite: bool = False) -> Reference:
    """Compile ``$...``, ``$$...`` or ``$variable...``; raises ValueError."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise ValueError(text)
    build = compile_reference_path if definite else compile_path
    if text.startswith("$$"):
        return Reference(text, "context", build(text[1:]))
    if len(text) == 1 or text[1] in ".[":
        return Reference(text, "input", build(text))
    match = _VARIABLE.match(text)
    if match is None:
        raise ValueError(text)
    name = match.group(1)
    return Reference(text, "variable", build("$" + text[match.end():]), name)


# ----- InputPath / OutputPath / ResultPath -------------------------------------------------


def invalid_path(path: Path | Reference) -> errors.StatesError:
    return errors.runtime(f"Invalid path '{path.text}' : No results for path: {path.bracketed()}")


def select(path: Reference | None, data: Any, env: Env) -> Any:
    """Apply InputPath, OutputPath or ItemsPath: null gives ``{}``; a missing path is
    States.Runtime."""
    if path is None:
        return {}
    if path.source == "input" and not path.steps and path.steps is not None:
        return data
    try:
        return path.get(data, env)
    except PathMissing:
        raise invalid_path(path) from None


def select_items(path: Reference | None, data: Any, env: Env) -> Any:
    """Apply ItemsPath: as ``select``, except that a field missing from an object of the
    input is States.ReferencePathConflict, naming the field and the whole input, as AWS
    reports it."""
    if path is not None and path.source == "input" and path.steps:
        holder = data
        for step in path.steps:
            if not isinstance(step, str) or not isinstance(holder, dict):
                break
            if step not in holder:
                raise errors.StatesError(errors.REFERENCE_PATH_CONFLICT,
                                         f"Unable to apply step \"{step}\" to input {dumps(data)}")
            holder = holder[step]
    return select(path, data, env)


def _unable(step: str | int, state_input: Any) -> errors.StatesError:
    return errors.StatesError(errors.RESULT_PATH_MATCH_FAILURE,
                              f"Unable to apply step \"{step}\" to input {dumps(state_input)}")


def apply_result_path(path: Path | None, state_input: Any, result: Any) -> Any:
    """Place ``result`` into (a copy of) ``state_input`` at ResultPath."""
    if path is None:
        return state_input
    steps = path.steps or ()
    if not steps:
        return result
    if isinstance(steps[0], str) and not isinstance(state_input, dict):
        raise errors.StatesError(errors.REFERENCE_PATH_CONFLICT, f"Unable to apply ReferencePath "
                                 f"{path.text} to input {dumps(state_input)}")
    output = copy.deepcopy(state_input)
    holder: Any = output
    for position, step in enumerate(steps):
        last = position == len(steps) - 1
        if isinstance(step, str):
            if not isinstance(holder, dict):
                raise _unable(step, state_input)
            if last:
                holder[step] = result
            else:
                if step not in holder:
                    holder[step] = {}
                holder = holder[step]
        else:
            if not isinstance(holder, list) or not -len(holder) <= step < len(holder):
                raise _unable(step, state_input)
            if last:
                holder[step] = result
            else:
                holder = holder[step]
    return output


# ----- Payload templates (Parameters, ResultSelector, ItemSelector) ------------------------

Evaluator = Callable[[Any, Env], Any]


__all__ = [
    "Env", "Evaluator", "Path", "PathMissing", "Reference", "apply_result_path", "compile_path",
    "compile_reference", "compile_reference_path", "dumps", "invalid_path", "select",
    "select_items",
]
