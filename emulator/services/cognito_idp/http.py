"""A user pool's issuer URLs: ``/{userPoolId}/.well-known/jwks.json`` and the OpenID
configuration beside it, as Cognito serves them at its issuer, the OAuth token endpoint
``/{userPoolId}/oauth2/token`` and the sign-in page ``/{userPoolId}/oauth2/authorize``."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from emulator.addresses import API_HOST
from emulator.errors import ServiceError
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
        "authorization_endpoint": f"{issuer}/oauth2/authorize",
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
    status, body = await provider.token_endpoint(
        pool_id, form, request.headers.get("authorization"), endpoint)
    return JSONResponse(body, status_code=status)


SIGN_IN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in</h1>{error}
<form method="post" action="{action}">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" name="signInSubmitButton">Sign in</button>
</form></body></html>
"""


def _page(action: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    shown = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return HTMLResponse(SIGN_IN_PAGE.format(error=shown, action=html.escape(action)),
                        status_code=status)


async def authorize_route(ports: Ports, request: Request) -> Response | None:
    """The hosted sign-in: the form (GET) and the credentials it posts (POST); None when the
    request is not for a user pool."""
    pool_id = request.path_params["pool_id"]
    if not POOL_ID.match(pool_id) or API_HOST.match(request.headers.get("host", "")):
        return None
    provider = cast("CognitoIdpProvider", await ports.started("user-pools"))
    query = dict(request.query_params)
    checked = provider.authorization(pool_id, query)
    if isinstance(checked, str):
        matched = checked not in ("invalid_request", "invalid_client", "redirect_mismatch")
        if matched:  # the callback is the client's own: OAuth hands the error back there
            separator = "&" if "?" in query["redirect_uri"] else "?"
            return RedirectResponse(f"{query['redirect_uri']}{separator}error={checked}", 302)
        return HTMLResponse(f"<p>error={checked}</p>", status_code=400)
    action = f"{request.url.path}?{request.url.query}"  # the form posts the query back
    if request.method == "GET":
        return _page(action)
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                          keep_blank_values=True))
    endpoint = f"{request.url.scheme}://{request.headers.get('host', 'localhost')}"
    try:
        target = await provider.sign_in(checked, form.get("username", ""),
                                        form.get("password", ""), endpoint)
    except ServiceError as error:
        return _page(action, error.message, status=400)
    return RedirectResponse(target, status_code=302)


__all__ = ["authorize_route", "issuer_route", "token_route"]
