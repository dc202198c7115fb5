"""Template macros: ``Transform`` entries and ``Fn::Transform`` snippets processed by a
registered ``AWS::CloudFormation::Macro``'s Lambda function, mixed in their documented order
with the transforms CloudFormation hosts (AWS::Include, AWS::LanguageExtensions, SAM).

Snippets go first, the most deeply nested outward, several at one place in the order listed;
then the Transform section's entries in the order declared. A macro's function gets AWS's
event (region, accountId, fragment, transformId, params, requestId, templateParameterValues)
and answers with requestId, status and fragment; anything but ``success`` fails the operation.
See https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html and
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros-author.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from emulator.cloudformation import include, transforms
from emulator.cloudformation.errors import TemplateError, format_error
from emulator.cloudformation.ports import MacroRegistry, ServiceCall, ServiceFailure

TRANSFORM = "Fn::Transform"
HOSTED = (*transforms.SUPPORTED, include.INCLUDE)


class MacroError(TemplateError):
    """A macro that could not process its fragment; the operation fails with this text."""


def _entries(declared: Any) -> list[Any]:
    if declared is None:
        return []
    return list(declared) if isinstance(declared, list) else [declared]


def _name_of(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    name = entry.get("Name") if isinstance(entry, dict) else None
    if not isinstance(name, str):
        raise format_error("Key Name of transform definition must be a string.")
    return name


def uses_macros(template: Mapping[str, Any]) -> bool:
    """Whether the template names a transform anywhere (Transform or Fn::Transform): what
    CAPABILITY_AUTO_EXPAND acknowledges."""
    if "Transform" in template:
        return True
    stack: list[Any] = [dict(template)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if TRANSFORM in value:
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class Macros:
    """One template's processing: the account's macros, the parameter values they see."""

    def __init__(self, call: ServiceCall, registry: MacroRegistry | None, *, account: str,
                 region: str, parameter_values: Mapping[str, Any],
                 pseudo: Mapping[str, Any]) -> None:
        self.call = call
        self.registry = registry
        self.account = account
        self.region = region
        self.parameter_values = dict(parameter_values)
        self.pseudo = pseudo

    def transform_id(self, name: str) -> str:
        return f"{self.account}::{name}"

    async def invoke(self, name: str, fragment: Any, params: Mapping[str, Any]) -> Any:
        """The fragment the macro's function returns for ``fragment``."""
        transform_id = self.transform_id(name)
        function = self.registry.function(name) if self.registry is not None else None
        if function is None:
            raise MacroError(f"No transform named {transform_id} found.")
        request_id = str(uuid.uuid4())
        event = {"region": self.region, "accountId": self.account, "fragment": fragment,
                 "transformId": transform_id, "params": dict(params),
                 "requestId": request_id,
                 "templateParameterValues": self.parameter_values}
        try:
            answer = await self.call("lambda", "Invoke", {
                "FunctionName": function, "InvocationType": "RequestResponse",
                "Payload": json.dumps(event).encode()})
        except ServiceFailure as failure:
            raise MacroError(f"Transform {transform_id} failed with: {failure.message}"
                             ) from None
        raw = answer.get("Payload", b"")
        data = raw.read() if hasattr(raw, "read") else raw
        try:
            response = json.loads(data)
        except (TypeError, ValueError):
            response = None
        # A function that failed (its error payload) answers nothing CloudFormation can read.
        if answer.get("FunctionError") or not isinstance(response, dict):
            raise MacroError(f"Received malformed response from transform {transform_id}.")
        status = response.get("status")
        if not isinstance(status, str) or status.lower() != "success":
            message = response.get("errorMessage")
            raise MacroError(f"Transform {transform_id} failed with: {message}" if message
                             else f"Transform {transform_id} failed without an error message.")
        if response.get("requestId") != request_id or "fragment" not in response:
            raise MacroError(f"Received malformed response from transform {transform_id}.")
        return response["fragment"]

    def _params(self, value: Any) -> Any:
        """A snippet's parameters with Refs to template and pseudo parameters resolved (the
        values a macro's function reads); other functions are passed as written."""
        if isinstance(value, list):
            return [self._params(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and isinstance(value.get("Ref"), str):
            name = value["Ref"]
            if name in self.parameter_values:
                return self.parameter_values[name]
            if name in self.pseudo:
                return self.pseudo[name]
        return {key: self._params(item) for key, item in value.items()}

    async def snippets(self, value: Any) -> Any:
        """``value`` with every Fn::Transform applied, the deepest first."""
        if isinstance(value, list):
            return [await self.snippets(item) for item in value]
        if not isinstance(value, dict):
            return value
        if TRANSFORM not in value:
            return {key: await self.snippets(item) for key, item in value.items()}
        current: Any = {key: await self.snippets(item) for key, item in value.items()
                        if key != TRANSFORM}
        for entry in _entries(value[TRANSFORM]):
            name = _name_of(entry)
            if name == include.INCLUDE:
                location = include.include_location(entry) or ""
                included = await include.expand(self.call, await include.fetch(self.call,
                                                                               location))
                current = {**current, **included} if (
                    isinstance(current, dict) and current and isinstance(included, dict)
                ) else included
                continue
            params = entry.get("Parameters") if isinstance(entry, dict) else None
            current = await self.invoke(name, current, self._params(params or {}))
        return current

    async def template_level(self, template: dict[str, Any]) -> dict[str, Any]:
        """The Transform section's entries applied in the order declared (when one of them is
        a macro; otherwise the hosted transforms' own processing stands)."""
        entries = _entries(template.get("Transform"))
        names = [_name_of(entry) for entry in entries]
        if all(name in HOSTED for name in names):
            return transforms.apply(await include.top_level(self.call, template),
                                    self.parameter_values, self.pseudo)
        current = {key: item for key, item in template.items() if key != "Transform"}
        for entry, name in zip(entries, names, strict=True):
            if name == include.INCLUDE:
                current = await include.top_level(self.call, {**current, "Transform": entry})
            elif name == transforms.EXTENSIONS:
                current = transforms.language_extensions(current, self.parameter_values,
                                                         self.pseudo)
            elif name == transforms.SERVERLESS:
                current = transforms.serverless({**current, "Transform": name},
                                                self.parameter_values,
                                                str(self.pseudo.get("AWS::Region")))
            elif name.startswith("AWS::"):
                raise format_error(f"Transform {name} is not supported by this emulator")
            else:
                params = entry.get("Parameters") if isinstance(entry, dict) else None
                fragment = await self.invoke(name, current, self._params(params or {}))
                if not isinstance(fragment, dict):
                    raise MacroError("Received malformed response from transform "
                                     f"{self.transform_id(name)}.")
                current = fragment
            current.pop("Transform", None)
        if transforms.EXTENSIONS in names:
            current["Transform"] = transforms.EXTENSIONS  # its functions stay available
        return current

    async def process(self, template: dict[str, Any]) -> dict[str, Any]:
        processed = await self.snippets(template)
        if not isinstance(processed, dict):
            raise MacroError("Template format error: the processed template is not a JSON "
                             "object")
        return await self.template_level(processed)


__all__ = ["HOSTED", "TRANSFORM", "MacroError", "Macros", "uses_macros"]
