"""Checks and compilation of single fields, shared by the loader's state builders."""

from __future__ import annotations

import re
from typing import Any

from emulator.asl import jsonata
from emulator.asl.choice import parse_timestamp
from emulator.asl.diagnostics import Diagnostic
from emulator.asl.nodes import Assign, Expr
from emulator.asl.paths import (
    Evaluator,
    Path,
    Reference,
    compile_path,
    compile_reference,
    compile_reference_path,
)
from emulator.asl.templates import TemplateError, compile_template, compile_value_expression
from emulator.asl.variables import RESERVED

_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_VARIABLE_NAME = 80


class Fields:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def problem(self, message: str, at: str | None, code: str = "SCHEMA_VALIDATION_FAILED") -> None:
        self.diagnostics.append(Diagnostic(code, message, at if at is None else (at or "/")))

    def required(self, data: dict[str, Any], names: list[str], at: str) -> None:
        missing = [name for name in names if name not in data]
        if missing:
            self.problem(f"These fields are required: [{', '.join(missing)}]", at or "/")

    def unknown_fields(self, data: dict[str, Any], allowed: set[str], at: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(f"Field '{key}' is not supported", at or "/")

    def string(self, value: Any, name: str, at: str) -> str | None:
        if not isinstance(value, str):
            self.problem(f"The value for the field '{name}' must be a STRING", at)
            return None
        return value

    def positive_int(
        self, value: Any, name: str, at: str, maximum: int, minimum: int = 1
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not (
            minimum <= value <= maximum
        ):
            word = "non-negative" if minimum == 0 else "positive"
            self.problem(f"The value for the field '{name}' must be a {word} INTEGER "
                         f"no greater than {maximum}", at)
            return None
        return value

    def path(self, value: Any, name: str, at: str, reference: bool = False) -> Path | None:
        try:
            return compile_reference_path(value) if reference else compile_path(value)
        except (ValueError, TypeError):
            kind = "ReferencePath" if reference else "JSONPath"
            self.problem(f"The value for the field '{name}' must be a valid {kind}", at)
            return None

    def nullable_path(self, value: Any, name: str, at: str, reference: bool = False) -> Path | None:
        return None if value is None else self.path(value, name, at, reference)

    def read_path(self, value: Any, name: str, at: str, definite: bool = False) -> Reference | None:
        """A field that reads a path: from the input, the context object (``$$``) or a
        variable (``$name``), as AWS accepts in InputPath, ItemsPath, SecondsPath and the
        other ``*Path`` fields."""
        try:
            return compile_reference(value, definite=definite)
        except (ValueError, TypeError):
            kind = "ReferencePath" if definite else "JSONPath"
            self.problem(f"The value for the field '{name}' must be a valid {kind}", at)
            return None

    def nullable_read_path(self, value: Any, name: str, at: str,
                           definite: bool = False) -> Reference | None:
        return None if value is None else self.read_path(value, name, at, definite)

    def template(self, value: Any, at: str, refuses_null: bool = False) -> Evaluator | None:
        try:
            return compile_template(value, refuses_null)
        except TemplateError as error:
            # Step Functions places the diagnostic at the template field, not at the bad key.
            self.problem(str(error), at)
            return None

    def value_expression(self, value: Any, name: str, at: str) -> Evaluator | None:
        try:
            return compile_value_expression(name, value)
        except TemplateError as error:
            self.problem(str(error), at)
            return None

    @staticmethod
    def is_jsonata(value: Any) -> bool:
        return jsonata.is_expression(value)

    def jsonata_value(self, value: Any, name: str, at: str) -> Expr | None:
        try:
            return jsonata.compile_value(value, name)
        except jsonata.TemplateSyntaxError as error:
            # The parser's message without its code, at the field that holds the expression.
            self.problem(str(error), at + error.field[len(name):],
                         code="INVALID_JSONATA_EXPRESSION")
            return None

    def assign(self, value: Any, at: str, use_jsonata: bool) -> Assign | None:
        if not isinstance(value, dict):
            self.problem("The value for the field 'Assign' must be a JSON object", at)
            return None
        for key in value:
            name = key[:-2] if key.endswith(".$") and not use_jsonata else key
            if name in RESERVED:
                self.problem(f"The variable name '{name}' is reserved", f"{at}/{key}")
            elif len(name) > MAX_VARIABLE_NAME or not _VARIABLE_NAME.match(name):
                self.problem(f"The variable name '{name}' is invalid", f"{at}/{key}")
        if use_jsonata:
            compiled = self.jsonata_value(value, "Assign", at)
            return None if compiled is None else Assign(jsonata=compiled)
        template = self.template(value, at)
        return None if template is None else Assign(jsonpath=template)

    def number_field(
        self, body: dict[str, Any], name: str, at: str, language: str, minimum: int = 0,
        maximum: int = 99999999, context: bool = True, nested: bool = False,
    ) -> tuple[int | None, Reference | None, Expr | None]:
        """A ``Name`` / ``NamePath`` pair (TimeoutSeconds, MaxConcurrency, ...), worded as
        AWS words these checks on the Map state's number fields."""
        if not self.one_of(body, name, at):
            return None, None, None
        if name in body:
            value = body[name]
            if language == "JSONata" and self.is_jsonata(value):
                return None, None, self.jsonata_value(value, name, f"{at}/{name}")
            return self.bounded(value, name, f"{at}/{name}", minimum, maximum), None, None
        return None, self.number_path(body, f"{name}Path", at, language, context, nested), None

    def one_of(self, body: dict[str, Any], name: str, at: str) -> bool:
        if name in body and f"{name}Path" in body:
            self.problem(f"There should only be one of the following fields: [{name}, "
                         f"{name}Path]", at)
            return False
        return True

    def number_path(self, body: dict[str, Any], key: str, at: str, language: str,
                    context: bool, nested: bool) -> Reference | None:
        """The ``...Path`` of a number field: a reference path, which for Map's number
        fields may not read the context object; a state's own JSONPath-only fields are
        refused in JSONata by the loader, nested ones (ItemBatcher, ReaderConfig) here."""
        if key not in body:
            return None
        if language == "JSONata":
            if nested:
                self.problem(f"The QueryLanguage is set to 'JSONata', but field '{key}' is only "
                             "supported for the 'JSONPath' QueryLanguage", at)
            return None
        text = body[key]
        try:
            if not context and isinstance(text, str) and text.startswith("$$"):
                raise ValueError(text)
            return compile_reference(text, definite=True)
        except (ValueError, TypeError):
            self.problem("Value is not a Reference Path", f"{at}/{key}")
            return None

    def bounded(self, value: Any, name: str, at: str, minimum: float, maximum: float,
                kind: str = "INTEGER") -> Any:
        """A number within AWS's bounds; out of them, AWS's ``Minimum value is 0`` wording
        (``0.0`` for a NUMBER field)."""
        integer = kind == "INTEGER"
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            self.problem(f"The value for the field '{name}' must be a {kind}", at)
            return None
        low, high = (minimum, maximum) if integer else (float(minimum), float(maximum))
        if value < low:
            self.problem(f"Minimum value is {low}", at)
            return None
        if value > high:
            self.problem(f"Maximum value is {high}", at)
            return None
        return value

    def timestamp(self, value: Any, at: str) -> str | None:
        if parse_timestamp(value) is None:
            self.problem("The value for the field 'Timestamp' must be a valid ISO-8601 "
                         "timestamp", at)
            return None
        return str(value)


__all__ = ["Fields"]
