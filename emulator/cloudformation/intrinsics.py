"""Intrinsic functions: what ``Ref``, ``Fn::*`` and ``Condition`` evaluate to.

An :class:`Evaluator` holds what a template can read (parameters, pseudo parameters, mappings,
conditions, and the resources deployed so far) and turns a template value into a plain one.
``AWS::NoValue`` evaluates to :data:`NO_VALUE`, which dict and list members drop.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.cloudformation.errors import TemplateError, format_error, template_error


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()

# The functions CloudFormation knows, as its "unsupported function" error lists them.
FUNCTIONS = (
    "Fn::Base64", "Fn::GetAtt", "Fn::GetAZs", "Fn::ImportValue", "Fn::Join", "Fn::Split",
    "Fn::FindInMap", "Fn::Select", "Ref", "Fn::Equals", "Fn::If", "Fn::Not", "Condition",
    "Fn::And", "Fn::Or", "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn",
    "Fn::ValueOf", "Fn::ValueOfAll", "Fn::RefAll", "Fn::Sub", "Fn::Cidr",
)
EXTENSION_FUNCTIONS = ("Fn::Length", "Fn::ToJsonString", "Fn::ForEach")
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SUB_NAME = re.compile(r"^[A-Za-z0-9_.:]+$")


def function_of(value: Any) -> str | None:
    """The intrinsic a value calls (``{"Fn::Join": ...}``), or None for plain data."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::")):
            return str(key)
    return None


def sub_parts(template: str) -> list[tuple[str, bool]]:
    """``Fn::Sub`` text as (literal, False) and (variable, True) parts; ``${!x}`` is literal."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _SUB_VARIABLE.finditer(template):
        parts.append((template[position:match.start()], False))
        name = match.group(1)
        if name.startswith("!"):
            parts.append(("${" + name[1:] + "}", False))
        else:
            name = name.strip()
            if not _SUB_NAME.match(name):
                raise template_error(
                    "variable names in Fn::Sub syntax must contain only alphanumeric "
                    "characters, underscores, periods, and colons")
            parts.append((name, True))
        position = match.end()
    parts.append((template[position:], False))
    return [part for part in parts if part[0] or part[1]]


def references(value: Any, *, names: Mapping[str, Any] | None = None) -> set[str]:
    """Logical names a value reads through Ref, Fn::GetAtt and Fn::Sub (pseudo parameters
    included; callers keep the ones that are resources)."""
    found: set[str] = set()
    _collect(value, found, set(names or ()))
    return found


def _collect(value: Any, found: set[str], local: set[str]) -> None:
    function = function_of(value)
    if function == "Ref" and isinstance(value["Ref"], str):
        if value["Ref"] not in local:
            found.add(value["Ref"])
        return
    if function == "Fn::GetAtt":
        target = value["Fn::GetAtt"]
        if isinstance(target, str):
            target = target.split(".", 1)
        if isinstance(target, list) and target and isinstance(target[0], str):
            found.add(target[0])
            for item in target[1:]:
                _collect(item, found, local)
        return
    if function == "Fn::Sub":
        argument = value["Fn::Sub"]
        text, variables = (argument, {}) if isinstance(argument, str) else (
            (argument[0], argument[1]) if isinstance(argument, list) and len(argument) == 2
            and isinstance(argument[0], str) and isinstance(argument[1], dict)
            else ("", {}))
        try:
            parts = sub_parts(text)
        except TemplateError:
            parts = []
        for name, is_variable in parts:
            if is_variable and name not in variables:
                found.add(name.split(".", 1)[0] if "." in name and "::" not in name
                          else name)
        for item in variables.values():
            _collect(item, found, local)
        return
    if isinstance(value, dict):
        for item in value.values():
            _collect(item, found, local)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found, local)


def conditions_used(value: Any) -> set[str]:
    """Condition names a value tests through Fn::If and Condition."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        function = function_of(item)
        if function == "Fn::If" and isinstance(item["Fn::If"], list) and item["Fn::If"]:
            if isinstance(item["Fn::If"][0], str):
                found.add(item["Fn::If"][0])
            stack.extend(item["Fn::If"][1:])
        elif function == "Condition" and isinstance(item["Condition"], str):
            found.add(item["Condition"])
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _text(value: Any) -> str:
    """A scalar as CloudFormation turns it into text (true, 5, 2.5)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise template_error(f"{json.dumps(value, default=str)} is not a string")


def _cidr(block: str, count: int, bits: int) -> list[str]:
    try:
        network = ipaddress.ip_network(block, strict=False)
    except ValueError:
        raise template_error(f"Fn::Cidr: invalid IP block {block}") from None
    prefix = network.max_prefixlen - bits
    if prefix < network.prefixlen or count < 1 or count > 256:
        raise template_error("Fn::Cidr: the count or cidrBits is not valid for the IP block")
    subnets = []
    for index, subnet in enumerate(network.subnets(new_prefix=prefix)):
        if index >= count:
            break
        subnets.append(str(subnet))
    if len(subnets) < count:
        raise template_error("Fn::Cidr: the IP block cannot hold that many subnets")
    return subnets


@dataclass
class Evaluator:
    """Everything a template value may read, and the evaluation of one value."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    pseudo: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, bool] = field(default_factory=dict)
    resource_ref: Callable[[str], Any] | None = None
    resource_attribute: Callable[[str, str], Any] | None = None
    import_value: Callable[[str], Any] | None = None
    language_extensions: bool = False
    # Conditions not yet evaluated, for the Conditions section referring to itself.
    condition_lookup: Callable[[str], bool] | None = None

    @property
    def region(self) -> str:
        return str(self.pseudo.get("AWS::Region", "us-east-1"))

    def resolve(self, value: Any) -> Any:
        function = function_of(value)
        if function is not None:
            return self._call(function, value[function])
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item)
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            return [item for item in (self.resolve(entry) for entry in value)
                    if item is not NO_VALUE]
        return value

    def condition(self, name: str) -> bool:
        if name in self.conditions:
            return self.conditions[name]
        if self.condition_lookup is not None:
            return self.condition_lookup(name)
        raise template_error(f"unresolved condition dependency {name} in Fn::If")

    def _call(self, function: str, argument: Any) -> Any:
        handler = _HANDLERS.get(function)
        if handler is None and self.language_extensions:
            handler = _EXTENSION_HANDLERS.get(function)
        if handler is None:
            raise unsupported_function(function, self.language_extensions)
        return handler(self, argument)

    # -- the functions, each taking the function's unevaluated argument

    def ref(self, name: Any) -> Any:
        name = self.resolve(name) if self.language_extensions else name
        if not isinstance(name, str):
            raise template_error("every Ref object must have a single String value.")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if self.resource_ref is not None:
            return self.resource_ref(name)
        raise unresolved([name])

    def get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        elif self.language_extensions and isinstance(argument, list) and argument:
            # With AWS::LanguageExtensions the logical name may be a function too
            # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html).
            argument = [self.resolve(argument[0]), *argument[1:]]
        if (not isinstance(argument, list) or len(argument) != 2
                or not isinstance(argument[0], str)):
            raise template_error(
                "every Fn::GetAtt object requires two non-empty parameters")
        attribute = self.resolve(argument[1])
        if not isinstance(attribute, str) or not attribute:
            raise template_error(
                "every Fn::GetAtt object requires two non-empty parameters")
        if self.resource_attribute is None:
            raise template_error(
                f"instance of Fn::GetAtt references undefined resource {argument[0]}")
        return self.resource_attribute(argument[0], attribute)

    def sub(self, argument: Any) -> str:
        if isinstance(argument, str):
            text, variables = argument, {}
        elif (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
              and isinstance(argument[1], dict)):
            text, variables = argument[0], argument[1]
        else:
            raise template_error(
                "One or more Fn::Sub intrinsic functions don't specify expected arguments. "
                "Specify a string as first argument, and an optional second argument to "
                "specify a mapping of values to replace in the string")
        out = []
        for part, is_variable in sub_parts(text):
            if not is_variable:
                out.append(part)
            elif part in variables:
                out.append(_text(self.resolve(variables[part])))
            elif part in self.parameters or part in self.pseudo or "." not in part:
                out.append(_text(self.ref(part)))
            else:
                resource, _, attribute = part.partition(".")
                out.append(_text(self.get_att([resource, attribute])))
        return "".join(out)

    def join(self, argument: Any) -> str:
        if not isinstance(argument, list) or len(argument) != 2:
            raise template_error(
                "every Fn::Join object requires two parameters, (1) a string delimiter and "
                "(2) a list of strings to be joined or a function that returns a list of "
                "strings (such as Fn::GetAZs) to be joined.")
        delimiter = self.resolve(argument[0])
        items = self.resolve(argument[1])
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise template_error(
                "every Fn::Join object requires two parameters, (1) a string delimiter and "
                "(2) a list of strings to be joined or a function that returns a list of "
                "strings (such as Fn::GetAZs) to be joined.")
        return delimiter.join(_text(item) for item in items)

    def select(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise template_error("Fn::Select requires a list argument with two elements: "
                                 "an integer index and a list")
        index, items = self.resolve(argument[0]), self.resolve(argument[1])
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise template_error("Fn::Select requires a list argument with two elements: "
                                 "an integer index and a list") from None
        if not isinstance(items, list):
            raise template_error("Fn::Select requires a list argument with two elements: "
                                 "an integer index and a list")
        if position < 0 or position >= len(items):
            raise template_error(f"Fn::Select cannot select nonexistent value at index "
                                 f"{position}")
        return items[position]

    def split(self, argument: Any) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise template_error("every Fn::Split object requires two parameters, (1) a "
                                 "string delimiter and (2) a string to be split or a function "
                                 "that returns a string to be split.")
        delimiter, source = self.resolve(argument[0]), self.resolve(argument[1])
        if not isinstance(delimiter, str) or not isinstance(source, str):
            raise template_error("every Fn::Split object requires two parameters, (1) a "
                                 "string delimiter and (2) a string to be split or a function "
                                 "that returns a string to be split.")
        return source.split(delimiter)

    def if_(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3 or not isinstance(
                argument[0], str):
            raise template_error("Fn::If requires a list argument with three elements")
        chosen = argument[1] if self.condition(argument[0]) else argument[2]
        return self.resolve(chosen)

    def equals(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise template_error("Fn::Equals requires a list argument with two elements")
        left, right = (self.resolve(item) for item in argument)
        return bool(_comparable(left) == _comparable(right))

    def and_(self, argument: Any) -> bool:
        if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
            raise template_error("Fn::And requires a list argument with between 2 and 10 "
                                 "elements")
        return all(self._boolean(item, "Fn::And") for item in argument)

    def or_(self, argument: Any) -> bool:
        if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
            raise template_error("Fn::Or requires a list argument with between 2 and 10 "
                                 "elements")
        return any(self._boolean(item, "Fn::Or") for item in argument)

    def not_(self, argument: Any) -> bool:
        if not isinstance(argument, list) or len(argument) != 1:
            raise template_error("Fn::Not requires a list argument with one element")
        return not self._boolean(argument[0], "Fn::Not")

    def _boolean(self, value: Any, function: str) -> bool:
        result = self.resolve(value)
        if isinstance(result, bool):
            return result
        if result in ("true", "false"):
            return bool(result == "true")
        raise template_error(f"{function} elements must be conditions or condition functions")

    def condition_ref(self, argument: Any) -> bool:
        if not isinstance(argument, str):
            raise format_error("Every Condition member must be a string.")
        return self.condition(argument)

    def find_in_map(self, argument: Any) -> Any:
        default = None
        if (self.language_extensions and isinstance(argument, list) and len(argument) == 4
                and isinstance(argument[3], dict) and "DefaultValue" in argument[3]):
            default = argument[3]["DefaultValue"]
            argument = argument[:3]
        if not isinstance(argument, list) or len(argument) != 3:
            raise template_error("Fn::FindInMap requires a list argument with three elements")
        name, top, second = (self.resolve(item) for item in argument)
        mapping = self.mappings.get(name) if isinstance(name, str) else None
        if mapping is None:
            if default is not None:
                return self.resolve(default)
            raise template_error(f"Unable to get mapping for {name}::{top}::{second}")
        entry = mapping.get(_text(top)) if isinstance(mapping, dict) else None
        if not isinstance(entry, dict) or _text(second) not in entry:
            if default is not None:
                return self.resolve(default)
            raise template_error(f"Unable to get mapping for {name}::{top}::{second}")
        return entry[_text(second)]

    def get_azs(self, argument: Any) -> list[str]:
        region = self.resolve(argument)
        region = region if isinstance(region, str) and region else self.region
        return [f"{region}{suffix}" for suffix in ("a", "b", "c")]

    def import_(self, argument: Any) -> Any:
        name = self.resolve(argument)
        if not isinstance(name, str):
            raise template_error("Fn::ImportValue requires a string argument")
        if self.import_value is None:
            raise template_error(f"No export named {name} found.")
        return self.import_value(name)

    def base64(self, argument: Any) -> str:
        return base64.b64encode(_text(self.resolve(argument)).encode()).decode()

    def cidr(self, argument: Any) -> list[str]:
        values = self.resolve(argument)
        if not isinstance(values, list) or len(values) != 3:
            raise template_error("Fn::Cidr requires a list argument with three elements: "
                                 "ipBlock, count and cidrBits")
        try:
            return _cidr(str(values[0]), int(values[1]), int(values[2]))
        except (TypeError, ValueError):
            raise template_error("Fn::Cidr requires a list argument with three elements: "
                                 "ipBlock, count and cidrBits") from None

    def length(self, argument: Any) -> int:
        value = self.resolve(argument)
        if not isinstance(value, list):
            raise template_error("Fn::Length requires a list")
        return len(value)

    def to_json_string(self, argument: Any) -> str:
        value = self.resolve(argument)
        if not isinstance(value, (dict, list)):
            raise template_error("Fn::ToJsonString requires an object or a list")
        return json.dumps(value, separators=(",", ":"))

    # -- rule functions (the Rules section)

    def _pair(self, argument: Any, function: str) -> tuple[Any, Any]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise template_error(f"{function} requires a list argument with two elements")
        return self.resolve(argument[0]), self.resolve(argument[1])

    def contains(self, argument: Any) -> bool:
        items, value = self._pair(argument, "Fn::Contains")
        return isinstance(items, list) and _comparable(value) in [_comparable(i) for i in items]

    def each_member_equals(self, argument: Any) -> bool:
        items, value = self._pair(argument, "Fn::EachMemberEquals")
        return isinstance(items, list) and all(
            _comparable(item) == _comparable(value) for item in items)

    def each_member_in(self, argument: Any) -> bool:
        items, allowed = self._pair(argument, "Fn::EachMemberIn")
        allowed_values = [_comparable(item) for item in allowed] if isinstance(
            allowed, list) else []
        return isinstance(items, list) and all(
            _comparable(item) in allowed_values for item in items)

    def ref_all(self, argument: Any) -> list[Any]:
        # Every value of an AWS-specific parameter type in the account; none are emulated.
        return []

    def value_of(self, argument: Any) -> Any:
        return None

    def transform(self, argument: Any) -> Any:
        raise template_error("Fn::Transform must be processed before the template is deployed")


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def unresolved(names: list[str], block: str = "Resources") -> TemplateError:
    listed = ", ".join(names)
    return format_error(
        f"Unresolved resource dependencies [{listed}] in the {block} block of the template")


def unsupported_function(function: str, extensions: bool = False) -> TemplateError:
    known = FUNCTIONS + (EXTENSION_FUNCTIONS if extensions else ())
    return format_error(f"Encountered unsupported function: {function} Supported functions "
                        f"are: [{', '.join(known)}]")


_HANDLERS: dict[str, Callable[[Evaluator, Any], Any]] = {
    "Ref": Evaluator.ref,
    "Fn::GetAtt": Evaluator.get_att,
    "Fn::Sub": Evaluator.sub,
    "Fn::Join": Evaluator.join,
    "Fn::Select": Evaluator.select,
    "Fn::Split": Evaluator.split,
    "Fn::If": Evaluator.if_,
    "Fn::Equals": Evaluator.equals,
    "Fn::And": Evaluator.and_,
    "Fn::Or": Evaluator.or_,
    "Fn::Not": Evaluator.not_,
    "Condition": Evaluator.condition_ref,
    "Fn::FindInMap": Evaluator.find_in_map,
    "Fn::GetAZs": Evaluator.get_azs,
    "Fn::ImportValue": Evaluator.import_,
    "Fn::Base64": Evaluator.base64,
    "Fn::Cidr": Evaluator.cidr,
    "Fn::Transform": Evaluator.transform,
    "Fn::Contains": Evaluator.contains,
    "Fn::EachMemberEquals": Evaluator.each_member_equals,
    "Fn::EachMemberIn": Evaluator.each_member_in,
    "Fn::RefAll": Evaluator.ref_all,
    "Fn::ValueOf": Evaluator.value_of,
    "Fn::ValueOfAll": Evaluator.ref_all,
}
_EXTENSION_HANDLERS: dict[str, Callable[[Evaluator, Any], Any]] = {
    "Fn::Length": Evaluator.length,
    "Fn::ToJsonString": Evaluator.to_json_string,
}

__all__ = [
    "EXTENSION_FUNCTIONS", "FUNCTIONS", "NO_VALUE", "Evaluator", "conditions_used",
    "function_of", "references", "sub_parts", "unresolved", "unsupported_function",
]
