"""Building distribution configs and reaching viewer endpoints in CloudFront tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from emulator.testing import EmulatorHandle

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def listed(items: list[Any]) -> dict[str, Any]:
    return {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}


def s3_origin(bucket: str, origin_id: str = "bucket", *, oac: bool = True) -> dict[str, Any]:
    origin: dict[str, Any] = {"Id": origin_id, "DomainName": f"{bucket}.s3.amazonaws.com",
                              "S3OriginConfig": {"OriginAccessIdentity": ""}}
    if oac:
        origin["OriginAccessControlId"] = "E2OACEXAMPLE01"
    return origin


def custom_origin(domain: str, origin_id: str, path: str = "") -> dict[str, Any]:
    return {"Id": origin_id, "DomainName": domain, "OriginPath": path,
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "https-only"}}


def behaviour(origin_id: str, *, pattern: str | None = None,
              policy: str = CACHING_OPTIMIZED, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"TargetOriginId": origin_id,
                             "ViewerProtocolPolicy": "redirect-to-https",
                             "CachePolicyId": policy, **extra}
    if pattern is not None:
        found["PathPattern"] = pattern
    return found


def config(origins: list[dict[str, Any]], default: dict[str, Any],
           behaviours: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"CallerReference": str(uuid.uuid4()), "Comment": "test", "Enabled": True,
            "Origins": listed(origins), "DefaultCacheBehavior": default,
            "CacheBehaviors": listed(behaviours or []), **extra}


def viewer(emulator: EmulatorHandle, distribution_id: str) -> httpx.Client:
    """A client of the distribution's viewer endpoint (the path form: no name resolution)."""
    return httpx.Client(base_url=f"{emulator.endpoint_url}/_aws/cloudfront/{distribution_id}")


__all__ = ["ALL_VIEWER_EXCEPT_HOST", "CACHING_DISABLED", "CACHING_OPTIMIZED", "behaviour",
           "config", "custom_origin", "listed", "s3_origin", "viewer"]
