"""The stored records of IAM: roles (with inline and attached policies), managed policies
(with versions) and instance profiles. IAM is global: one table set per account."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

ROLES = "roles"  # key: role name
POLICIES = "policies"  # key: policy ARN
PROFILES = "instance-profiles"  # key: instance profile name


class RoleRecord(Record):
    name: str
    role_id: str
    arn: str
    path: str = "/"
    assume_role_policy: str = ""
    description: str | None = None
    max_session_duration: int = 3600
    permissions_boundary: str | None = None
    tags: list[dict[str, str]] = Field(default_factory=list)
    created: float = 0.0
    inline: dict[str, str] = Field(default_factory=dict)  # policy name -> document
    attached: list[str] = Field(default_factory=list)  # managed policy ARNs


class PolicyVersion(Record):
    version_id: str
    document: str
    default: bool = False
    created: float = 0.0


class PolicyRecord(Record):
    name: str
    policy_id: str
    arn: str
    path: str = "/"
    description: str | None = None
    tags: list[dict[str, str]] = Field(default_factory=list)
    created: float = 0.0
    updated: float = 0.0
    versions: list[PolicyVersion] = Field(default_factory=list)
    next_version: int = 2


class ProfileRecord(Record):
    name: str
    profile_id: str
    arn: str
    path: str = "/"
    roles: list[str] = Field(default_factory=list)  # role names
    tags: list[dict[str, str]] = Field(default_factory=list)
    created: float = 0.0


__all__ = ["POLICIES", "PROFILES", "ROLES", "PolicyRecord", "PolicyVersion", "ProfileRecord",
           "RoleRecord"]
