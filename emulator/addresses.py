"""The addresses requests arrive at that are not AWS API calls, read from Host and path alone
(nothing is loaded to read them): the front door's claims (see emulator.app).

- a function URL: Host ``{urlId}.lambda-url.{region}.localhost``;
- an API stage's invoke URL: Host ``{apiId}.execute-api.localhost`` (or AWS's
  ``{apiId}.execute-api.{region}.amazonaws.com``), or the paths
  ``/_aws/execute-api/{apiId}/{stage}/...`` and ``/restapis/{apiId}/{stage}/_user_request_/...``;
- a WebSocket API stage's callback URL: its invoke URL and ``/@connections/{connectionId}``;
- a private REST API through a VPC endpoint: Host ``{apiId}-{vpceId}.execute-api.localhost``,
  or the endpoint's own name (``{vpceId}-{suffix}.execute-api.{region}.vpce.localhost``) with
  the ``x-apigw-api-id`` header; the same names ending ``amazonaws.com`` too;
- a custom domain name: any Host that is not the emulator's own address;
- a CloudFront distribution's viewer endpoint: Host ``{id}.cloudfront.localhost`` (its id or
  its domain name's first label), or the path ``/_aws/cloudfront/{id}/...``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.requests import HTTPConnection

FUNCTION_URL_HOST = re.compile(
    r"^(?P<id>[a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.localhost(:\d+)?$")
# AWS's own name (``{api}.execute-api.{region}.amazonaws.com``) reaches the emulator from
# functions, whose https requests to amazonaws.com names come here with the Host kept.
API_HOST = re.compile(r"^(?P<api>[a-z0-9]{1,32})\.execute-api(?:\.[a-z0-9-]+)*"
                      r"\.(?:localhost|amazonaws\.com)(?::\d+)?$")
# A private REST API through a VPC endpoint: {api}-{vpce}.execute-api..., or the endpoint's
# own name with the API in the x-apigw-api-id header.
# AWS's own names (``.amazonaws.com``, a Host header sent to the emulator) are read alike.
VPCE_API_HOST = re.compile(r"^(?P<api>[a-z0-9]{1,32})-(?P<vpce>vpce-[a-z0-9]+)\.execute-api"
                           r"(?:\.[a-z0-9-]+)*\.(?:localhost|amazonaws\.com)(?::\d+)?$")
VPCE_HOST = re.compile(r"^(?P<vpce>vpce-[a-z0-9]+)(?:-[a-z0-9-]+)?\.execute-api"
                       r"(?:\.[a-z0-9-]+)*\.(?:localhost|amazonaws\.com)(?::\d+)?$")
HTTP_PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)(?P<rest>/.*)?$")
PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)/(?P<stage>[^/]+)(?P<rest>/.*)?$")
USER_REQUEST = re.compile(
    r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<rest>/.*)?$")
# An endpoint configured with a trailing slash (``.../{stage}/``) makes the SDKs send
# ``/{stage}//@connections/{id}``, which AWS serves: empty segments are skipped.
CALLBACK_BY_HOST = re.compile(r"^/(?P<stage>[^/]+)/+(?:@|%40)connections/(?P<id>[^/]+)/?$")
CALLBACK_BY_PATH = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)/(?P<stage>[^/]+)"
                              r"/+(?:@|%40)connections/(?P<id>[^/]+)/?$")
CLOUDFRONT_HOST = re.compile(r"^(?P<label>[A-Za-z0-9]{1,20})\.cloudfront\.localhost(?::\d+)?$")
CLOUDFRONT_PATH = re.compile(r"^/_aws/cloudfront/(?P<label>[A-Za-z0-9]{1,20})(?P<rest>/.*)?$")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal")


def host_of(connection: HTTPConnection) -> str:
    # Read from the raw headers: Host comes first, and every front door claim asks.
    for name, value in connection.scope["headers"]:
        if name == b"host":
            return str(value.decode("latin-1"))
    return ""


def raw_path(connection: HTTPConnection) -> str:
    """The path as the client sent it (percent-escapes kept), without the query."""
    raw: bytes = connection.scope.get("raw_path") or b""
    return raw.decode("latin-1").split("?", 1)[0] or str(connection.scope["path"])


def custom_domain(host: str) -> str | None:
    """The domain name a Host names when it is not the emulator's own address."""
    bare = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    if not bare or bare in LOCAL_HOSTS or bare.endswith(".localhost"):
        return None
    return bare


def api_domain_name(host: str, api_id: str) -> str:
    """``$context.domainName`` of a request to an API: the name the client reached it at,
    without its port. On AWS it always names the API (functions build URLs from it), so a
    client that called the emulator's own address (the ``/_aws/execute-api/`` path form) sees
    the API's ``.localhost`` name, as the host form gives."""
    if host.startswith("[") or (API_HOST.match(host) is None and custom_domain(host) is None):
        return f"{api_id}.execute-api.localhost"
    return host.rsplit(":", 1)[0]


def callback(host: str, path: str) -> tuple[str, str, str] | None:
    """(API id, stage, connection id) when ``path`` at ``host`` is an @connections call at
    a WebSocket API stage's callback URL."""
    if "connections/" not in path:
        return None
    by_host = API_HOST.match(host)
    found = CALLBACK_BY_HOST.match(path) if by_host else CALLBACK_BY_PATH.match(path)
    if found is None:
        return None
    return (by_host["api"] if by_host else found["api"]), found["stage"], unquote(found["id"])


def cloudfront(host: str, path: str) -> tuple[str, str] | None:
    """(distribution label, viewer path) when ``path`` at ``host`` is a viewer request."""
    by_host = CLOUDFRONT_HOST.match(host)
    if by_host is not None:
        return by_host["label"], path or "/"
    by_path = CLOUDFRONT_PATH.match(path)
    if by_path is not None:
        return by_path["label"], by_path["rest"] or "/"
    return None


# -- the front door's claims ---------------------------------------------------------------

def function_url(connection: HTTPConnection) -> bool:
    return FUNCTION_URL_HOST.match(host_of(connection)) is not None


def invoke_url(connection: HTTPConnection) -> bool:
    path, host = raw_path(connection), host_of(connection)
    return API_HOST.match(host) is not None or path.startswith(
        "/_aws/execute-api/") or "/_user_request_" in path or (
        ".execute-api" in host and (VPCE_API_HOST.match(host) is not None
                                    or VPCE_HOST.match(host) is not None))


def callback_url(connection: HTTPConnection) -> bool:
    return callback(host_of(connection), raw_path(connection)) is not None


def cloudfront_viewer(connection: HTTPConnection) -> bool:
    return cloudfront(host_of(connection), raw_path(connection)) is not None


def domain_name(connection: HTTPConnection) -> bool:
    return custom_domain(host_of(connection)) is not None


__all__ = [
    "API_HOST",
    "CALLBACK_BY_HOST",
    "CALLBACK_BY_PATH",
    "CLOUDFRONT_HOST",
    "CLOUDFRONT_PATH",
    "FUNCTION_URL_HOST",
    "HTTP_PATH_FORM",
    "LOCAL_HOSTS",
    "PATH_FORM",
    "USER_REQUEST",
    "callback",
    "callback_url",
    "cloudfront",
    "cloudfront_viewer",
    "custom_domain",
    "domain_name",
    "function_url",
    "host_of",
    "invoke_url",
    "raw_path",
]
