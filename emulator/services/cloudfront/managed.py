"""CloudFront's managed cache, origin request and response headers policies, by their
documented ids.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
"""

from __future__ import annotations

from typing import Any

YEAR = 31536000


def names(items: list[str]) -> dict[str, Any]:
    """A CloudFront list member: ``{"Quantity": n, "Items": [...]}`` (no Items when empty)."""
    return {"Quantity": len(items), "Items": list(items)} if items else {"Quantity": 0}


def _cache(name: str, comment: str, ttls: tuple[int, int, int], *, gzip: bool = False,
           brotli: bool = False, headers: list[str] | None = None, cookies: str = "none",
           query_strings: str = "none") -> dict[str, Any]:
    minimum, default, maximum = ttls
    header_config: dict[str, Any] = {"HeaderBehavior": "whitelist" if headers else "none"}
    if headers:
        header_config["Headers"] = names(headers)
    return {
        "Comment": comment, "Name": name, "MinTTL": minimum, "DefaultTTL": default,
        "MaxTTL": maximum,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": gzip, "EnableAcceptEncodingBrotli": brotli,
            "HeadersConfig": header_config,
            "CookiesConfig": {"CookieBehavior": cookies},
            "QueryStringsConfig": {"QueryStringBehavior": query_strings},
        },
    }


def _origin_request(name: str, comment: str, *, headers: str = "none",
                    header_names: list[str] | None = None, cookies: str = "none",
                    query_strings: str = "none") -> dict[str, Any]:
    header_config: dict[str, Any] = {"HeaderBehavior": headers}
    if header_names:
        header_config["Headers"] = names(header_names)
    return {"Comment": comment, "Name": name, "HeadersConfig": header_config,
            "CookiesConfig": {"CookieBehavior": cookies},
            "QueryStringsConfig": {"QueryStringBehavior": query_strings}}


ORIGIN_CACHE_HEADERS = ["host", "origin", "x-http-method-override", "x-http-method",
                        "x-method-override"]

CACHE_POLICIES: dict[str, dict[str, Any]] = {
    "658327ea-f89d-4fab-a63d-7e88639e58f6": _cache(
        "Managed-CachingOptimized", "Policy with caching enabled. Supports Gzip and Brotli "
        "compression.", (1, 86400, YEAR), gzip=True, brotli=True),
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": _cache(
        "Managed-CachingDisabled", "Policy with caching disabled", (0, 0, 0)),
    "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": _cache(
        "Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression "
        "is disabled", (1, 86400, YEAR)),
    "2e54312d-136d-493c-8eb9-b001f22f67d2": _cache(
        "Managed-Amplify", "Policy for Amplify Origin", (2, 2, 600), gzip=True, brotli=True,
        headers=["Authorization", "CloudFront-Viewer-Country", "Host"], cookies="all",
        query_strings="all"),
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65": _cache(
        "UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control "
        "headers. Query strings are not included in the cache key.", (0, 0, YEAR),
        gzip=True, brotli=True, headers=ORIGIN_CACHE_HEADERS, cookies="all"),
    "4cc15a8a-d715-48a4-82b8-cc0b614638fe": _cache(
        "UseOriginCacheControlHeaders-QueryStrings", "Policy for origins that return "
        "Cache-Control headers and serve different content based on values present in the "
        "query string.", (0, 0, YEAR), gzip=True, brotli=True,
        headers=ORIGIN_CACHE_HEADERS, cookies="all", query_strings="all"),
}

ORIGIN_REQUEST_POLICIES: dict[str, dict[str, Any]] = {
    "216adef6-5c7f-47e4-b989-5492eafa07d3": _origin_request(
        "Managed-AllViewer", "Policy to forward all parameters in viewer requests",
        headers="allViewer", cookies="all", query_strings="all"),
    "b689b0a8-53d0-40ab-baf2-68738e2966ac": _origin_request(
        "Managed-AllViewerExceptHostHeader", "Policy to forward all parameters in viewer "
        "requests except for the Host header", headers="allExcept", header_names=["host"],
        cookies="all", query_strings="all"),
    "33f36d7e-f396-46d9-90e0-52428a34d9dc": _origin_request(
        "Managed-AllViewerAndCloudFrontHeaders-2022-06", "Policy to forward all parameters "
        "in viewer requests and all CloudFront headers", headers="allViewerAndWhitelistCloudFront",
        header_names=["CloudFront-Viewer-Address", "CloudFront-Viewer-Country",
                      "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-Mobile-Viewer"],
        cookies="all", query_strings="all"),
    "59781a5b-3903-41f3-afcb-af62929ccde1": _origin_request(
        "Managed-CORS-CustomOrigin", "Policy for Custom Origin with CORS",
        headers="whitelist", header_names=["origin"]),
    "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": _origin_request(
        "Managed-CORS-S3Origin", "Policy for S3 origin with CORS", headers="whitelist",
        header_names=["origin", "access-control-request-headers",
                      "access-control-request-method"]),
    "acba4595-bd28-49b8-b9fe-13317c0390fa": _origin_request(
        "Managed-UserAgentRefererHeaders", "Policy for forwarding user-agent and referer "
        "headers", headers="whitelist", header_names=["user-agent", "referer"],
        query_strings="all"),
}



def _response_headers(name: str, comment: str, *, cors: str | None = None,
                      security: bool = False) -> dict[str, Any]:
    config: dict[str, Any] = {"Comment": comment, "Name": name}
    if cors is not None:
        preflight = cors == "preflight"
        config["CorsConfig"] = {
            "AccessControlAllowOrigins": names(["*"]),
            "AccessControlAllowHeaders": names(["*"]),
            "AccessControlAllowMethods": names(
                ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
                if preflight else ["ALL"]),
            "AccessControlAllowCredentials": False,
            "AccessControlExposeHeaders": names(["*"] if preflight else []),
            "OriginOverride": False,
        }
    if security:
        config["SecurityHeadersConfig"] = {
            "XSSProtection": {"Override": False, "Protection": True, "ModeBlock": True},
            "FrameOptions": {"Override": False, "FrameOption": "SAMEORIGIN"},
            "ReferrerPolicy": {"Override": False,
                               "ReferrerPolicy": "strict-origin-when-cross-origin"},
            "ContentTypeOptions": {"Override": True},
            "StrictTransportSecurity": {"Override": False, "IncludeSubdomains": False,
                                        "Preload": False, "AccessControlMaxAgeSec": YEAR},
        }
    return config


# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html
RESPONSE_HEADERS_POLICIES: dict[str, dict[str, Any]] = {
    "e61eb60c-9c35-4d20-a928-2b84e02af89c": _response_headers(
        "Managed-CORS-and-SecurityHeadersPolicy", "Allows all origins for simple CORS "
        "requests, including security headers", cors="simple", security=True),
    "5cc3b908-e619-4b99-88e5-2cf7f45965bd": _response_headers(
        "Managed-CORS-With-Preflight", "Allows all origins for CORS requests, including "
        "preflight requests", cors="preflight"),
    "eaab4381-ed33-4a86-88ca-d9558dc6cd63": _response_headers(
        "Managed-CORS-with-preflight-and-SecurityHeadersPolicy", "Allows all origins for "
        "CORS requests, including preflight requests, and adds security headers",
        cors="preflight", security=True),
    "67f7725c-6f97-4210-82d7-5512b31e9d03": _response_headers(
        "Managed-SecurityHeadersPolicy", "Adds a set of security headers to every response",
        security=True),
    "60669652-455b-4ae9-85a4-c4c02393f86c": _response_headers(
        "Managed-SimpleCORS", "Allow all origins for simple CORS requests", cors="simple"),
}

__all__ = ["CACHE_POLICIES", "ORIGIN_REQUEST_POLICIES", "RESPONSE_HEADERS_POLICIES", "names"]
