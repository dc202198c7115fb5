"""Models of WebSocket and HTTP APIs: named JSON schemas that WebSocket routes select with
their ``ModelSelectionExpression`` and ``RequestModels``.
https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-models.html
"""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import HttpApiBase, members


class ModelsApi(HttpApiBase):
    def create_model(self, ctx: RequestContext, *, api_id: str, name: str, schema: str,
                     **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        model_id = ids.short_id(6)
        doc = {"ModelId": model_id, "Name": name, "Schema": schema, **members(fields)}
        record.models[model_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def get_model(self, ctx: RequestContext, *, api_id: str, model_id: str,
                  **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.copy(self.child(record, "models", model_id, "Model"))

    def get_models(self, ctx: RequestContext, *, api_id: str, max_results: str | None = None,
                   next_token: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.page([self.copy(m) for m in record.models.values()], next_token,
                         max_results)

    def update_model(self, ctx: RequestContext, *, api_id: str, model_id: str,
                     **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        doc = self.copy(self.child(record, "models", model_id, "Model"))
        doc.update(members(fields))
        record.models[model_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def delete_model(self, ctx: RequestContext, *, api_id: str, model_id: str,
                     **_: Any) -> None:
        record = self.api_record(ctx, api_id)
        self.child(record, "models", model_id, "Model")
        del record.models[model_id]
        self.save_api(ctx, record)


__all__ = ["ModelsApi"]
