"""The base of every stored record."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A stored thing: plain data, validated, serialisable to JSON."""

    model_config = ConfigDict(validate_assignment=False, extra="ignore")


__all__ = ["Record"]
