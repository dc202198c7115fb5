"""Checking a DistributionConfig as CloudFront does, and filling in the defaults CloudFront
answers with (GetDistributionConfig returns every member, set or not).

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from emulator.errors import ServiceError
from emulator.services.cloudfront.common import items_of

EDGE_EVENTS = ("viewer-request", "origin-request", "origin-response", "viewer-response")
FUNCTION_EVENTS = ("viewer-request", "viewer-response")
VERSIONED_FUNCTION = re.compile(
    r"^arn:aws:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:(?P<name>[\w-]+)"
    r":(?P<version>[^:]+)$")
ALL_METHODS = ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"]
ALLOWED_METHOD_SETS = ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"}, set(ALL_METHODS))
ERROR_CODES = {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidArgument", message)


def check_quantities(value: Any, name: str = "DistributionConfig") -> None:
    """InconsistentQuantities for any list whose Quantity is not its number of Items."""
    if isinstance(value, dict):
        if "Quantity" in value:
            items = value.get("Items") or []
            if value["Quantity"] != len(items):
                raise ServiceError(
                    "InconsistentQuantities",
                    f"The specified quantity of {name} ({value['Quantity']}) does not match "
                    f"the actual quantity supplied ({len(items)}).")
        for key, inner in value.items():
            check_quantities(inner, key)
    elif isinstance(value, list):
        for inner in value:
            check_quantities(inner, name)


def _behaviours(config: dict[str, Any]) -> list[dict[str, Any]]:
    default = config.get("DefaultCacheBehavior") or {}
    return [default, *items_of(config, "CacheBehaviors")]


def check(config: dict[str, Any], *, cache_policy: Callable[[str], bool],
          origin_request_policy: Callable[[str], bool],
          cloudfront_function: Callable[[str], bool],
          response_headers_policy: Callable[[str], bool] = lambda _: True) -> None:
    """Raise CloudFront's error for the first thing wrong with ``config``."""
    check_quantities(config)
    origins = items_of(config, "Origins")
    if not origins:
        raise invalid("The parameter Origins must contain at least one origin.")
    origin_ids = [origin.get("Id", "") for origin in origins]
    group_ids = [group.get("Id", "") for group in items_of(config, "OriginGroups")]
    if len(set(origin_ids)) != len(origin_ids):
        raise invalid("The parameter Origin Id must be unique.")
    for origin in origins:
        if not origin.get("Id"):
            raise invalid("The parameter origin id cannot be empty.")
        if not origin.get("DomainName"):
            raise invalid("The parameter origin name cannot be null or empty.")
        path = origin.get("OriginPath") or ""
        if path and (not path.startswith("/") or path.endswith("/")):
            raise invalid("The parameter origin path must begin with '/' and cannot end "
                          "with '/'.")
        if origin.get("S3OriginConfig") is not None and origin.get("CustomOriginConfig"):
            raise invalid("You must specify either a CustomOrigin or an S3Origin. You cannot "
                          "specify both.")
    patterns: set[str] = set()
    for behaviour in _behaviours(config):
        if behaviour.get("TargetOriginId") not in (*origin_ids, *group_ids):
            raise ServiceError("NoSuchOrigin",
                               "One or more of your origins or origin groups do not exist.")
        pattern = behaviour.get("PathPattern")
        if pattern is not None:
            if pattern in patterns:
                raise invalid(f"The parameter PathPattern {pattern} is duplicated.")
            patterns.add(pattern)
        _check_policies(behaviour, cache_policy, origin_request_policy)
        headers_policy = behaviour.get("ResponseHeadersPolicyId") or ""
        if headers_policy and not response_headers_policy(headers_policy):
            raise ServiceError("NoSuchResponseHeadersPolicy",
                               "The response headers policy does not exist.")
        _check_methods(behaviour)
        _check_associations(behaviour, cloudfront_function)
    root = config.get("DefaultRootObject") or ""
    if root.startswith("/") or len(root) > 255:
        raise ServiceError("InvalidDefaultRootObject",
                           "The specified default root object is invalid.")
    for response in items_of(config, "CustomErrorResponses"):
        if response.get("ErrorCode") not in ERROR_CODES:
            raise ServiceError("InvalidErrorCode",
                               "The specified error code is not valid.")
        page = response.get("ResponsePagePath") or ""
        if page and not page.startswith("/"):
            raise ServiceError("InvalidRelativePath",
                               "The relative path is too big, is not URL-encoded, or does "
                               "not begin with a slash (/).")
        if page and not response.get("ResponseCode"):
            raise invalid("Your request must specify both ResponsePagePath and ResponseCode "
                          "together or none of them.")


def _check_policies(behaviour: dict[str, Any], cache_policy: Callable[[str], bool],
                    origin_request_policy: Callable[[str], bool]) -> None:
    policy_id = behaviour.get("CachePolicyId") or ""
    if policy_id:
        if not cache_policy(policy_id):
            raise ServiceError("NoSuchCachePolicy", "The cache policy does not exist.")
        if behaviour.get("ForwardedValues") is not None:
            raise invalid("The parameter ForwardedValues cannot be used when a cache policy "
                          "is associated to the cache behavior.")
    elif behaviour.get("ForwardedValues") is None:
        raise invalid("The parameter ForwardedValues is required.")
    else:
        ttls = [behaviour.get(name) for name in ("MinTTL", "DefaultTTL", "MaxTTL")]
        minimum, default, maximum = (t if t is not None else d
                                     for t, d in zip(ttls, (0, 86400, 31536000), strict=True))
        if not minimum <= default <= maximum:
            raise ServiceError("InvalidTTLOrder", "The TTL order specified is not valid.")
    request_policy = behaviour.get("OriginRequestPolicyId") or ""
    if request_policy and not origin_request_policy(request_policy):
        raise ServiceError("NoSuchOriginRequestPolicy",
                           "The origin request policy does not exist.")


def _check_methods(behaviour: dict[str, Any]) -> None:
    allowed = behaviour.get("AllowedMethods")
    if not allowed:
        return
    methods = set(allowed.get("Items") or [])
    if methods not in ALLOWED_METHOD_SETS:
        raise invalid("The parameter AllowedMethods is invalid: it must be GET and HEAD; "
                      "GET, HEAD and OPTIONS; or all seven methods.")
    cached = set(items_of(allowed, "CachedMethods"))
    if cached and (cached not in ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"})
                   or not cached <= methods):
        raise invalid("The parameter CachedMethods is invalid.")


def _check_associations(behaviour: dict[str, Any],
                        cloudfront_function: Callable[[str], bool]) -> None:
    seen: set[str] = set()
    for association in items_of(behaviour, "LambdaFunctionAssociations"):
        event, arn = association.get("EventType", ""), association.get("LambdaFunctionARN", "")
        if event in seen:
            raise ServiceError(
                "InvalidLambdaFunctionAssociation",
                f"More than one function is associated with the event type {event}.")
        seen.add(event)
        found = VERSIONED_FUNCTION.match(arn)
        if found is None or found["version"] == "$LATEST" or not (
                found["version"].isdigit()):
            raise ServiceError(
                "InvalidLambdaFunctionAssociation",
                "The function ARN must reference a specific function version. (The ARN must "
                f"end with the version number.) ARN: {arn}")
        if found["region"] != "us-east-1":
            raise ServiceError("InvalidLambdaFunctionAssociation",
                               f"The function must be in region 'us-east-1'. ARN: {arn}")
    functions: set[str] = set()
    for association in items_of(behaviour, "FunctionAssociations"):
        event, arn = association.get("EventType", ""), association.get("FunctionARN", "")
        if event not in FUNCTION_EVENTS:
            raise ServiceError("InvalidFunctionAssociation",
                               f"The event type {event} is not valid for a CloudFront "
                               "function.")
        if event in functions or event in seen:
            raise ServiceError(
                "InvalidFunctionAssociation",
                "You cannot associate more than one function with the same event type.")
        functions.add(event)
        if not cloudfront_function(arn):
            raise ServiceError("InvalidFunctionAssociation",
                               f"The function ARN {arn} does not exist or is not published.")


def _default_list(holder: dict[str, Any], member: str) -> None:
    if not holder.get(member):
        holder[member] = {"Quantity": 0}


def _behaviour_defaults(behaviour: dict[str, Any]) -> None:
    for member in ("TrustedSigners", "TrustedKeyGroups"):
        if not behaviour.get(member):
            behaviour[member] = {"Enabled": False, "Quantity": 0}
    _default_list(behaviour, "LambdaFunctionAssociations")
    _default_list(behaviour, "FunctionAssociations")
    if not behaviour.get("AllowedMethods"):
        behaviour["AllowedMethods"] = {
            "Quantity": 2, "Items": ["HEAD", "GET"],
            "CachedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]}}
    elif not behaviour["AllowedMethods"].get("CachedMethods"):
        behaviour["AllowedMethods"]["CachedMethods"] = {"Quantity": 2,
                                                        "Items": ["HEAD", "GET"]}
    behaviour.setdefault("SmoothStreaming", False)
    behaviour.setdefault("Compress", False)
    behaviour.setdefault("FieldLevelEncryptionId", "")
    if behaviour.get("ForwardedValues") is not None:
        forwarded = behaviour["ForwardedValues"]
        _default_list(forwarded, "Headers")
        _default_list(forwarded, "QueryStringCacheKeys")
        behaviour.setdefault("MinTTL", 0)
        behaviour.setdefault("DefaultTTL", 86400)
        behaviour.setdefault("MaxTTL", 31536000)


def with_defaults(given: dict[str, Any]) -> dict[str, Any]:
    """The config as CloudFront stores and answers it: every optional member present."""
    config = copy.deepcopy(given)
    _default_list(config, "Aliases")
    config.setdefault("DefaultRootObject", "")
    _default_list(config, "OriginGroups")
    _default_list(config, "CacheBehaviors")
    _default_list(config, "CustomErrorResponses")
    config.setdefault("Logging", {"Enabled": False, "IncludeCookies": False, "Bucket": "",
                                  "Prefix": ""})
    config.setdefault("PriceClass", "PriceClass_All")
    config.setdefault("ViewerCertificate", {
        "CloudFrontDefaultCertificate": True, "SSLSupportMethod": "vip",
        "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"})
    config.setdefault("Restrictions", {"GeoRestriction": {"RestrictionType": "none",
                                                          "Quantity": 0}})
    config.setdefault("WebACLId", "")
    config.setdefault("HttpVersion", "http2")
    config.setdefault("IsIPV6Enabled", True)
    config.setdefault("Staging", False)
    for origin in items_of(config, "Origins"):
        origin.setdefault("OriginPath", "")
        _default_list(origin, "CustomHeaders")
        origin.setdefault("ConnectionAttempts", 3)
        origin.setdefault("ConnectionTimeout", 10)
        origin.setdefault("OriginShield", {"Enabled": False})
        origin.setdefault("OriginAccessControlId", "")
        if origin.get("S3OriginConfig") is not None:
            origin["S3OriginConfig"].setdefault("OriginReadTimeout", 30)
        custom = origin.get("CustomOriginConfig")
        if custom is not None:
            custom.setdefault("OriginSslProtocols", {"Quantity": 1, "Items": ["TLSv1.2"]})
            custom.setdefault("OriginReadTimeout", 30)
            custom.setdefault("OriginKeepaliveTimeout", 5)
    for behaviour in _behaviours(config):
        _behaviour_defaults(behaviour)
    for response in items_of(config, "CustomErrorResponses"):
        response.setdefault("ResponsePagePath", "")
        response.setdefault("ResponseCode", "")
        response.setdefault("ErrorCachingMinTTL", 10)
    return config


__all__ = ["EDGE_EVENTS", "FUNCTION_EVENTS", "VERSIONED_FUNCTION", "check",
           "check_quantities", "with_defaults"]
