"""The headers CloudFront adds: about the viewer (``CloudFront-Is-*-Viewer`` from the
User-Agent, ``CloudFront-Forwarded-Proto``, ``CloudFront-Viewer-Country``), as an
edge-optimized REST API's integrations receive them, and about itself (``Via``,
``X-Amz-Cf-Id``, ``X-Amz-Cf-Pop``), on what it forwards and what it answers.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-cloudfront-headers.html
"""

from __future__ import annotations

import base64
import re
import secrets

from emulator import ids

POP = "IAD89-C1"
# One edge server answers here: its name in Via stays the same, as one POP's server's does.
VIA = f"1.1 {secrets.token_hex(16)}.cloudfront.net (CloudFront)"

# The emulator cannot place a viewer; it reads as the country of CloudFront's docs examples.
VIEWER_COUNTRY = "US"
_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk|PlayBook|Android(?!.*Mobile)", re.I)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|BlackBerry", re.I)
_SMART_TV = re.compile(r"SmartTV|SMART-TV|GoogleTV|AppleTV|HbbTV|Tizen|WebOS|BRAVIA", re.I)


def device_headers(user_agent: str) -> list[tuple[str, str]]:
    """CloudFront's four device headers: exactly one of them is ``true`` (desktop when the
    User-Agent names nothing else)."""
    smart_tv = bool(_SMART_TV.search(user_agent))
    tablet = not smart_tv and bool(_TABLET.search(user_agent))
    mobile = not smart_tv and not tablet and bool(_MOBILE.search(user_agent))
    desktop = not (smart_tv or tablet or mobile)
    return [("CloudFront-Is-Desktop-Viewer", _flag(desktop)),
            ("CloudFront-Is-Mobile-Viewer", _flag(mobile)),
            ("CloudFront-Is-SmartTV-Viewer", _flag(smart_tv)),
            ("CloudFront-Is-Tablet-Viewer", _flag(tablet))]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def request_id() -> str:
    """An X-Amz-Cf-Id: 56 characters of URL-safe base64."""
    return base64.urlsafe_b64encode(ids.random_bytes(40)).decode()


def via() -> str:
    return VIA


__all__ = ["POP", "VIA", "VIEWER_COUNTRY", "device_headers", "request_id", "via"]
