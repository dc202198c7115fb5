"""Gateway responses: what API Gateway answers itself when a request never reaches, or fails
in, the integration. AWS's default status code for each type, and the fallback of every
type to DEFAULT_4XX or DEFAULT_5XX when the API does not customise it."""

from __future__ import annotations

from typing import Any

DEFAULT_TEMPLATE = {"application/json": '{"message":$context.error.messageString}'}

# type -> default status code (None for the two fallbacks)
STATUS: dict[str, str | None] = {
    "ACCESS_DENIED": "403",
    "API_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_FAILURE": "500",
    "BAD_REQUEST_PARAMETERS": "400",
    "BAD_REQUEST_BODY": "400",
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": "403",
    "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504",
    "INVALID_API_KEY": "403",
    "INVALID_SIGNATURE": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403",
    "QUOTA_EXCEEDED": "429",
    "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404",
    "THROTTLED": "429",
    "UNAUTHORIZED": "401",
    "UNSUPPORTED_MEDIA_TYPE": "415",
    "WAF_FILTERED": "403",
}


def default_response(response_type: str) -> dict[str, Any]:
    """A GatewayResponse shape as AWS shows an uncustomised one."""
    doc: dict[str, Any] = {
        "responseType": response_type,
        "responseParameters": {},
        "responseTemplates": dict(DEFAULT_TEMPLATE),
        "defaultResponse": True,
    }
    if STATUS[response_type] is not None:
        doc["statusCode"] = STATUS[response_type]
    return doc


def effective(response_type: str, status: int, custom: dict[str, dict[str, Any]]
              ) -> tuple[int, dict[str, str], dict[str, str]]:
    """The status, response parameters and templates a gateway response of ``response_type``
    is sent with, given the API's customised responses (``custom``, by type).

    ``status`` is the status AWS uses for this particular failure (a 502 for a malformed
    Lambda answer is a DEFAULT_5XX with 502). What the API customised is layered: the
    DEFAULT_4XX or DEFAULT_5XX of the status's class over AWS's default, then the type's own
    customisation over that, each part (status, headers, templates) only where it is set.
    """
    fallback = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
    parameters: dict[str, str] = {}
    templates = dict(DEFAULT_TEMPLATE)
    layers = [custom.get(fallback)]
    if response_type != fallback:
        layers.append(custom.get(response_type))
    for layer in layers:
        if layer is None:
            continue
        parameters.update(layer.get("responseParameters") or {})
        if layer.get("responseTemplates"):
            templates = dict(layer["responseTemplates"])
        if layer.get("statusCode"):
            status = int(layer["statusCode"])
    return status, parameters, templates


__all__ = ["DEFAULT_TEMPLATE", "STATUS", "default_response", "effective"]
