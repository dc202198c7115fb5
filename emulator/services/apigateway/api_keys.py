"""API keys: their values, stage keys and patches (usage plans count their requests)."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import ApiKeyRecord

API_KEY_PATHS = {"/name": patch.Path(), "/description": patch.Path(removable=True),
                 "/enabled": patch.Path(patch.BOOL), "/customerId": patch.Path(removable=True)}


class ApiKeysApi(ApiGatewayBase):
    def create_api_key(self, ctx: RequestContext, *, name: str | None = None,
                       description: str | None = None, enabled: bool | None = None,
                       generate_distinct_id: bool | None = None, value: str | None = None,
                       stage_keys: list[dict[str, str]] | None = None,
                       customer_id: str | None = None, tags: dict[str, str] | None = None,
                       **_: Any) -> dict[str, Any]:
        if value is not None and len(value) < 20:
            raise bad_request("API Key value should be at least 20 characters")
        now = int(self.clock.now())
        key = without_none({
            "id": ids.short_id(), "value": value or ids.short_id(40), "name": name,
            "customerId": customer_id, "description": description, "enabled": bool(enabled),
            "createdDate": now, "lastUpdatedDate": now, "tags": tags or None,
            "stageKeys": [f"{k.get('restApiId')}/{k.get('stageName')}"
                          for k in stage_keys or []]})
        self.api_keys(ctx).put(key["id"], ApiKeyRecord(key=key))
        return key

    @staticmethod
    def _key_view(key: dict[str, Any], include_value: bool | None) -> dict[str, Any]:
        return key if include_value else {k: v for k, v in key.items() if k != "value"}

    def get_api_key(self, ctx: RequestContext, *, api_key: str,
                    include_value: bool | None = None, **_: Any) -> dict[str, Any]:
        return self._key_view(self.api_key_record(ctx, api_key).key, include_value)

    def get_api_keys(self, ctx: RequestContext, *, position: str | None = None,
                     limit: int | None = None, name_query: str | None = None,
                     customer_id: str | None = None, include_values: bool | None = None,
                     **_: Any) -> dict[str, Any]:
        keys = [self._key_view(r.key, include_values) for r in self.api_keys(ctx).values()
                if (not name_query or str(r.key.get("name", "")).startswith(name_query))
                and (not customer_id or r.key.get("customerId") == customer_id)]
        return self.page(keys, position, limit)

    def update_api_key(self, ctx: RequestContext, *, api_key: str,
                       patch_operations: list[dict[str, Any]] | None = None, **_: Any
                       ) -> dict[str, Any]:
        record = self.api_key_record(ctx, api_key)
        patch.apply(record.key, patch_operations, API_KEY_PATHS)
        record.key["lastUpdatedDate"] = int(self.clock.now())
        self.api_keys(ctx).put(api_key, record)
        return self._key_view(record.key, False)

    def delete_api_key(self, ctx: RequestContext, *, api_key: str, **_: Any) -> None:
        self.api_key_record(ctx, api_key)
        self.api_keys(ctx).delete(api_key)

    # -- usage plans ------------------------------------------------------------------------


__all__ = ["ApiKeysApi"]
