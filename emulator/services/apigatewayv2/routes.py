"""Routes (``GET /items/{id}``, ``ANY /{proxy+}``, ``$default``; a WebSocket API's
``$connect``, ``$disconnect`` and message keys) and their route responses."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, members, without_none
from emulator.services.apigatewayv2.models import ApiRecord

METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
AUTHORIZATION_TYPES = ("NONE", "JWT", "AWS_IAM", "CUSTOM")
SEGMENT = re.compile(r"^(?:[^{}/]+|\{[A-Za-z0-9._-]+\}|\{[A-Za-z0-9._-]+\+\})$")
ROUTE_FIELDS = ("ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId",
                "ModelSelectionExpression", "OperationName", "RequestModels",
                "RequestParameters", "RouteKey", "RouteResponseSelectionExpression", "Target")


def check_route_key(key: str, protocol: str) -> None:
    """AWS's 400 for a route key an HTTP API cannot route."""
    if protocol != "HTTP" or key == "$default":
        return
    method, _, path = key.partition(" ")
    segments = path.split("/")[1:]
    valid = (method in METHODS and path.startswith("/") and " " not in path
             and (path == "/" or all(SEGMENT.match(s) for s in segments))
             and all(not s.endswith("+}") for s in segments[:-1]))
    if not valid:
        raise bad_request(f"Unable to create route {key}. The route key must be '$default' "
                          "or an HTTP method and a resource path, such as 'GET /pets/{id}'.")


def check_websocket_route(route: dict[str, Any]) -> None:
    """AWS's 400s for a WebSocket route: authorization (IAM or a Lambda REQUEST
    authorizer) belongs to ``$connect`` alone, and JWT authorizers are HTTP APIs' own."""
    if not str(route.get("RouteKey") or "").strip():
        raise bad_request("A route key must not be empty")
    kind = route.get("AuthorizationType") or "NONE"
    if kind == "JWT":
        raise bad_request("AuthorizationType JWT is supported only for HTTP APIs")
    if kind != "NONE" and route.get("RouteKey") != "$connect":
        raise bad_request("Currently, authorization is restricted to the $connect route only")


class RoutesApi(HttpApiBase):
    def _check_route(self, record: ApiRecord, route: dict[str, Any], route_id: str) -> None:
        key = str(route.get("RouteKey", ""))
        check_route_key(key, str(record.api.get("ProtocolType")))
        if record.api.get("ProtocolType") == "WEBSOCKET":
            check_websocket_route(route)
        for other_id, other in record.routes.items():
            if other_id != route_id and other.get("RouteKey") == key:
                raise self.conflict(f"Route with key {key} already exists for this API")
        kind = route.get("AuthorizationType") or "NONE"
        if kind not in AUTHORIZATION_TYPES:
            raise bad_request(f"Invalid authorization type {kind}")
        if kind in ("JWT", "CUSTOM"):
            authorizer = record.authorizers.get(route.get("AuthorizerId") or "")
            if authorizer is None:
                raise bad_request(f"Unable to find authorizer with id "
                                  f"{route.get('AuthorizerId')} for this API")
            wanted = "JWT" if kind == "JWT" else "REQUEST"
            if authorizer.get("AuthorizerType") != wanted:
                raise bad_request(f"AuthorizationType {kind} does not match the authorizer "
                                  f"type {authorizer.get('AuthorizerType')}")
        elif route.get("AuthorizerId"):
            raise bad_request("AuthorizerId can only be set with AuthorizationType JWT or "
                              "CUSTOM")
        if route.get("AuthorizationScopes") and kind not in ("JWT",) and \
                record.api.get("ProtocolType") == "HTTP":
            raise bad_request("AuthorizationScopes can only be set with AuthorizationType "
                              "JWT")
        target = route.get("Target")
        if target:
            integration_id = str(target).removeprefix("integrations/")
            if not str(target).startswith("integrations/") or \
                    integration_id not in record.integrations:
                raise bad_request(f"Invalid target {target}: the integration does not exist")

    def create_route(self, ctx: RequestContext, *, api_id: str, route_key: str,
                     **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        route_id = ids.short_id(7)
        route = without_none({"ApiKeyRequired": False, "AuthorizationType": "NONE",
                              "RouteId": route_id, "RouteKey": route_key})
        route.update(members(fields))
        self._check_route(record, route, route_id)
        record.routes[route_id] = route
        self.save_api(ctx, record)
        return self.copy(route)

    def get_route(self, ctx: RequestContext, *, api_id: str, route_id: str, **_: Any
                  ) -> dict[str, Any]:
        return self.copy(self.child(self.api_record(ctx, api_id), "routes", route_id, "Route"))

    def get_routes(self, ctx: RequestContext, *, api_id: str, max_results: str | None = None,
                   next_token: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.page([self.copy(r) for r in record.routes.values()], next_token, max_results)

    def update_route(self, ctx: RequestContext, *, api_id: str, route_id: str, **fields: Any
                     ) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        route = self.copy(self.child(record, "routes", route_id, "Route"))
        route.update(members(fields))
        if route.get("AuthorizationType") in ("NONE", "AWS_IAM"):
            route.pop("AuthorizerId", None)
            route.pop("AuthorizationScopes", None)
        self._check_route(record, route, route_id)
        record.routes[route_id] = route
        self.save_api(ctx, record)
        return self.copy(route)

    def delete_route(self, ctx: RequestContext, *, api_id: str, route_id: str, **_: Any
                     ) -> None:
        record = self.api_record(ctx, api_id)
        self.child(record, "routes", route_id, "Route")
        del record.routes[route_id]
        record.route_responses.pop(route_id, None)
        self.save_api(ctx, record)

    def delete_route_request_parameter(self, ctx: RequestContext, *, api_id: str,
                                       route_id: str, request_parameter_key: str, **_: Any
                                       ) -> None:
        record = self.api_record(ctx, api_id)
        route = self.child(record, "routes", route_id, "Route")
        (route.get("RequestParameters") or {}).pop(request_parameter_key, None)
        self.save_api(ctx, record)

    # -- route responses (kept for completeness; HTTP APIs do not use them) -----------------

    def create_route_response(self, ctx: RequestContext, *, api_id: str, route_id: str,
                              route_response_key: str, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        self.child(record, "routes", route_id, "Route")
        if record.api.get("ProtocolType") == "WEBSOCKET":
            if route_response_key != "$default":
                raise bad_request("Only the $default route response key is supported for "
                                  "WebSocket APIs")
            if record.route_responses.get(route_id):
                raise self.conflict("A route response with key $default already exists for "
                               "this route")
        response_id = ids.short_id(6)
        doc = {"RouteResponseId": response_id, "RouteResponseKey": route_response_key,
               **members(fields)}
        record.route_responses.setdefault(route_id, {})[response_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def _route_response(self, record: ApiRecord, route_id: str, response_id: str
                        ) -> dict[str, Any]:
        return self.found(record.route_responses.get(route_id, {}).get(response_id),
                          f"Invalid RouteResponse identifier specified {response_id}",
                          ResourceType="RouteResponse")

    def get_route_response(self, ctx: RequestContext, *, api_id: str, route_id: str,
                           route_response_id: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.copy(self._route_response(record, route_id, route_response_id))

    def get_route_responses(self, ctx: RequestContext, *, api_id: str, route_id: str,
                            max_results: str | None = None, next_token: str | None = None,
                            **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        self.child(record, "routes", route_id, "Route")
        items = [self.copy(r) for r in record.route_responses.get(route_id, {}).values()]
        return self.page(items, next_token, max_results)

    def update_route_response(self, ctx: RequestContext, *, api_id: str, route_id: str,
                              route_response_id: str, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        doc = self._route_response(record, route_id, route_response_id)
        doc.update(members(fields))
        self.save_api(ctx, record)
        return self.copy(doc)

    def delete_route_response(self, ctx: RequestContext, *, api_id: str, route_id: str,
                              route_response_id: str, **_: Any) -> None:
        record = self.api_record(ctx, api_id)
        self._route_response(record, route_id, route_response_id)
        del record.route_responses[route_id][route_response_id]
        self.save_api(ctx, record)


__all__ = ["RoutesApi", "check_route_key", "check_websocket_route"]
