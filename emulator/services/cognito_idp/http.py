"""A user pool's issuer URLs: ``/{userPoolId}/.well-known/jwks.json`` and the OpenID
configuration beside it, as Cognito serves them at its issuer, and the OAuth token endpoint
``/{userPoolId}/oauth2/token``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.addresses import API_HOST
from emulator.ports import Ports

if TYPE_CHECKING:  # the provider loads with the first request for a pool
    from emulator.services.cognito_idp.provider import CognitoIdpProvider

POOL_ID = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d_[0-9a-zA-Z]+$")
DOCUMENTS = ("jwks.json", "openid-configuration")


async def issuer_route(ports: Ports, request: Request) -> Response | None:
    """The pool's JWKS or OpenID configuration; None when the request is not for one (an
    invoke URL of an API, say)."""
    pool_id = request.path_params["pool_id"]
    document = request.path_params["document"]
    if document not in DOCUMENTS or not POOL_ID.match(pool_id) or \
            API_HOST.match(request.headers.get("host", "")):
        return None
    keys = ports.identity.jwks(pool_id)
    if keys is None:
        return JSONResponse({"message": f"User pool {pool_id} does not exist."},
                            status_code=404)
    if document == "jwks.json":
        return JSONResponse(keys)
    issuer = f"{request.url.scheme}://{request.headers.get('host', 'localhost')}/{pool_id}"
    return JSONResponse({
        "issuer": issuer, "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint": f"{issuer}/oauth2/token",
        "scopes_supported": ["openid", "email", "phone", "profile"]})


async def token_route(ports: Ports, request: Request) -> Response | None:
    """The client credentials grant; None when the request is not for a user pool."""
    pool_id = request.path_params["pool_id"]
    if not POOL_ID.match(pool_id) or API_HOST.match(request.headers.get("host", "")):
        return None
    provider = cast("CognitoIdpProvider", await ports.started("user-pools"))
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                          keep_blank_values=True))
    endpoint = f"{request.url.scheme}://{request.headers.get('host', 'localhost')}"
    status, body = provider.oauth_token(pool_id, form, request.headers.get("authorization"),
                                        endpoint)
    return JSONResponse(body, status_code=status)


__all__ = ["issuer_route", "token_route"]
