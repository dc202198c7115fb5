"""A template's structure checked as CloudFormation checks it, and its sections evaluated for
one set of parameter values: conditions, rules, the active resources and their graph."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.cloudformation import graph, parameters, schemas
from emulator.cloudformation.errors import ParameterError, format_error, template_error
from emulator.cloudformation.intrinsics import (
    EXTENSION_FUNCTIONS,
    FUNCTIONS,
    Evaluator,
    conditions_used,
    function_of,
    unsupported_function,
)

SECTIONS = {
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
    "Conditions", "Transform", "Resources", "Outputs", "Hooks",
}
RESOURCE_ATTRIBUTES = {
    "Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy",
    "Metadata", "CreationPolicy", "UpdatePolicy",
}
POLICIES = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"}
MAX_RESOURCES = 500
PSEUDO = (
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
    "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
)
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")


def transforms(template: Mapping[str, Any]) -> list[str]:
    declared = template.get("Transform")
    if declared is None:
        return []
    items = declared if isinstance(declared, list) else [declared]
    return [item if isinstance(item, str) else str(item.get("Name", "")) for item in items]


def _check_functions(value: Any, extensions: bool) -> None:
    stack = [value]
    allowed = set(FUNCTIONS) | (set(EXTENSION_FUNCTIONS) if extensions else set())
    allowed.add("Fn::Transform")
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and key.startswith("Fn::") and key not in allowed:
                    raise unsupported_function(key, extensions)
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def check(template: Mapping[str, Any]) -> None:
    """Raise the ValidationError AWS gives a template that cannot be deployed as written."""
    unknown = [key for key in template if key not in SECTIONS]
    if unknown:
        raise format_error(f"Invalid template property or properties [{', '.join(unknown)}]")
    version = template.get("AWSTemplateFormatVersion")
    if version is not None and str(version) != "2010-09-09":
        raise format_error(f"Unsupported template version: {version}")
    if "Description" in template and not isinstance(template["Description"], str):
        raise format_error("Every Description member must be a string.")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise format_error("At least one Resources member must be defined.")
    if len(resources) > MAX_RESOURCES:
        raise format_error(f"Number of resources, {len(resources)}, is greater than maximum "
                           f"allowed, {MAX_RESOURCES}")
    parameters.check_declarations(template.get("Parameters"))
    mappings = template.get("Mappings") or {}
    if not isinstance(mappings, dict):
        raise format_error("Mappings must be an object")
    for name, mapping in mappings.items():
        if not isinstance(mapping, dict) or not all(
                isinstance(entry, dict) for entry in mapping.values()):
            raise format_error(f"Every Mappings member {name} must be a map")
    conditions = template.get("Conditions") or {}
    if not isinstance(conditions, dict):
        raise format_error("Conditions must be an object")
    extensions = "AWS::LanguageExtensions" in transforms(template)
    _check_functions(template, extensions)
    unrecognized = []
    for logical_id, definition in resources.items():
        if not _ALNUM.match(str(logical_id)):
            raise format_error(f"Resource name {logical_id} is non alphanumeric.")
        if not isinstance(definition, dict) or "Type" not in definition:
            raise format_error("Every Resources object must contain a Type member.")
        for key in definition:
            if key not in RESOURCE_ATTRIBUTES:
                raise format_error(f"Invalid template resource property '{key}'")
        type_name = definition["Type"]
        if not isinstance(type_name, str):
            raise format_error("Every Resources object must contain a Type member.")
        if not schemas.known(type_name) and type_name not in unrecognized:
            unrecognized.append(type_name)
        properties = definition.get("Properties", {})
        if properties is not None and not isinstance(properties, dict) and not function_of(
                properties):
            raise format_error(f"[/Resources/{logical_id}/Properties] Every Properties "
                               "member must be an object")
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if policy in definition and not function_of(definition[policy]) and definition[
                    policy] not in POLICIES:
                raise format_error(f"Unrecognized {policy} {definition[policy]} for resource "
                                   f"{logical_id}")
        condition = definition.get("Condition")
        if condition is not None and condition not in conditions:
            raise format_error(f"Unresolved dependencies [{condition}]. Cannot reference "
                               "resources in the Conditions block of the template")
    if unrecognized:
        raise format_error(f"Unrecognized resource types: [{', '.join(unrecognized)}]")
    for name in conditions_used(resources) | conditions_used(template.get("Outputs") or {}):
        if name not in conditions:
            raise template_error(f"unresolved condition dependency {name} in Fn::If")
    known = set(template.get("Parameters") or {}) | set(PSEUDO)
    # An Fn::GetAtt naming no resource is AWS's "instance of Fn::GetAtt references undefined
    # resource", not the unresolved-dependencies error of a Ref.
    check_attributes(template, lambda _type: None)
    resource_graph = graph.dependencies(resources, known)
    graph.check_acyclic(resource_graph)
    outputs = template.get("Outputs") or {}
    if not isinstance(outputs, dict):
        raise format_error("Outputs must be an object")
    for name, output in outputs.items():
        if not isinstance(output, dict) or "Value" not in output:
            raise format_error("Every Outputs member must contain a Value object")
        if not _ALNUM.match(str(name)):
            raise format_error(f"Output name {name} is non alphanumeric.")
    graph.dependencies({f"Output{name}": {"Properties": output}
                        for name, output in outputs.items()}, known | set(resources), "Outputs")


def evaluate_conditions(
    declared: Mapping[str, Any], evaluator: Evaluator
) -> dict[str, bool]:
    """Every condition's value; conditions may use others (``Condition: Name``)."""
    results: dict[str, bool] = {}
    evaluating: set[str] = set()

    def lookup(name: str) -> bool:
        if name in results:
            return results[name]
        if name not in declared:
            raise template_error(f"unresolved condition dependency {name} in Fn::If")
        if name in evaluating:
            raise format_error(f"Circular condition dependency {name}")
        evaluating.add(name)
        value = evaluator.resolve(declared[name])
        evaluating.discard(name)
        if not isinstance(value, bool):
            raise template_error(f"condition {name} does not evaluate to a boolean")
        results[name] = value
        return value

    evaluator.condition_lookup = lookup
    for name in declared:
        lookup(name)
    evaluator.condition_lookup = None
    return results


def check_rules(rules: Mapping[str, Any] | None, evaluator: Evaluator) -> None:
    """Evaluate Rules; the first failed assertion is the ValidationError."""
    for name, rule in (rules or {}).items():
        if not isinstance(rule, dict):
            raise format_error(f"Rule {name} must be an object")
        if "RuleCondition" in rule and not evaluator.resolve(rule["RuleCondition"]):
            continue
        for assertion in rule.get("Assertions", []):
            if evaluator.resolve(assertion.get("Assert")) is not True:
                raise ParameterError(str(assertion.get(
                    "AssertDescription", f"Template error: assertion failed for rule {name}")))


def check_attributes(template: Mapping[str, Any],
                     attributes_of: Callable[[str], set[str] | None]) -> None:
    """Every Fn::GetAtt names an attribute its resource's type has (``attributes_of``
    answers None for types whose attributes are open, such as custom resources)."""
    resources = template.get("Resources") or {}
    stack: list[Any] = [resources, template.get("Outputs") or {}]
    while stack:
        value = stack.pop()
        if function_of(value) == "Fn::GetAtt":
            target = value["Fn::GetAtt"]
            if isinstance(target, str):
                target = target.split(".", 1)
            if not (isinstance(target, list) and len(target) == 2 and isinstance(
                    target[0], str) and isinstance(target[1], str)):
                continue
            name, attribute = target
            if name not in resources:
                raise template_error(
                    f"instance of Fn::GetAtt references undefined resource {name}")
            known = attributes_of(str(resources[name].get("Type")))
            if known is not None and attribute not in known:
                raise template_error(f"resource {name} does not support attribute type "
                                     f"{attribute} in Fn::GetAtt")
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


@dataclass
class Prepared:
    """A template evaluated for one stack's parameter values."""

    template: dict[str, Any]
    parameters: dict[str, parameters.ParameterValue]
    conditions: dict[str, bool]
    resources: dict[str, dict[str, Any]]  # the resources whose Condition holds
    graph: dict[str, set[str]]
    pseudo: dict[str, Any]
    extensions: bool = False
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def evaluator(self, **resolvers: Any) -> Evaluator:
        return Evaluator(
            parameters={name: value.resolved for name, value in self.parameters.items()},
            pseudo=self.pseudo, mappings=self.template.get("Mappings") or {},
            conditions=self.conditions, language_extensions=self.extensions, **resolvers)


def prepare(
    template: dict[str, Any],
    given: Mapping[str, str | None],
    pseudo: dict[str, Any],
    *,
    previous: Mapping[str, str] | None = None,
    use_previous: set[str] | None = None,
    ssm_parameter: Callable[[str], str] | None = None,
    values: dict[str, parameters.ParameterValue] | None = None,
) -> Prepared:
    """``values`` (a stack's stored parameters) stands in for resolving ``given`` again."""
    check(template)
    if values is None:
        values = parameters.resolve(template.get("Parameters"), given, previous=previous,
                                    use_previous=use_previous, ssm_parameter=ssm_parameter)
    extensions = "AWS::LanguageExtensions" in transforms(template)
    evaluator = Evaluator(parameters={name: value.resolved for name, value in values.items()},
                          pseudo=pseudo, mappings=template.get("Mappings") or {},
                          language_extensions=extensions)
    conditions = evaluate_conditions(template.get("Conditions") or {}, evaluator)
    evaluator.conditions = conditions
    check_rules(template.get("Rules"), evaluator)
    active = {name: definition for name, definition in template["Resources"].items()
              if conditions.get(definition.get("Condition", ""), True)}
    known = set(values) | set(PSEUDO)
    resource_graph = graph.dependencies(active, known | set(template["Resources"]))
    outputs = {name: output for name, output in (template.get("Outputs") or {}).items()
               if conditions.get(output.get("Condition", ""), True)}
    return Prepared(template, values, conditions, active, resource_graph, pseudo, extensions,
                    outputs)


__all__ = ["PSEUDO", "Prepared", "check", "check_attributes", "check_rules",
           "evaluate_conditions", "prepare", "transforms"]
