"""The stored records of CloudFormation: stacks (with their resources and events) and
change sets."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

STACKS = "stacks"  # key: stack id (deleted stacks stay, as ListStacks shows them)
CHANGE_SETS = "change-sets"  # key: change set id
MACROS = "macros"  # key: macro name


class StackRecord(Record):
    stack_id: str
    name: str
    status: str = "REVIEW_IN_PROGRESS"
    status_reason: str = ""
    description: str | None = None
    template_body: str = ""  # as given: GetTemplate's Original stage
    template: dict[str, Any] = Field(default_factory=dict)  # transforms applied: Processed
    parameters: list[dict[str, Any]] = Field(default_factory=list)  # ParameterValue fields
    given: dict[str, str] = Field(default_factory=dict)  # the values the caller passed
    tags: list[dict[str, str]] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    notification_arns: list[str] = Field(default_factory=list)
    disable_rollback: bool = False
    termination_protection: bool = False
    stack_policy: str | None = None
    role_arn: str | None = None
    timeout: int | None = None
    created: float = 0.0
    updated: float | None = None
    deleted: float | None = None
    outputs: list[dict[str, Any]] = Field(default_factory=list)
    imports: list[str] = Field(default_factory=list)  # export names its template imports
    resources: dict[str, dict[str, Any]] = Field(default_factory=dict)  # ResourceState fields
    events: list[dict[str, Any]] = Field(default_factory=list)  # oldest first
    change_set_id: str | None = None
    parent_id: str | None = None
    root_id: str | None = None

    @property
    def live(self) -> bool:
        return self.status != "DELETE_COMPLETE"


class ChangeSetRecord(Record):
    change_set_id: str
    name: str
    stack_id: str
    stack_name: str
    change_set_type: str  # CREATE, UPDATE or IMPORT
    status: str = "CREATE_PENDING"
    status_reason: str | None = None
    execution_status: str = "UNAVAILABLE"
    description: str | None = None
    template_body: str = ""
    template: dict[str, Any] = Field(default_factory=dict)
    given: dict[str, str] = Field(default_factory=dict)
    use_previous: list[str] = Field(default_factory=list)
    parameters: list[dict[str, Any]] = Field(default_factory=list)
    tags: list[dict[str, str]] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    notification_arns: list[str] = Field(default_factory=list)
    changes: list[dict[str, Any]] = Field(default_factory=list)
    created: float = 0.0
    disable_rollback: bool | None = None
    role_arn: str | None = None


class MacroRecord(Record):
    """A macro an AWS::CloudFormation::Macro resource registered."""

    name: str
    function_name: str
    description: str | None = None
    log_group_name: str | None = None
    log_role_arn: str | None = None
    owner: str  # stack id | logical id of the resource that registered it


__all__ = ["CHANGE_SETS", "MACROS", "STACKS", "ChangeSetRecord", "MacroRecord", "StackRecord"]
