"""The base of every stored record."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A stored thing: plain data, validated, serialisable to JSON."""

    model_config = ConfigDict(validate_assignment=False, extra="ignore")

    def assign(self, **values: Any) -> None:
        """Set each field given a value (None: left as it is), as Update operations change
        only the members a request names."""
        for name, value in values.items():
            if value is not None:
                setattr(self, name, value)


__all__ = ["Record"]
