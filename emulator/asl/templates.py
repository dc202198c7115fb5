"""Payload templates (Parameters, ItemSelector, ResultSelector, Arguments): fields copied as
they are, and ``.$`` fields whose value is a path, a context path, a variable or an intrinsic
function call, each compiled once at load time."""

from __future__ import annotations

from typing import Any

from emulator.asl import errors
from emulator.asl.intrinsics import Call, compile_intrinsic
from emulator.asl.paths import Env, Evaluator, PathMissing, Reference, compile_reference, dumps


class TemplateError(ValueError):
    """A payload template that does not compile, with the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _constant(value: Any) -> Evaluator:
    return lambda data, env: value


def _path_field(key: str, reference: Reference, refuses_null: bool = False) -> Evaluator:
    def evaluate(data: Any, env: Env) -> Any:
        if refuses_null and data is None and reference.source == "input":
            raise errors.runtime("Unable to apply Path transformation to null or empty input.")
        try:
            return reference.resolve(data, env)
        except (PathMissing, KeyError):
            source = env.context if reference.source == "context" else data
            raise errors.runtime(
                f"The JSONPath '{reference.text}' specified for the field '{key}' could not be "
                f"found in the input '{dumps(source)}'"
            ) from None

    return evaluate


def _intrinsic_field(text: str, call: Call) -> Evaluator:
    def evaluate(data: Any, env: Env) -> Any:
        try:
            return call.evaluate(data, env)
        except errors.StatesError as failure:
            # AWS names the whole expression the field holds, whichever call failed inside it.
            failure.cause = f"The function '{text}' had the following error: {failure.cause}"
            raise

    return evaluate


def compile_value_expression(key: str, text: Any, refuses_null: bool = False) -> Evaluator:
    """The value of a ``.$`` field: a path, a context path, a variable or an intrinsic.
    ``refuses_null``: a path into the input fails on a null input, as AWS reports it for
    Parameters (no AWS output shows what ResultSelector or Assign do, so they read null)."""
    if not isinstance(text, str):
        raise TemplateError(key, f"The value for the field '{key}' must be a STRING")
    invalid = (f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic "
               "function call")
    if text.startswith("States."):
        try:
            call = compile_intrinsic(text)
        except ValueError:
            raise TemplateError(key, invalid) from None
        return _intrinsic_field(text, call)
    try:
        reference = compile_reference(text)
    except ValueError:
        raise TemplateError(key, invalid) from None
    return _path_field(key, reference, refuses_null)


def compile_template(template: Any, refuses_null: bool = False) -> Evaluator:
    """Compile a payload template; raises TemplateError naming the bad field.
    ``refuses_null`` as in :func:`compile_value_expression`."""
    if isinstance(template, dict):
        parts: list[tuple[str, Evaluator]] = []
        for key, value in template.items():
            if key.endswith(".$"):
                parts.append((key[:-2], compile_value_expression(key, value, refuses_null)))
            else:
                parts.append((key, compile_template(value, refuses_null)))
        if all(not k.endswith(".$") for k in template) and _is_static(template):
            return _constant(template)

        def build(data: Any, env: Env) -> Any:
            return {name: part(data, env) for name, part in parts}

        return build
    if isinstance(template, list):
        if _is_static(template):
            return _constant(template)
        items = [compile_template(item, refuses_null) for item in template]
        return lambda data, env: [item(data, env) for item in items]
    return _constant(template)


def _is_static(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not k.endswith(".$") and _is_static(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_static(v) for v in value)
    return True


__all__ = ["TemplateError", "compile_template", "compile_value_expression"]
