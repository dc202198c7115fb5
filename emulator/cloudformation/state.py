"""A stack's resources and events as the engine changes them; the provider stores them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ResourceState:
    logical_id: str
    type_name: str
    status: str
    physical_id: str = ""
    status_reason: str = ""
    properties: dict[str, Any] = field(default_factory=dict)  # as resolved and applied
    attributes: dict[str, Any] = field(default_factory=dict)
    definition: dict[str, Any] = field(default_factory=dict)  # the template's entry
    updated: float = 0.0
    emulated: bool = True  # False for a placeholder of a type the emulator lacks


@dataclass
class StackEvent:
    logical_id: str
    physical_id: str
    type_name: str
    status: str
    timestamp: float
    reason: str = ""
    properties: str | None = None  # the resource's template properties, as JSON text
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


__all__ = ["ResourceState", "StackEvent"]
