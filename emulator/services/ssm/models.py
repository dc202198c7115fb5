"""The stored records of Parameter Store: one record per parameter, holding every version
(at most 100) and the parameter's tags. Times are epoch seconds."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

PARAMETERS = "parameters"  # key: the parameter's name


class VersionRecord(Record):
    """One version of a parameter, as GetParameterHistory lists it. A SecureString's value
    is stored encrypted (see secure.py)."""

    version: int
    type: str  # String, StringList or SecureString
    value: str
    key_id: str | None = None  # SecureString only
    description: str | None = None
    allowed_pattern: str | None = None
    tier: str = "Standard"
    policies: str | None = None  # the PutParameter text, a JSON array
    data_type: str = "text"
    labels: list[str] = Field(default_factory=list)
    last_modified: float
    last_modified_user: str


class ParameterRecord(Record):
    name: str
    versions: list[VersionRecord] = Field(default_factory=list)  # oldest first
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def latest(self) -> VersionRecord:
        return self.versions[-1]

    def version(self, number: int) -> VersionRecord | None:
        return next((v for v in self.versions if v.version == number), None)

    def labelled(self, label: str) -> VersionRecord | None:
        return next((v for v in self.versions if label in v.labels), None)


__all__ = ["PARAMETERS", "ParameterRecord", "VersionRecord"]
