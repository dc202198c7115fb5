"""A response headers policy applied to what CloudFront sends the viewer: CORS headers (for
requests with an ``Origin``, the preflight ones for ``OPTIONS`` preflights), security
headers, custom headers and removed headers. A header the origin already sent is kept unless
the policy overrides it.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/modifying-response-headers.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
"""

from __future__ import annotations

from typing import Any

from emulator.edge.deployed import EdgeRequest, EdgeResponse


def _items(value: dict[str, Any] | None) -> list[Any]:
    return list((value or {}).get("Items") or [])


def _cors(config: dict[str, Any], request: EdgeRequest) -> list[tuple[str, str]]:
    origin = request.header("origin")
    if not origin:
        return []
    allowed = _items(config.get("AccessControlAllowOrigins"))
    if "*" in allowed:
        allow_origin = "*"
    elif origin in allowed:
        allow_origin = origin
    else:
        return []
    headers = [("Access-Control-Allow-Origin", allow_origin)]
    if config.get("AccessControlAllowCredentials"):
        headers.append(("Access-Control-Allow-Credentials", "true"))
    preflight = request.method == "OPTIONS" and request.header(
        "access-control-request-method") is not None
    if preflight:
        methods = _items(config.get("AccessControlAllowMethods"))
        if "ALL" in methods:
            methods = ["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
        if methods:
            headers.append(("Access-Control-Allow-Methods", ", ".join(methods)))
        allow_headers = _items(config.get("AccessControlAllowHeaders"))
        if allow_headers:
            headers.append(("Access-Control-Allow-Headers", ", ".join(allow_headers)))
        if config.get("AccessControlMaxAgeSec") is not None:
            headers.append(("Access-Control-Max-Age", str(config["AccessControlMaxAgeSec"])))
    else:
        exposed = _items(config.get("AccessControlExposeHeaders"))
        if exposed:
            headers.append(("Access-Control-Expose-Headers", ", ".join(exposed)))
    return headers


def _security(config: dict[str, Any]) -> list[tuple[str, str, bool]]:
    headers: list[tuple[str, str, bool]] = []
    xss = config.get("XSSProtection")
    if xss:
        value = "1" if xss.get("Protection") else "0"
        if xss.get("Protection") and xss.get("ModeBlock"):
            value += "; mode=block"
        elif xss.get("Protection") and xss.get("ReportUri"):
            value += f"; report={xss['ReportUri']}"
        headers.append(("X-XSS-Protection", value, bool(xss.get("Override"))))
    frame = config.get("FrameOptions")
    if frame:
        headers.append(("X-Frame-Options", str(frame.get("FrameOption", "")),
                        bool(frame.get("Override"))))
    referrer = config.get("ReferrerPolicy")
    if referrer:
        headers.append(("Referrer-Policy", str(referrer.get("ReferrerPolicy", "")),
                        bool(referrer.get("Override"))))
    csp = config.get("ContentSecurityPolicy")
    if csp:
        headers.append(("Content-Security-Policy", str(csp.get("ContentSecurityPolicy", "")),
                        bool(csp.get("Override"))))
    if config.get("ContentTypeOptions") is not None:
        headers.append(("X-Content-Type-Options", "nosniff",
                        bool(config["ContentTypeOptions"].get("Override"))))
    hsts = config.get("StrictTransportSecurity")
    if hsts:
        value = f"max-age={hsts.get('AccessControlMaxAgeSec', 0)}"
        if hsts.get("IncludeSubdomains"):
            value += "; includeSubDomains"
        if hsts.get("Preload"):
            value += "; preload"
        headers.append(("Strict-Transport-Security", value, bool(hsts.get("Override"))))
    return headers


def apply(policy: dict[str, Any], request: EdgeRequest, response: EdgeResponse
          ) -> EdgeResponse:
    """``response`` with the policy's headers added and removed."""
    headers = list(response.headers)
    present = {key.lower() for key, _ in headers}

    def put(name: str, value: str, override: bool) -> None:
        lowered = name.lower()
        if lowered in present and not override:
            return
        headers[:] = [(k, v) for k, v in headers if k.lower() != lowered]
        headers.append((name, value))
        present.add(lowered)

    cors = policy.get("CorsConfig")
    if cors:
        override = bool(cors.get("OriginOverride"))
        for name, value in _cors(cors, request):
            put(name, value, override)
    for name, value, override in _security(policy.get("SecurityHeadersConfig") or {}):
        put(name, value, override)
    for custom in _items(policy.get("CustomHeadersConfig")):
        put(str(custom.get("Header", "")), str(custom.get("Value", "")),
            bool(custom.get("Override")))
    removed = {str(item.get("Header", "")).lower()
               for item in _items(policy.get("RemoveHeadersConfig"))}
    if removed:
        headers = [(k, v) for k, v in headers if k.lower() not in removed]
    timing = policy.get("ServerTimingHeadersConfig") or {}
    if timing.get("Enabled"):
        headers.append(("Server-Timing", "cdn-cache-miss,cdn-pop;desc=\"LOCAL\""))
    response.headers = headers
    return response


__all__ = ["apply"]
