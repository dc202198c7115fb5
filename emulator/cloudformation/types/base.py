"""Shared machinery of the resource types: template properties fitted to an operation's input
members by the service's own model, and :class:`Simple`, a type described by data alone
(which operations create, update and delete it, where its id and attributes come from), and
:class:`Put`, a type one call both makes and changes."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape
from botocore.session import get_session

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, text
from emulator.cloudformation.tags import tag_list


def json_text(value: Any) -> str:
    """A JSON-typed property as the service gets it from CloudFormation: a string as given, an
    object as compact JSON (a policy read back from IAM, SQS or S3 after a deployment has no
    spaces after its separators)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@cache
def _session() -> Any:
    return get_session()


@cache
def _service(service: str) -> ServiceModel:
    return _session().get_service_model(service)


def _own_models(service: str, name: str) -> OperationModel:
    return _service(service).operation_model(name)


_models: list[Callable[[str, str], OperationModel]] = [_own_models]


def use_models(source: Callable[[str, str], OperationModel]) -> None:
    """Read operation models from ``source`` (the wire layer's, so they load once)."""
    _models[0] = source


def operation(service: str, name: str) -> OperationModel:
    return _models[0](service, name)


def _fit(shape: Shape, value: Any) -> Any:
    if shape.type_name == "structure" and isinstance(value, dict):
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value
        members = {name.lower(): name for name in shape.members}
        out = {}
        for key, item in value.items():
            name = members.get(str(key).lower())
            if name is not None and item is not None:
                out[name] = _fit(shape.members[name], item)
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [_fit(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {str(k): _fit(shape.value, v) for k, v in value.items()}
    if shape.type_name == "string" and isinstance(value, (dict, list)):
        return json_text(value)  # policies and patterns given as objects
    return value


def fit(service: str, operation_name: str, properties: dict[str, Any], /, *,
        skip: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """Template properties as the operation's input members (matched without regard to case),
    plus ``extra`` members; properties the operation does not take are left out."""
    shape = operation(service, operation_name).input_shape
    chosen = {key: value for key, value in properties.items() if key not in skip}
    fitted: dict[str, Any] = _fit(shape, chosen) if shape is not None else {}
    for key, value in extra.items():
        if value is not None:
            fitted[key] = value
    return fitted


def dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def tags_as_map(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: text(tag["Value"]) for tag in tags}


class Simple(ResourceType):
    """A type whose operations take the template's properties as they are.

    ``identity`` names the members that address an existing resource for update and delete
    (see :class:`ResourceType`). ``noun`` names the resource as its API's operations do
    (CreateRoute, UpdateRoute, DeleteRoute): the operations a type does not name are made
    from it (no update for a type whose every change replaces it).
    """

    noun: ClassVar[str | None] = None
    create_operation: ClassVar[str]
    update_operation: ClassVar[str | None] = None
    physical: ClassVar[str]  # the create answer's member (dotted path) that is the id
    outputs: ClassVar[dict[str, str]] = {}  # attribute -> create answer member (dotted path)
    tag_style: ClassVar[str | None] = None  # "map", "list" or None: how the API takes tags
    tag_member: ClassVar[str] = "Tags"
    # (member, longest length): the create input a generated name fills when none is given.
    generated_name: ClassVar[tuple[str, int] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.noun is None:
            return
        if "create_operation" not in vars(cls):
            cls.create_operation = f"Create{cls.noun}"
        if "delete_operation" not in vars(cls):
            cls.delete_operation = f"Delete{cls.noun}"
        if "update_operation" not in vars(cls) and cls.updatable:
            cls.update_operation = f"Update{cls.noun}"

    def create_params(self, ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, Any]:
        params = fit(self.service, self.create_operation, properties)
        if self.generated_name is not None:
            member, length = self.generated_name
            params.setdefault(member, ctx.physical_name(length))
        if self.tag_style:
            tags = tag_list(ctx, properties)
            params[self.tag_member] = tags_as_map(tags) if self.tag_style == "map" else tags
        return params

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(self.service, self.create_operation,
                                self.create_params(ctx, properties))
        physical_id = str(dig(answer, self.physical))
        attributes = {name: dig(answer, path) for name, path in self.outputs.items()}
        attributes = {name: value for name, value in attributes.items() if value is not None}
        return Created(physical_id, self.more_attributes(ctx, physical_id, properties,
                                                         attributes))

    def more_attributes(self, ctx: ResourceContext, physical_id: str,
                        properties: dict[str, Any],
                        attributes: dict[str, Any]) -> dict[str, Any]:
        return attributes

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        if self.update_operation is None:
            return attributes
        params = fit(self.service, self.update_operation, properties)
        params.update(self.address(physical_id, properties, attributes))
        await ctx.call(self.service, self.update_operation, params)
        return attributes


class Put(ResourceType, ABC):
    """A type that one call both makes and changes (PutX, SetX, UpdateX of a setting):
    ``put`` is written once; create names the resource (``new_id``) and puts, update puts
    again. ``previous`` is None when creating, else the properties the resource had."""

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return ctx.physical_name()

    def put_attributes(self, physical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {}

    @abstractmethod
    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        """Make the resource as ``properties`` say, or change it from ``previous``."""

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        physical_id = self.new_id(ctx, properties)
        await self.put(ctx, physical_id, properties, None)
        return Created(physical_id, self.put_attributes(physical_id, properties))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self.put(ctx, physical_id, properties, previous)
        return {**attributes, **self.put_attributes(physical_id, properties)}


__all__ = ["Put", "Simple", "dig", "fit", "json_text", "operation", "tags_as_map", "use_models"]
