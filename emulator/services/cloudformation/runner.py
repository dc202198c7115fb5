"""Between the stack records and the engine: templates read and transformed, parameters and
pseudo parameters, deployments run in the background with their events stored and logged."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from emulator.cloudformation import intrinsics, loader, parameters, stack_policy
from emulator.cloudformation.deploy import Deployment
from emulator.cloudformation.errors import ParameterError, TemplateError
from emulator.cloudformation.include import expand, has_includes
from emulator.cloudformation.macros import Macros, uses_macros
from emulator.cloudformation.ports import MacroRegistry, ServiceCall, ServiceFailure
from emulator.cloudformation.resources import TYPES
from emulator.cloudformation.state import ResourceState, StackEvent
from emulator.cloudformation.template import Prepared, check_attributes, prepare
from emulator.errors import ServiceError
from emulator.services.cloudformation.models import StackRecord

log = logging.getLogger("emulator.cloudformation")
_SSM_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<.+>$")
# Types whose Fn::GetAtt attributes are whatever the resource returns.
OPEN_ATTRIBUTES = {"AWS::CloudFormation::CustomResource", "AWS::CloudFormation::Stack"}
IAM_TYPES = {
    "AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName", "AWS::IAM::Policy": None,
    "AWS::IAM::AccessKey": None, "AWS::IAM::UserToGroupAddition": None,
}


def pseudo(account: str, region: str, stack: StackRecord) -> dict[str, Any]:
    return {
        "AWS::AccountId": account, "AWS::Region": region, "AWS::Partition": "aws",
        "AWS::StackName": stack.name, "AWS::StackId": stack.stack_id,
        "AWS::URLSuffix": "amazonaws.com", "AWS::NotificationARNs": stack.notification_arns,
    }


def required_capabilities(template: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """The capabilities a processed template needs, and why (GetTemplateSummary's reason)."""
    named, unnamed = [], []
    for logical_id, definition in (template.get("Resources") or {}).items():
        type_name = definition.get("Type") if isinstance(definition, dict) else None
        if type_name not in IAM_TYPES:
            continue
        name_property = IAM_TYPES[type_name]
        if name_property and name_property in (definition.get("Properties") or {}):
            named.append(logical_id)
        else:
            unnamed.append(logical_id)
    if not named and not unnamed:
        return [], None
    types = sorted({template["Resources"][name]["Type"] for name in named + unnamed})
    reason = f"The following resource(s) require capabilities: [{', '.join(types)}]"
    return (["CAPABILITY_NAMED_IAM"] if named else ["CAPABILITY_IAM"]), reason


def check_capabilities(original: Mapping[str, Any], processed: Mapping[str, Any],
                       given: list[str], *, change_set: bool) -> None:
    needed, _ = required_capabilities(processed)
    for capability in needed:
        if capability not in given and not (capability == "CAPABILITY_IAM"
                                             and "CAPABILITY_NAMED_IAM" in given):
            raise ServiceError("InsufficientCapabilitiesException",
                               f"Requires capabilities : [{capability}]", status=400)
    if not change_set and uses_macros(original) and "CAPABILITY_AUTO_EXPAND" not in given:
        raise ServiceError("InsufficientCapabilitiesException",
                           "Requires capabilities : [CAPABILITY_AUTO_EXPAND]", status=400)


async def _ssm_values(call: ServiceCall, declared: Mapping[str, Any],
                      given: Mapping[str, str | None],
                      previous: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, declaration in declared.items():
        if not isinstance(declaration, dict) or not _SSM_TYPE.match(
                str(declaration.get("Type"))):
            continue
        key = given.get(name) or previous.get(name) or declaration.get("Default")
        if key is None:
            continue
        try:
            answer = await call("ssm", "GetParameter", {"Name": str(key)})
        except ServiceFailure:
            raise ParameterError(f"Parameters: [{key}] cannot be found.") from None
        found[str(key)] = str(answer["Parameter"]["Value"])
    return found


async def process(call: ServiceCall, body: str, given: Mapping[str, str | None],
                  context: dict[str, Any], *, previous: Mapping[str, str] | None = None,
                  use_previous: set[str] | None = None, macros: MacroRegistry | None = None,
                  processed: dict[str, Any] | None = None) -> tuple[dict[str, Any], Prepared]:
    """The processed template and its evaluation for these parameters (``processed``, when
    given, is the template already processed, so its macros are not run again)."""
    if processed is None:
        processed = await transform(call, body, given, context, previous=previous,
                                    macros=macros)
    ssm = await _ssm_values(call, processed.get("Parameters") or {}, given, previous or {})
    prepared = prepare(processed, given, context, previous=previous,
                       use_previous=use_previous, ssm_parameter=ssm.__getitem__)
    check_attributes(processed, _attributes_of)
    return processed, prepared


async def transform(call: ServiceCall, body: str, given: Mapping[str, str | None],
                    context: dict[str, Any], *, previous: Mapping[str, str] | None = None,
                    macros: MacroRegistry | None = None) -> dict[str, Any]:
    """The template with its snippets' and its Transform section's transforms applied."""
    original = loader.load(body)
    declared = original.get("Parameters") or {}
    if not isinstance(declared, dict):
        declared = {}
    values_for_transform = {}
    for name, declaration in declared.items():
        if isinstance(declaration, dict):
            value = given.get(name) or (previous or {}).get(name) or declaration.get("Default")
            if value is not None:
                values_for_transform[name] = (
                    str(value).split(",") if parameters.is_list_type(str(declaration.get(
                        "Type"))) else value)
    processor = Macros(call, macros, account=str(context.get("AWS::AccountId")),
                       region=str(context.get("AWS::Region")),
                       parameter_values=values_for_transform, pseudo=context)
    processed = await processor.process(original)
    if has_includes(processed):  # from an included file's own snippets
        processed = await expand(call, processed)
    return processed


def _attributes_of(type_name: str) -> set[str] | None:
    kind = TYPES.get(type_name)
    if kind is None or type_name.startswith("Custom::") or type_name in OPEN_ATTRIBUTES:
        return None
    return kind.attributes()


def restore(stack: StackRecord, context: dict[str, Any]) -> Prepared:
    """The stack's current template evaluated with its stored parameter values."""
    values = {entry["key"]: parameters.ParameterValue(**entry) for entry in stack.parameters}
    return prepare(stack.template, {}, context, values=values)


def stored_parameters(prepared: Prepared) -> list[dict[str, Any]]:
    return [{"key": value.key, "value": value.value, "resolved": value.resolved,
             "no_echo": value.no_echo, "ssm": value.ssm}
            for value in prepared.parameters.values()]


class StackReporter:
    """Stores a deployment's events and status on the stack record, and logs them."""

    def __init__(self, stack: StackRecord, save: Any, now: Any) -> None:
        self.stack = stack
        self.save = save
        self.now = now

    def event(self, event: StackEvent) -> None:
        self.stack.events.append({
            "EventId": event.event_id, "StackId": self.stack.stack_id,
            "StackName": self.stack.name, "LogicalResourceId": event.logical_id,
            "PhysicalResourceId": event.physical_id, "ResourceType": event.type_name,
            "Timestamp": event.timestamp, "ResourceStatus": event.status,
            **({"ResourceStatusReason": event.reason} if event.reason else {}),
            **({"ResourceProperties": event.properties} if event.properties else {}),
        })
        log.info("stack %s: %s %s %s%s", self.stack.name, event.logical_id, event.type_name,
                 event.status, f" ({event.reason})" if event.reason else "")

    def stack_status(self, status: str, reason: str = "") -> None:
        self.stack.status = status
        self.stack.status_reason = reason
        if status.startswith(("UPDATE", "ROLLBACK")) and status != "ROLLBACK_IN_PROGRESS":
            self.stack.updated = self.now()
        self.save()


def load_resources(stack: StackRecord) -> dict[str, ResourceState]:
    return {name: ResourceState(**fields) for name, fields in stack.resources.items()}


def save_resources(stack: StackRecord, resources: Mapping[str, ResourceState]) -> None:
    stack.resources = {name: dict(vars(state)) for name, state in resources.items()}


def policy_check(policy: str | None) -> Any:
    def check(logical_id: str, type_name: str, action: str) -> str | None:
        return stack_policy.denial(policy, logical_id, type_name, action)
    return check


async def outputs(deployment: Deployment, prepared: Prepared) -> list[dict[str, Any]]:
    out = []
    for key, output in prepared.outputs.items():
        value = await deployment.resolve(prepared, output["Value"])
        entry: dict[str, Any] = {"OutputKey": key, "OutputValue": _output_text(value)}
        if "Description" in output:
            entry["Description"] = str(output["Description"])
        if isinstance(output.get("Export"), dict) and "Name" in output["Export"]:
            entry["ExportName"] = str(await deployment.resolve(prepared,
                                                               output["Export"]["Name"]))
        out.append(entry)
    return out


def _output_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_output_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def imported_names(template: Mapping[str, Any], prepared: Prepared) -> list[str]:
    """Export names the template imports (evaluated with its parameters)."""
    names: list[str] = []
    stack: list[Any] = [template.get("Resources"), template.get("Outputs")]
    evaluator = prepared.evaluator()
    while stack:
        value = stack.pop()
        if intrinsics.function_of(value) == "Fn::ImportValue":
            try:
                name = evaluator.resolve(value["Fn::ImportValue"])
            except TemplateError:
                continue
            if isinstance(name, str) and name not in names:
                names.append(name)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return names


def new_stack_id(account: str, region: str, name: str) -> str:
    return f"arn:aws:cloudformation:{region}:{account}:stack/{name}/{uuid.uuid4()}"


__all__ = [
    "StackReporter", "check_capabilities", "imported_names", "load_resources", "new_stack_id",
    "outputs", "policy_check", "process", "pseudo", "required_capabilities", "restore",
    "save_resources", "stored_parameters", "transform",
]
