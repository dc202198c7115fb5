"""Tags on the resources a stack makes: the resource's own merged with the stack's, and how
each service tags and untags a resource to retag it in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.cloudformation.context import ResourceContext


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


__all__ = ["Tagging", "tag_changes", "tag_list", "tag_map", "user_tags"]
