"""What a resource type is to the engine: create, update and delete through service
operations, a physical id (what ``Ref`` returns) and attributes (what ``Fn::GetAtt`` reads).

Each supported type is a small subclass registered with :func:`register`; the types live in
``types/`` one module per service, and the docs table of supported types is made from
:data:`TYPES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from emulator.cloudformation import schemas
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.tags import Tagging

# An update that gives the resource a new physical id returns it under this attribute key;
# the old one is deleted in the cleanup phase, as for a replacement.
NEW_PHYSICAL_ID = "__new_physical_id__"


@dataclass
class Created:
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


class ResourceType:
    """Base of the supported resource types; subclasses set the class variables and
    override what differs from the defaults."""

    type_name: ClassVar[str]
    # The botocore service the type's operations belong to: unless the type says otherwise,
    # its type name's namespace in lower case (AWS::SQS::Queue calls sqs).
    service: ClassVar[str]
    # Fn::GetAtt attributes beyond the schema's read-only properties.
    extra_attributes: ClassVar[tuple[str, ...]] = ()
    # Properties whose change replaces the resource, beyond the schema's create-only ones.
    extra_replacing: ClassVar[tuple[str, ...]] = ()
    # The property that names the resource; a replacement of a named resource fails.
    name_property: ClassVar[str | None] = None
    # Whether an update calls update() (False: every property change replaces).
    updatable: ClassVar[bool] = True
    # How the service retags the resource in place (None: the type takes no tags).
    tagging: ClassVar[Tagging | None] = None
    tag_by: ClassVar[str | None] = None  # the attribute naming it to tagging, else its id

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type_name" in vars(cls) and "service" not in vars(cls):
            cls.service = cls.type_name.split("::")[1].lower()

    @classmethod
    def attributes(cls) -> set[str]:
        return schemas.read_only(cls.type_name) | set(cls.extra_attributes)

    @classmethod
    def replacing(cls) -> set[str]:
        return schemas.create_only(cls.type_name) | set(cls.extra_replacing)

    @classmethod
    def requires_replacement(cls, changed: set[str]) -> bool:
        if not cls.updatable:
            return bool(changed)
        replacing = cls.replacing()
        return any(name in replacing or any(r.startswith(name + ".") or name.startswith(
            r + ".") for r in replacing) for name in changed)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        raise NotImplementedError  # pragma: no cover - every type defines create

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        """Change the resource in place; returns its attributes. The default replaces the
        whole configuration by deleting nothing and re-applying (types override)."""
        return attributes

    # The operation that deletes the resource (None: nothing to delete) and the members
    # that address it: each maps to "@id" (the physical id), "@attr:Name" (a stored
    # attribute) or a property name; ``delete_options`` are members every delete carries.
    # Types whose delete takes more override delete().
    delete_operation: ClassVar[str | None] = None
    identity: ClassVar[dict[str, str]] = {}
    delete_options: ClassVar[dict[str, Any]] = {}

    def address(self, physical_id: str, properties: dict[str, Any],
                attributes: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for member, source in self.identity.items():
            if source == "@id":
                out[member] = physical_id
            elif source.startswith("@attr:"):
                out[member] = attributes.get(source[6:])
            else:
                out[member] = properties.get(source)
        return out

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        operation = self.delete_operation
        if operation is not None:
            params = {**self.address(physical_id, properties, attributes),
                      **self.delete_options}
            await ignore_missing(lambda: ctx.call(self.service, operation, params))

    def tag_target(self, ctx: ResourceContext, physical_id: str,
                   attributes: dict[str, Any]) -> str:
        """What the service's tag operations name the resource by."""
        return str(attributes[self.tag_by]) if self.tag_by else physical_id

    async def retag(self, ctx: ResourceContext, physical_id: str, attributes: dict[str, Any],
                    tags: dict[str, str], previous: dict[str, str]) -> None:
        """Give the resource ``tags`` (its own and the stack's) in place of ``previous``:
        the engine calls it when either changes. Types without ``tagging`` take no tags."""
        if self.tagging is not None:
            await self.tagging.apply(ctx, self.tag_target(ctx, physical_id, attributes),
                                     tags, previous)

    @classmethod
    def takes_tags(cls) -> bool:
        return cls.tagging is not None or cls.retag is not ResourceType.retag

    @classmethod
    def tags_property(cls) -> str:
        """The property holding the resource's own tags, as the type's schema names it."""
        return schemas.tag_property(cls.type_name) or "Tags"


TYPES: dict[str, type[ResourceType]] = {}


def register(cls: type[ResourceType]) -> type[ResourceType]:
    TYPES[cls.type_name] = cls
    return cls


def required(properties: dict[str, Any], *names: str) -> None:
    """AWS's schema check for a missing required property."""
    for name in names:
        if properties.get(name) in (None, ""):
            raise ResourceError(
                f"Properties validation failed for resource with message: "
                f"#: required key [{name}] not found", "InvalidRequest")


async def ignore_missing(action: Callable[[], Any]) -> None:
    """Run a delete; a resource already gone counts as deleted, as CloudFormation treats it."""
    try:
        await action()
    except ServiceFailure as failure:
        if "NotFound" in failure.code or "NoSuch" in failure.code or failure.code in (
                "ResourceNotFoundException", "AWS.SimpleQueueService.NonExistentQueue",
                "QueueDoesNotExist", "InvalidParameter", "NotFound"):
            return
        raise


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = [
    "NEW_PHYSICAL_ID", "TYPES", "Created", "ResourceType", "ignore_missing", "register",
    "required", "text",
]
