"""Models (JSON schemas), request validators and gateway responses of a REST API."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.gateway.rest import responses
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import RestApiRecord

MODEL_NAME = re.compile(r"^[a-zA-Z0-9]+$")
DRAFT4 = "http://json-schema.org/draft-04/schema#"
EMPTY_SCHEMA = json.dumps({"$schema": DRAFT4, "title": "Empty Schema", "type": "object"},
                          indent=2)
ERROR_SCHEMA = json.dumps({"$schema": DRAFT4, "title": "Error Schema", "type": "object",
                           "properties": {"message": {"type": "string"}}}, indent=2)
MODEL_PATHS = {"/schema": patch.Path(), "/description": patch.Path(removable=True)}
VALIDATOR_PATHS = {"/name": patch.Path(), "/validateRequestBody": patch.Path(patch.BOOL),
                   "/validateRequestParameters": patch.Path(patch.BOOL)}
GATEWAY_RESPONSE_PATHS = {"/statusCode": patch.Path(removable=True),
                          "/responseParameters": patch.Path(patch.MAP),
                          "/responseTemplates": patch.Path(patch.MAP)}


def default_models() -> dict[str, dict[str, Any]]:
    """The two models AWS gives every new REST API."""
    return {
        "Empty": {"id": ids.short_id(6), "name": "Empty", "description": "This is a default "
                  "empty schema model", "schema": EMPTY_SCHEMA, "contentType": "application/json"},
        "Error": {"id": ids.short_id(6), "name": "Error", "description": "This is a default "
                  "error schema model", "schema": ERROR_SCHEMA, "contentType": "application/json"},
    }


def check_schema(schema: str | None) -> None:
    if schema is None:
        return
    try:
        document = inbound.loads(schema)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise bad_request("Invalid model specified: Validation Result: warnings : [], "
                          "errors : [Invalid model schema specified]")


class SchemasApi(ApiGatewayBase):
    # -- models -----------------------------------------------------------------------------

    def create_model(self, ctx: RequestContext, *, rest_api_id: str, name: str,
                     content_type: str, schema: str | None = None,
                     description: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        if not MODEL_NAME.match(name):
            raise bad_request("Model name must be alphanumeric")
        if name in record.models:
            raise self.conflict("Model name already exists for this REST API")
        check_schema(schema)
        model = without_none({"id": ids.short_id(6), "name": name, "description": description,
                              "schema": schema, "contentType": content_type})
        record.models[name] = model
        self.save_api(ctx, record)
        return model

    def _model(self, record: RestApiRecord, name: str) -> dict[str, Any]:
        return self.found(record.models.get(name), f"Invalid model name specified: {name}")

    def get_model(self, ctx: RequestContext, *, rest_api_id: str, model_name: str, **_: Any
                  ) -> dict[str, Any]:
        return self._model(self.api_record(ctx, rest_api_id), model_name)

    def get_models(self, ctx: RequestContext, *, rest_api_id: str,
                   position: str | None = None, limit: int | None = None, **_: Any
                   ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self.page(list(record.models.values()), position, limit)

    def update_model(self, ctx: RequestContext, *, rest_api_id: str, model_name: str,
                     patch_operations: list[dict[str, Any]] | None = None, **_: Any
                     ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        model = self.copy(self._model(record, model_name))
        patch.apply(model, patch_operations, MODEL_PATHS)
        check_schema(model.get("schema"))
        record.models[model_name] = model
        self.save_api(ctx, record)
        return model

    def delete_model(self, ctx: RequestContext, *, rest_api_id: str, model_name: str,
                     **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self._model(record, model_name)
        for resource in record.resources.values():
            for name, method in resource.get("resourceMethods", {}).items():
                if model_name in (method.get("requestModels") or {}).values():
                    raise self.conflict(f"Cannot delete model '{model_name}', is referenced in "
                                   f"method request: {resource['path']}/{name}")
        record.models.pop(model_name)
        self.save_api(ctx, record)

    def get_model_template(self, ctx: RequestContext, *, rest_api_id: str, model_name: str,
                           **_: Any) -> dict[str, Any]:
        model = self._model(self.api_record(ctx, rest_api_id), model_name)
        return {"value": "#set($inputRoot = $input.path('$'))\n" + (model.get("schema") or "")}

    # -- request validators -----------------------------------------------------------------

    def create_request_validator(self, ctx: RequestContext, *, rest_api_id: str,
                                 name: str | None = None,
                                 validate_request_body: bool | None = None,
                                 validate_request_parameters: bool | None = None, **_: Any
                                 ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        validator = without_none({
            "id": ids.short_id(6), "name": name,
            "validateRequestBody": bool(validate_request_body),
            "validateRequestParameters": bool(validate_request_parameters)})
        record.validators[validator["id"]] = validator
        self.save_api(ctx, record)
        return validator

    def _validator(self, record: RestApiRecord, validator_id: str) -> dict[str, Any]:
        return self.found(record.validators.get(validator_id),
                          "Invalid Request Validator identifier specified")

    def get_request_validator(self, ctx: RequestContext, *, rest_api_id: str,
                              request_validator_id: str, **_: Any) -> dict[str, Any]:
        return self._validator(self.api_record(ctx, rest_api_id), request_validator_id)

    def get_request_validators(self, ctx: RequestContext, *, rest_api_id: str,
                               position: str | None = None, limit: int | None = None,
                               **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self.page(list(record.validators.values()), position, limit)

    def update_request_validator(self, ctx: RequestContext, *, rest_api_id: str,
                                 request_validator_id: str,
                                 patch_operations: list[dict[str, Any]] | None = None,
                                 **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        validator = self.copy(self._validator(record, request_validator_id))
        patch.apply(validator, patch_operations, VALIDATOR_PATHS)
        record.validators[request_validator_id] = validator
        self.save_api(ctx, record)
        return validator

    def delete_request_validator(self, ctx: RequestContext, *, rest_api_id: str,
                                 request_validator_id: str, **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self._validator(record, request_validator_id)
        record.validators.pop(request_validator_id)
        self.save_api(ctx, record)

    # -- gateway responses ------------------------------------------------------------------

    @staticmethod
    def _check_type(response_type: str) -> None:
        if response_type not in responses.STATUS:
            raise bad_request(f"Invalid response type specified: {response_type}")

    def put_gateway_response(self, ctx: RequestContext, *, rest_api_id: str,
                             response_type: str, status_code: str | None = None,
                             response_parameters: dict[str, str] | None = None,
                             response_templates: dict[str, str] | None = None, **_: Any
                             ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        self._check_type(response_type)
        if status_code is not None and not re.match(r"^[1-5]\d\d$", status_code):
            raise bad_request("Invalid StatusCode specified")
        response = without_none({
            "responseType": response_type, "statusCode": status_code,
            "responseParameters": response_parameters or {},
            "responseTemplates": response_templates or {},
            "defaultResponse": False})
        record.gateway_responses[response_type] = response
        self.save_api(ctx, record)
        return response

    def get_gateway_response(self, ctx: RequestContext, *, rest_api_id: str,
                             response_type: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        self._check_type(response_type)
        return record.gateway_responses.get(response_type) or responses.default_response(
            response_type)

    def get_gateway_responses(self, ctx: RequestContext, *, rest_api_id: str,
                              position: str | None = None, limit: int | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        items = [record.gateway_responses.get(kind) or responses.default_response(kind)
                 for kind in responses.STATUS]
        return self.page(items, position, limit)

    def update_gateway_response(self, ctx: RequestContext, *, rest_api_id: str,
                                response_type: str,
                                patch_operations: list[dict[str, Any]] | None = None,
                                **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        response = self.copy(self.get_gateway_response(ctx, rest_api_id=rest_api_id,
                                                       response_type=response_type))
        patch.apply(response, patch_operations, GATEWAY_RESPONSE_PATHS)
        response["defaultResponse"] = False
        record.gateway_responses[response_type] = response
        self.save_api(ctx, record)
        return response

    def delete_gateway_response(self, ctx: RequestContext, *, rest_api_id: str,
                                response_type: str, **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self._check_type(response_type)
        if response_type not in record.gateway_responses:
            raise self.not_found("Invalid Gateway Response identifier specified")
        record.gateway_responses.pop(response_type)
        self.save_api(ctx, record)


__all__ = ["SchemasApi", "default_models"]
