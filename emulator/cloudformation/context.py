"""What a resource type's operation is given: which resource of which stack it acts for,
where (account, region), and how to call the services."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from emulator.cloudformation.ports import ServiceCall

_SUFFIX_ALPHABET = string.ascii_uppercase + string.digits
_MIXED_ALPHABET = string.ascii_letters + string.digits


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
                      suffix: str = "", separator: str = "-", stack_prefix: bool = True,
                      mixed_case: bool = False) -> str:
        """A generated name as CloudFormation makes it: stack-LogicalId-RANDOMSUFFIX (some
        types leave the stack out or draw the suffix from both cases: LogicalId-RaNdOm)."""
        alphabet = _MIXED_ALPHABET if mixed_case else _SUFFIX_ALPHABET
        random_part = "".join(secrets.choice(alphabet) for _ in range(12))
        if not stack_prefix:
            logical = self.logical_id[: max_length - len(random_part) - len(suffix)
                                      - len(separator)]
            name = f"{logical}{separator}{random_part}{suffix}"
            return name.lower() if lowercase else name
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


__all__ = ["ResourceContext"]
