"""What a resource type is to the engine: create, update and delete through service
operations, a physical id (what ``Ref`` returns) and attributes (what ``Fn::GetAtt`` reads).

Each supported type is a small subclass registered with :func:`register`; the types live in
``types/`` one module per service, and the docs table of supported types is made from
:data:`TYPES`.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from emulator.cloudformation import schemas
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import ServiceCall, ServiceFailure

_SUFFIX_ALPHABET = string.ascii_uppercase + string.digits
# An update that gives the resource a new physical id returns it under this attribute key;
# the old one is deleted in the cleanup phase, as for a replacement.
NEW_PHYSICAL_ID = "__new_physical_id__"


@dataclass
class Created:
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ResourceContext:
    """One resource's operation: who it is, where it lives, how to reach services."""

    call: ServiceCall
    logical_id: str
    stack_name: str
    stack_id: str
    account: str
    region: str
    tags: list[dict[str, str]] = field(default_factory=list)  # stack tags and aws:cloudformation:*
    endpoint_url: str = "http://localhost:4566"
    # Set by the engine for types that run their own stacks or custom providers.
    extras: dict[str, Any] = field(default_factory=dict)

    def physical_name(self, max_length: int = 64, *, lowercase: bool = False,
                      suffix: str = "", separator: str = "-") -> str:
        """A generated name as CloudFormation makes it: stack-LogicalId-RANDOMSUFFIX."""
        random_part = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(12))
        room = max_length - len(random_part) - len(suffix) - 2 * len(separator)
        stack, logical = self.stack_name, self.logical_id
        if len(stack) + len(logical) > room:
            stack = stack[: max(room // 2, room - len(logical))]
            logical = logical[: room - len(stack)]
        name = f"{stack}{separator}{logical}{separator}{random_part}{suffix}"
        return name.lower() if lowercase else name

    def arn(self, service: str, resource: str, *, region: str | None = None) -> str:
        where = self.region if region is None else region
        return f"arn:aws:{service}:{where}:{self.account}:{resource}"


@dataclass(frozen=True)
class Tagging:
    """How a service tags and untags one of its resources, for retagging it in place."""

    service: str
    tag: str  # the operation that adds or overwrites tags
    untag: str  # the operation that removes tags by key
    target: str  # the member naming the resource
    tags: str = "Tags"  # the tag operation's member holding the tags
    keys: str = "TagKeys"  # the untag operation's member holding the keys
    style: str = "list"  # "map", "list" ({Key, Value}), "lower" ({key, value}), "kms"
    user_only: bool = False  # the API refuses the aws: prefix
    fixed: tuple[tuple[str, str], ...] = ()  # members every call carries

    def shaped(self, tags: dict[str, str]) -> Any:
        if self.style == "map":
            return tags
        key, value = {"list": ("Key", "Value"), "lower": ("key", "value"),
                      "kms": ("TagKey", "TagValue")}[self.style]
        return [{key: k, value: v} for k, v in tags.items()]

    async def apply(self, ctx: ResourceContext, resource: str, tags: dict[str, str],
                    previous: dict[str, str]) -> None:
        if self.user_only:
            tags, previous = user_tags(tags), user_tags(previous)
        changed, removed = tag_changes(tags, previous)
        base = {**dict(self.fixed), self.target: resource}
        if removed:
            await ctx.call(self.service, self.untag, {**base, self.keys: removed})
        if changed:
            await ctx.call(self.service, self.tag, {**base, self.tags: self.shaped(changed)})


class ResourceType:
    """Base of the supported resource types; subclasses set the class variables and
    override what differs from the defaults."""

    type_name: ClassVar[str]
    service: ClassVar[str]  # botocore service name the type's operations belong to
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


def tag_list(ctx: ResourceContext, properties: dict[str, Any],
             name: str = "Tags") -> list[dict[str, str]]:
    """The resource's own tags plus the stack's, as a Key/Value list."""
    own = properties.get(name) or []
    if isinstance(own, dict):
        own = [{"Key": k, "Value": v} for k, v in own.items()]
    keys = {tag["Key"] for tag in own}
    return [*own, *(tag for tag in ctx.tags if tag["Key"] not in keys)]


def tag_map(ctx: ResourceContext, properties: dict[str, Any],
            name: str = "Tags") -> dict[str, str]:
    return {tag["Key"]: str(tag["Value"]) for tag in tag_list(ctx, properties, name)}


def tag_changes(tags: dict[str, str], previous: dict[str, str],
                ) -> tuple[dict[str, str], list[str]]:
    """(the tags to set, the keys to remove) to turn ``previous`` into ``tags``."""
    return ({key: value for key, value in tags.items() if previous.get(key) != value},
            [key for key in previous if key not in tags])


def user_tags(tags: dict[str, str]) -> dict[str, str]:
    """Tags without the ``aws:`` ones, for the services whose APIs refuse that prefix."""
    return {key: value for key, value in tags.items() if not key.lower().startswith("aws:")}


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
    "NEW_PHYSICAL_ID", "TYPES", "Created", "ResourceContext", "ResourceType", "Tagging",
    "ignore_missing",
    "register", "required", "tag_changes", "tag_list", "tag_map", "text", "user_tags",
]
