"""The account's API Gateway settings (throttle limits, features, the CloudWatch role)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase
from emulator.services.apigateway.models import AccountRecord


class AccountApi(ApiGatewayBase):
    def account_doc(self, ctx: RequestContext) -> dict[str, Any]:
        record = self.account_table(ctx).get("account")
        return record.account if record else {
            "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
            "features": ["UsagePlans"], "apiKeyVersion": "4"}

    def get_account(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return self.account_doc(ctx)

    def update_account(self, ctx: RequestContext, *,
                       patch_operations: list[dict[str, Any]] | None = None, **_: Any
                       ) -> dict[str, Any]:
        doc = self.copy(self.account_doc(ctx))
        patch.apply(doc, patch_operations, {"/cloudwatchRoleArn": patch.Path(removable=True),
                                            "/features": patch.Path(patch.LIST)})
        self.account_table(ctx).put("account", AccountRecord(account=doc))
        return doc


__all__ = ["AccountApi"]
