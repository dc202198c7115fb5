"""Resource-based policies: AddPermission, RemovePermission, GetPolicy."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.context import RequestContext
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.models import PolicyRecord
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    new_revision,
    scope_of,
    split_function_name,
    user_error,
)

_ACCOUNT = re.compile(r"^\d{12}$")


def _principal(principal: str) -> Any:
    if principal == "*":
        return "*"
    if _ACCOUNT.match(principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}


def _statement(resource: str, statement_id: str, action: str, principal: str,
               params: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": statement_id,
        "Effect": "Allow",
        "Principal": _principal(principal),
        "Action": action,
        "Resource": resource,
    }
    condition: dict[str, dict[str, str]] = {}
    if params.get("source_account"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = params["source_account"]
    if params.get("event_source_token"):
        condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = params[
            "event_source_token"]
    if params.get("principal_org_id"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = params[
            "principal_org_id"]
    if params.get("function_url_auth_type"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = params[
            "function_url_auth_type"]
    if params.get("source_arn"):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = params["source_arn"]
    if condition:
        statement["Condition"] = condition
    return statement


class PermissionsApi(LambdaBase):
    def _policy_target(self, scope: Scope, function_name: str,
                       qualifier: str | None) -> tuple[str, str]:
        name, qualifier = split_function_name(function_name, qualifier)
        self.version_record(scope, name, qualifier)
        return name, "" if qualifier in (None, "$LATEST") else str(qualifier)

    def add_permission(self, ctx: RequestContext, *, function_name: str, statement_id: str,
                       action: str, principal: str, qualifier: str | None = None,
                       revision_id: str | None = None, **params: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier_key = self._policy_target(scope, function_name, qualifier)
        policies = self.tables(scope).policies
        key = f"{name}:{qualifier_key}"
        policy = policies.get(key) or PolicyRecord(function_name=name, qualifier=qualifier_key,
                                                   revision_id=new_revision())
        if revision_id is not None and revision_id != policy.revision_id:
            raise user_error(
                "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetPolicy API to retrieve the latest Revision Id",
            )
        if any(s["Sid"] == statement_id for s in policy.statements):
            raise self.conflict(
                f"The statement id ({statement_id}) provided already exists. Please provide a "
                "new statement id, or remove the existing statement."
            )
        resource = function_arn(scope, name, qualifier_key or None)
        statement = _statement(resource, statement_id, action, principal, params)
        policy.statements.append(statement)
        policy.revision_id = new_revision()
        policies.put(key, policy)
        return {"Statement": json.dumps(statement, separators=(",", ":"))}

    def remove_permission(self, ctx: RequestContext, *, function_name: str, statement_id: str,
                          qualifier: str | None = None, revision_id: str | None = None, **_: Any
                          ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier_key = self._policy_target(scope, function_name, qualifier)
        policies = self.tables(scope).policies
        key = f"{name}:{qualifier_key}"
        policy = policies.get(key)
        if policy is None or not any(s["Sid"] == statement_id for s in policy.statements):
            raise self.not_found(f"Statement {statement_id} is not found in resource policy.")
        if revision_id is not None and revision_id != policy.revision_id:
            raise user_error(
                "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetPolicy API to retrieve the latest Revision Id",
            )
        policy.statements = [s for s in policy.statements if s["Sid"] != statement_id]
        policy.revision_id = new_revision()
        if policy.statements:
            policies.put(key, policy)
        else:
            policies.delete(key)
        return {}

    def get_policy(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier_key = self._policy_target(scope, function_name, qualifier)
        policy = self.tables(scope).policies.get(f"{name}:{qualifier_key}")
        if policy is None or not policy.statements:
            raise self.not_found("The resource you requested does not exist.")
        document = {"Version": "2012-10-17", "Id": "default", "Statement": policy.statements}
        return {"Policy": json.dumps(document, separators=(",", ":")),
                "RevisionId": policy.revision_id}


__all__ = ["PermissionsApi"]
