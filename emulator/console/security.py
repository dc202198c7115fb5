"""What keeps the console safe to leave open: a per-session token on every state-changing form,
and secrets masked wherever a page shows a request, a key or a credential.

A browser session gets a random cookie (HttpOnly, SameSite=Strict, on ``/_emulator``); its
form token is an HMAC of that cookie under a key made when the emulator starts. Another site
open in the same browser can neither read the token nor send the cookie with its own requests,
so it cannot drive the forms; a POST from another origin is refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

COOKIE = "localcloud_console"
FIELD = "_csrf"
HEADER = "x-csrf-token"
MASK = "****"

# Header names whose values are credentials.
_SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-amz-security-token", "x-api-key", "cookie",
    "set-cookie", "x-amz-content-sha256-secret",
})
# Member names (any case, any position) whose values are secrets.
_SECRET_WORDS = re.compile(
    r"password|secret|credential|privatekey|private_key|authorization|sessiontoken|"
    r"accesstoken|idtoken|refreshtoken|tasktoken|apikey|api_key|"
    r"^token$|^value$|^code$", re.IGNORECASE)


class Sessions:
    """Issues session cookies and checks form tokens."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        return hmac.new(self._key, session.encode(), hashlib.sha256).hexdigest()

    def accepts(self, session: str | None, token: str | None) -> bool:
        if not session or not token:
            return False
        return hmac.compare_digest(self.token(session), token)


def same_origin(headers: Mapping[str, str]) -> bool:
    """False when the browser says the request comes from another site."""
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == headers.get("host", "")


class ShownOnce:
    """Values a page shows a single time (a new API key): kept for the session that made them
    until its next page takes them, at most ``limit`` at once."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._kept: dict[str, tuple[str, Any]] = {}

    def put(self, session: str, value: Any) -> str:
        while len(self._kept) >= self.limit:
            self._kept.pop(next(iter(self._kept)))
        token = secrets.token_urlsafe(16)
        self._kept[token] = (session, value)
        return token

    def take(self, session: str, token: str | None) -> Any:
        found = self._kept.get(token or "")
        if found is None or found[0] != session:
            return None
        del self._kept[token or ""]
        return found[1]


# -- masking --------------------------------------------------------------------------------


def mask_headers(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header pairs with credential values masked; SigV4 keeps its scheme and key id."""
    shown = []
    for name, value in pairs:
        lower = name.lower()
        if lower == "authorization" and value.startswith("AWS4-HMAC-SHA256"):
            credential = re.search(r"Credential=([^/,\s]+)", value)
            key = credential.group(1) if credential else ""
            shown.append((name, f"AWS4-HMAC-SHA256 Credential={mask_key(key)}/… "
                                f"Signature={MASK}"))
        elif lower in _SECRET_HEADERS:
            shown.append((name, MASK))
        else:
            shown.append((name, value))
    return shown


def mask_key(value: str) -> str:
    """An access key or API key shown by its first four characters only."""
    return value[:4] + MASK if len(value) > 8 else MASK


def secret_name(name: str) -> bool:
    return bool(_SECRET_WORDS.search(name)) and name.lower() not in ("nexttoken",)


def mask_document(value: Any) -> Any:
    """A JSON value with the values of secret-named members masked, at any depth."""
    if isinstance(value, dict):
        return {k: (MASK if secret_name(str(k)) and v not in (None, "") else mask_document(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_document(item) for item in value]
    return value


def mask_body(body: bytes, content_type: str = "") -> str:
    """A body as text with secrets masked: JSON and form bodies by member name; other text
    as is; binary bodies described by their size."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"({len(body)} bytes of binary data)"
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.dumps(mask_document(json.loads(stripped)), indent=2)
        except ValueError:
            return text  # cut short, or not JSON after all
    if "x-www-form-urlencoded" in content_type or (
            "=" in stripped and "&" in stripped and " " not in stripped):
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            return urlencode([(k, MASK if secret_name(k.rsplit(".", 1)[-1]) else v)
                              for k, v in pairs], safe="/:.")
    return text


__all__ = ["COOKIE", "FIELD", "HEADER", "MASK", "Sessions", "ShownOnce", "mask_body",
           "mask_document", "mask_headers", "mask_key", "same_origin", "secret_name"]
