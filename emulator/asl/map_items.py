"""The items a Map state iterates: a JSON array's elements, or a JSON object's key-value pairs.

AWS iterates an object pair by pair: the ItemsPath "must evaluate to a JSON array or object",
and for an object the Map "runs an iteration for each key-value pair in the object, passing
the pair to the iteration as input"
(https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html); the Context
object has ``Map.Item.Key``, "Only valid for JSON objects", beside ``Map.Item.Index`` and
``Map.Item.Value``
(https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html). AWS was
observed (https://github.com/floci-io/floci/pull/1588, comment of 2026-07-02) to accept an
ItemReader JSON file whose top level is an object and to pass each iteration
``{"Key": "a", "Value": {"x": 1}}``, with ``$$.Map.Item.Key``, ``Index`` and ``Value``
resolving in ItemSelector.

A pair's ``Map.Item.Value`` is the pair's value (``Map.Item.Key`` its key), so that an
ItemSelector of ``Key`` and ``Value`` rebuilds the default input; the pairs keep the object's
key order and ``Map.Item.Index`` counts them from 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class MapItems:
    inputs: list[Any]  # each iteration's default input, in order
    keys: list[str | None] = field(default_factory=list)  # an object pair's key; None: array

    def __post_init__(self) -> None:
        if len(self.keys) < len(self.inputs):
            self.keys += [None] * (len(self.inputs) - len(self.keys))

    @classmethod
    def of(cls, value: Any) -> MapItems | None:
        """The items of a JSON array or object; None for any other value."""
        if isinstance(value, list):
            return cls(value)
        if isinstance(value, dict):
            return cls([{"Key": key, "Value": item} for key, item in value.items()],
                       list(value))
        return None

    def __len__(self) -> int:
        return len(self.inputs)

    def __add__(self, other: MapItems) -> MapItems:
        return MapItems(self.inputs + other.inputs, self.keys + other.keys)

    def first(self, count: int | None) -> MapItems:
        """The first ``count`` items (all of them for None or 0)."""
        if not count:
            return self
        return MapItems(self.inputs[:count], self.keys[:count])

    def context(self, index: int) -> dict[str, Any]:
        """The Context object's ``Map.Item`` for the item at ``index``."""
        key = self.keys[index]
        if key is None:
            return {"Index": index, "Value": self.inputs[index]}
        return {"Index": index, "Key": key, "Value": self.inputs[index]["Value"]}


__all__ = ["MapItems"]
