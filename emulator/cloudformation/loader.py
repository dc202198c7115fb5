"""Template bodies in JSON or YAML, with YAML's short-form intrinsic tags (``!Ref`` ...)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml  # type: ignore[import-untyped]

from emulator import inbound
from emulator.cloudformation.errors import format_error

MAX_BODY_BYTES = 51_200  # TemplateBody; a TemplateURL may point at up to 1 MB
MAX_URL_BODY_BYTES = 1_048_576

# Short-form tags and the long-form key each becomes.
_FUNCTIONS = (
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString",
    "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
)


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML as CloudFormation reads it: dates stay strings, tags become intrinsics."""


# CloudFormation keeps 2010-09-09 a string; drop the timestamp resolver.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _function(key: str) -> Any:
    def construct(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
        return {key: _node_value(loader, node)}
    return construct


def _get_att(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if isinstance(value, str):  # !GetAtt Resource.Attribute (the attribute may hold dots)
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


for _name in _FUNCTIONS:
    _Loader.add_constructor(f"!{_name}", _function(f"Fn::{_name}"))
_Loader.add_constructor("!Ref", _function("Ref"))
_Loader.add_constructor("!Condition", _function("Condition"))
_Loader.add_constructor("!GetAtt", _get_att)


_JSON_START = re.compile(r"^\s*\{")


def load(body: str) -> dict[str, Any]:
    """The template as a dict; malformed text raises AWS's ValidationError text."""
    if _JSON_START.match(body):
        try:
            value = inbound.loads(body)
        except json.JSONDecodeError as problem:
            raise format_error(f"JSON not well-formed. (line {problem.lineno},  column "
                               f"{problem.colno})") from None
    else:
        try:
            value = inbound.load_yaml(body, _Loader)
        except inbound.DocumentRejected as problem:
            raise format_error(f"YAML not well-formed. ({problem.reason})") from None
        except yaml.MarkedYAMLError as problem:
            mark = problem.problem_mark or problem.context_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise format_error(f"YAML not well-formed.{where}") from None
        except yaml.YAMLError:
            raise format_error("YAML not well-formed.") from None
    if not isinstance(value, dict):
        raise format_error("template is not a JSON object or YAML mapping")
    return value


def dump_json(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2)


__all__ = ["MAX_BODY_BYTES", "MAX_URL_BODY_BYTES", "dump_json", "load"]
