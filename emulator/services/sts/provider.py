"""The STS provider. Credentials are not checked, so every caller is the root user of the
account its access key names (``accounts.account_for``); GetCallerIdentity says so the way AWS
answers root credentials: the account id as UserId and ``arn:aws:iam::<account>:root``."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.base import Provider


class StsProvider(Provider):
    service_name = "sts"

    def get_caller_identity(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"UserId": ctx.account_id, "Account": ctx.account_id,
                "Arn": f"arn:aws:iam::{ctx.account_id}:root"}


__all__ = ["StsProvider"]
