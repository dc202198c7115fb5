"""Template parameters: declarations checked, values given or defaulted, constraints applied.

Values of ``AWS::SSM::Parameter::Value<...>`` parameters are read from Parameter Store through
``Lookups.ssm_parameter``; the name given stays the stack's parameter value and the value read
is what ``Ref`` returns (as AWS reports it in ``ResolvedValue``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.cloudformation.errors import ParameterError, TemplateError, format_error

PROPERTIES = {
    "Type", "Default", "Description", "AllowedValues", "AllowedPattern", "MinLength",
    "MaxLength", "MinValue", "MaxValue", "NoEcho", "ConstraintDescription",
}
_BASIC = {"String", "Number", "List<Number>", "CommaDelimitedList", "AWS::SSM::Parameter::Name"}
_SSM_VALUE = re.compile(r"^AWS::SSM::Parameter::Value<(.+)>$")
_LIST = re.compile(r"^List<(.+)>$")
_AWS_SPECIFIC = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+$")
MASK = "****"


def _type_known(kind: str) -> bool:
    if kind in _BASIC or (_AWS_SPECIFIC.match(kind) and not kind.startswith("AWS::SSM::")):
        return True
    ssm = _SSM_VALUE.match(kind)
    if ssm:
        inner = ssm.group(1)
        return inner in ("String", "List<String>", "CommaDelimitedList") or _type_known(inner)
    listed = _LIST.match(kind)
    return bool(listed and _AWS_SPECIFIC.match(listed.group(1)))


def is_list_type(kind: str) -> bool:
    inner = _SSM_VALUE.match(kind)
    kind = inner.group(1) if inner else kind
    return kind == "CommaDelimitedList" or kind.startswith("List<")


def check_declarations(parameters: Any) -> None:
    if parameters is None:
        return
    if not isinstance(parameters, dict):
        raise format_error("Parameters must be an object")
    for name, declaration in parameters.items():
        if not isinstance(declaration, dict):
            raise format_error(f"Parameter {name} must be an object")
        if not str(name).isalnum():
            raise format_error(f"Parameter name {name} is non alphanumeric.")
        if "Type" not in declaration:
            raise format_error("Every Parameters object must contain a Type member.")
        for key in declaration:
            if key not in PROPERTIES:
                raise format_error(f"Invalid template parameter property '{key}'")
        if not isinstance(declaration["Type"], str) or not _type_known(declaration["Type"]):
            raise format_error(f"Unrecognized parameter type: {declaration['Type']}")


@dataclass
class ParameterValue:
    """One parameter of a stack: what the caller gave (or the default) and what Ref reads."""

    key: str
    value: str
    resolved: Any  # a list for list types, the Parameter Store value for SSM types
    no_echo: bool = False
    ssm: bool = False

    def described(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ParameterKey": self.key,
                               "ParameterValue": MASK if self.no_echo else self.value}
        if self.ssm:
            out["ResolvedValue"] = (",".join(self.resolved) if isinstance(self.resolved, list)
                                    else self.resolved)
        return out


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(item) for item in value)
    return str(value)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _constraint(name: str, declaration: Mapping[str, Any], default: str) -> TemplateError:
    description = declaration.get("ConstraintDescription")
    if description:
        return ParameterError(f"Parameter '{name}' failed to satisfy constraint: {description}")
    return ParameterError(default)


def _check_one(name: str, declaration: Mapping[str, Any], text: str, kind: str) -> None:
    items = text.split(",") if is_list_type(kind) else [text]
    base = kind[5:-1] if kind.startswith("List<") else kind
    for item in items:
        if base == "Number":
            number = _number(item)
            if number is None:
                raise _constraint(name, declaration, f"Parameter '{name}' must be a number")
            if "MinValue" in declaration and number < float(declaration["MinValue"]):
                raise _constraint(name, declaration, f"Parameter '{name}' must be a number "
                                  f"not less than {declaration['MinValue']}")
            if "MaxValue" in declaration and number > float(declaration["MaxValue"]):
                raise _constraint(name, declaration, f"Parameter '{name}' must be a number "
                                  f"not greater than {declaration['MaxValue']}")
        allowed = declaration.get("AllowedValues")
        if isinstance(allowed, list) and item not in [_as_text(value) for value in allowed]:
            raise _constraint(name, declaration,
                              f"Parameter '{name}' must be one of AllowedValues")
    if kind != "String":
        return
    pattern = declaration.get("AllowedPattern")
    if isinstance(pattern, str):
        try:
            matched = re.fullmatch(pattern, text) is not None
        except re.error:
            matched = True
        if not matched:
            raise _constraint(name, declaration,
                              f"Parameter '{name}' must match pattern {pattern}")
    if "MinLength" in declaration and len(text) < int(declaration["MinLength"]):
        raise _constraint(name, declaration, f"Parameter '{name}' must contain at least "
                          f"{declaration['MinLength']} characters")
    if "MaxLength" in declaration and len(text) > int(declaration["MaxLength"]):
        raise _constraint(name, declaration, f"Parameter '{name}' must contain at most "
                          f"{declaration['MaxLength']} characters")


def resolve(
    declarations: Mapping[str, Any] | None,
    given: Mapping[str, str | None],
    *,
    previous: Mapping[str, str] | None = None,
    use_previous: set[str] | None = None,
    ssm_parameter: Callable[[str], str] | None = None,
) -> dict[str, ParameterValue]:
    """Every declared parameter's value, checked; ``given`` maps key to value, and keys in
    ``use_previous`` take the stack's previous value."""
    declarations = declarations or {}
    unknown = [key for key in list(given) + sorted(use_previous or ()) if key not in declarations]
    if unknown:
        raise ParameterError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    values: dict[str, str] = {}
    missing = []
    for name, declaration in declarations.items():
        if name in (use_previous or ()) and previous and name in previous:
            values[name] = previous[name]
        elif given.get(name) is not None:
            values[name] = str(given[name])
        elif "Default" in declaration:
            values[name] = _as_text(declaration["Default"])
        else:
            missing.append(name)
    if missing:
        raise ParameterError(f"Parameters: [{', '.join(missing)}] must have values")
    out = {}
    for name, declaration in declarations.items():
        kind = declaration["Type"]
        text = values[name]
        ssm = _SSM_VALUE.match(kind)
        if ssm:
            if ssm_parameter is None:
                raise ParameterError(f"Parameters [{name}] referenced by template have types "
                                    "not supported by CloudFormation.")
            read = ssm_parameter(text)
            inner = ssm.group(1)
            resolved: Any = read.split(",") if is_list_type(inner) else read
            out[name] = ParameterValue(name, text, resolved, bool(_truthy(
                declaration.get("NoEcho"))), ssm=True)
            continue
        _check_one(name, declaration, text, kind)
        resolved = text.split(",") if is_list_type(kind) else text
        out[name] = ParameterValue(name, text, resolved,
                                   _truthy(declaration.get("NoEcho")))
    return out


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def declared(declarations: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The parameters as ValidateTemplate and GetTemplateSummary describe them."""
    out = []
    for name, declaration in (declarations or {}).items():
        entry: dict[str, Any] = {"ParameterKey": name,
                                 "NoEcho": _truthy(declaration.get("NoEcho"))}
        if "Default" in declaration:
            entry["DefaultValue"] = _as_text(declaration["Default"])
        if "Description" in declaration:
            entry["Description"] = str(declaration["Description"])
        out.append(entry)
    return out


__all__ = ["MASK", "ParameterValue", "check_declarations", "declared", "is_list_type",
           "resolve"]
