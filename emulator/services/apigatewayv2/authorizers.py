"""Authorizers of HTTP APIs: JWT (issuer and audience) and Lambda REQUEST authorizers with
payload 1.0 or 2.0, simple responses and a result TTL; and WebSocket APIs' Lambda REQUEST
authorizers for ``$connect``."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, members
from emulator.services.apigatewayv2.models import ApiRecord

IDENTITY = re.compile(r"^\$(?:request\.(?:header|querystring)\.[^\s,]+|context\.[A-Za-z0-9._]+|"
                      r"stageVariables\.[A-Za-z0-9_]+)$")
WEBSOCKET_IDENTITY = re.compile(r"^(?:route\.request\.(?:header|querystring)\.[A-Za-z0-9._-]+|"
                                r"stageVariables\.[A-Za-z0-9._-]+|context\.[A-Za-z0-9._-]+)$")
AUTHORIZER_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/[^/]+/functions/"
                            r".+/invocations$")


def check_websocket_authorizer(doc: dict[str, Any]) -> None:
    """A WebSocket API's authorizer: a Lambda REQUEST authorizer on ``$connect``, whose
    identity sources are ``route.request.header.*``, ``route.request.querystring.*``,
    ``stageVariables.*`` or ``context.*``."""
    if doc.get("AuthorizerType") != "REQUEST":
        raise bad_request(f"Invalid authorizer type {doc.get('AuthorizerType')} for a "
                          "WebSocket API: use REQUEST")
    for source in doc.get("IdentitySource") or []:
        if not WEBSOCKET_IDENTITY.match(str(source)):
            raise bad_request(f"Invalid identity source {source}")
    if not AUTHORIZER_URI.match(str(doc.get("AuthorizerUri") or "")):
        raise bad_request(f"Invalid authorizer URI {doc.get('AuthorizerUri')}")


def check_authorizer(doc: dict[str, Any], protocol: str) -> None:
    if protocol == "WEBSOCKET":
        check_websocket_authorizer(doc)
        return
    kind = doc.get("AuthorizerType")
    sources: list[str] = list(doc.get("IdentitySource") or [])
    if protocol == "HTTP" and kind not in ("JWT", "REQUEST"):
        raise bad_request(f"Invalid authorizer type {kind} for an HTTP API: use JWT or REQUEST")
    for source in sources:
        if not IDENTITY.match(source):
            raise bad_request(f"Invalid identity source {source}")
    if kind == "JWT":
        config = doc.get("JwtConfiguration") or {}
        if not config.get("Issuer"):
            raise bad_request("JwtConfiguration.Issuer is required for JWT authorizers")
        if len(sources) != 1 or not sources[0].startswith(("$request.header.",
                                                           "$request.querystring.")):
            raise bad_request("A JWT authorizer takes exactly one identity source, a header "
                              "or a query string parameter")
        return
    if not AUTHORIZER_URI.match(str(doc.get("AuthorizerUri") or "")):
        raise bad_request(f"Invalid authorizer URI {doc.get('AuthorizerUri')}")
    if protocol != "HTTP":
        return
    version = doc.get("AuthorizerPayloadFormatVersion")
    if version not in ("1.0", "2.0"):
        raise bad_request("AuthorizerPayloadFormatVersion is required for REQUEST "
                          "authorizers: 1.0 or 2.0")
    if doc.get("EnableSimpleResponses") and version != "2.0":
        raise bad_request("EnableSimpleResponses can only be set with payload format 2.0")
    ttl = int(doc.get("AuthorizerResultTtlInSeconds") or 0)
    if not 0 <= ttl <= 3600:
        raise bad_request("AuthorizerResultTtlInSeconds must be between 0 and 3600")
    if ttl > 0 and not sources:
        raise bad_request("IdentitySource is required when authorizer caching is enabled")


class AuthorizersApi(HttpApiBase):
    def _check_authorizer(self, record: ApiRecord, doc: dict[str, Any], authorizer_id: str
                          ) -> None:
        check_authorizer(doc, str(record.api.get("ProtocolType")))
        for other_id, other in record.authorizers.items():
            if other_id != authorizer_id and other.get("Name") == doc.get("Name"):
                raise self.conflict(f"Authorizer with name {doc.get('Name')} already exists")

    def create_authorizer(self, ctx: RequestContext, *, api_id: str, authorizer_type: str,
                          identity_source: list[str], name: str, **fields: Any
                          ) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        authorizer_id = ids.short_id(6)
        doc = {"AuthorizerId": authorizer_id, "AuthorizerType": authorizer_type,
               "IdentitySource": list(identity_source), "Name": name, **members(fields)}
        if authorizer_type == "REQUEST" and record.api.get("ProtocolType") == "HTTP":
            doc.setdefault("AuthorizerResultTtlInSeconds", 0)
            doc.setdefault("EnableSimpleResponses", False)
        self._check_authorizer(record, doc, authorizer_id)
        record.authorizers[authorizer_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def get_authorizer(self, ctx: RequestContext, *, api_id: str, authorizer_id: str,
                       **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.copy(self.child(record, "authorizers", authorizer_id, "Authorizer"))

    def get_authorizers(self, ctx: RequestContext, *, api_id: str,
                        max_results: str | None = None, next_token: str | None = None,
                        **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.page([self.copy(a) for a in record.authorizers.values()], next_token,
                    max_results)

    def update_authorizer(self, ctx: RequestContext, *, api_id: str, authorizer_id: str,
                          **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        doc = self.copy(self.child(record, "authorizers", authorizer_id, "Authorizer"))
        doc.update(members(fields))
        self._check_authorizer(record, doc, authorizer_id)
        record.authorizers[authorizer_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def delete_authorizer(self, ctx: RequestContext, *, api_id: str, authorizer_id: str,
                          **_: Any) -> None:
        record = self.api_record(ctx, api_id)
        self.child(record, "authorizers", authorizer_id, "Authorizer")
        if any(route.get("AuthorizerId") == authorizer_id for route in record.routes.values()):
            raise self.conflict(f"Cannot delete authorizer {authorizer_id}: routes use it")
        del record.authorizers[authorizer_id]
        self.save_api(ctx, record)


__all__ = ["AuthorizersApi", "check_authorizer", "check_websocket_authorizer"]
