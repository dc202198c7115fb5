"""AWS STS: GetCallerIdentity, AssumeRole and GetAccessKeyInfo.

Long-term keys act as their account's root user (see emulator/accounts.py for which account a
key is); AssumeRole hands out a temporary key that encodes the role's account, as AWS's keys
do, so the session's requests act in that account and GetCallerIdentity names the assumed role.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
"""

from __future__ import annotations

import secrets
from typing import Any

from emulator import arns
from emulator.accounts import account_for, key_account, session_key
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.sts.models import SESSIONS, SessionRecord

GLOBAL_REGION = "aws-global"  # sessions are found whatever region a request is signed for
DEFAULT_DURATION = 3600  # seconds


def _caller(ctx: RequestContext) -> str:
    """The ARN of the principal making the request, for error messages."""
    return f"arn:aws:iam::{ctx.account_id}:root"


class StsProvider(Provider):
    service_name = "sts"
    sessions = TableOf(SESSIONS, SessionRecord, region=GLOBAL_REGION)

    def _session(self, ctx: RequestContext) -> SessionRecord | None:
        key = ctx.access_key
        if not key:
            return None
        session = self.sessions(account_for(key)).get(key)
        if session is None or session.expiration <= self.clock.now():
            return None
        return session

    def get_caller_identity(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        session = self._session(ctx)
        if session is not None:
            return {"UserId": session.user_id, "Account": ctx.account_id, "Arn": session.arn}
        return {"UserId": ctx.account_id, "Account": ctx.account_id, "Arn": _caller(ctx)}

    async def assume_role(self, ctx: RequestContext, *, role_arn: str, role_session_name: str,
                          duration_seconds: int | None = None, **_: Any) -> dict[str, Any]:
        denied = ServiceError(
            "AccessDenied", f"User: {self._caller_arn(ctx)} is not authorized to perform: "
            f"sts:AssumeRole on resource: {role_arn}", status=403)
        parsed = arns.parse_or_none(role_arn)
        if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
            raise denied
        account, role_name = parsed.account, parsed.resource.rsplit("/", 1)[-1]
        try:
            found = await self.ports.operations.call(
                RequestContext.internal(account, ctx.region), "iam", "GetRole",
                {"RoleName": role_name})
        except ServiceError:
            raise denied from None
        role = found["Role"]
        duration = duration_seconds or DEFAULT_DURATION
        limit = int(role.get("MaxSessionDuration") or DEFAULT_DURATION)
        if duration > limit:
            raise ServiceError(
                "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration "
                "set for this role.", status=400)
        key = session_key(account)
        arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{role_session_name}"
        user_id = f"{role['RoleId']}:{role_session_name}"
        expiration = self.clock.now() + duration
        self.sessions(account).put(key, SessionRecord(
            access_key_id=key, arn=arn, user_id=user_id, expiration=expiration))
        return {
            "Credentials": {"AccessKeyId": key,
                            "SecretAccessKey": secrets.token_urlsafe(30)[:40],
                            "SessionToken": secrets.token_urlsafe(240),
                            "Expiration": expiration},
            "AssumedRoleUser": {"AssumedRoleId": user_id, "Arn": arn},
            "PackedPolicySize": 0,
        }

    def _caller_arn(self, ctx: RequestContext) -> str:
        session = self._session(ctx)
        return session.arn if session is not None else _caller(ctx)

    def get_access_key_info(self, ctx: RequestContext, *, access_key_id: str,
                            **_: Any) -> dict[str, Any]:
        account = (key_account(access_key_id) if access_key_id.startswith(("AKIA", "ASIA"))
                   else None)
        return {"Account": account or account_for(access_key_id)}

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"sessions": [
            {"arn": record.arn, "accessKeyId": record.access_key_id,
             "expiration": record.expiration, "account": account}
            for account, _, record in self.sessions.everywhere()]}


__all__ = ["StsProvider"]
