"""The stored records of IAM: roles, users and groups (with inline and attached policies),
users' access keys, managed policies (with versions) and instance profiles. IAM is global: one
table set per account."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

ROLES = "roles"  # key: role name
POLICIES = "policies"  # key: policy ARN
PROFILES = "instance-profiles"  # key: instance profile name
USERS = "users"  # key: user name
GROUPS = "groups"  # key: group name


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


class AccessKeyRecord(Record):
    access_key_id: str
    secret: str
    status: str = "Active"
    created: float = 0.0


class UserRecord(Record):
    name: str
    user_id: str
    arn: str
    path: str = "/"
    permissions_boundary: str | None = None
    tags: list[dict[str, str]] = Field(default_factory=list)
    created: float = 0.0
    inline: dict[str, str] = Field(default_factory=dict)  # policy name -> document
    attached: list[str] = Field(default_factory=list)  # managed policy ARNs
    access_keys: list[AccessKeyRecord] = Field(default_factory=list)


class GroupRecord(Record):
    name: str
    group_id: str
    arn: str
    path: str = "/"
    created: float = 0.0
    members: list[str] = Field(default_factory=list)  # user names
    inline: dict[str, str] = Field(default_factory=dict)
    attached: list[str] = Field(default_factory=list)


__all__ = [
    "GROUPS",
    "POLICIES",
    "PROFILES",
    "ROLES",
    "USERS",
    "AccessKeyRecord",
    "GroupRecord",
    "PolicyRecord",
    "PolicyVersion",
    "ProfileRecord",
    "RoleRecord",
    "UserRecord",
]
