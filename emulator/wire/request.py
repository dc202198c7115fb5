"""The HTTP request as the wire layer sees it, independent of the web framework."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl

from emulator.streams import ByteStream

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
# SigV4A (AWS4-ECDSA-P256-SHA256) scopes name no region; X-Amz-Region-Set lists them instead.
_CREDENTIAL_V4A = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/aws4_request")


@dataclass(frozen=True)
class CredentialScope:
    access_key: str
    date: str
    region: str
    service: str


@dataclass
class WireRequest:
    method: str
    path: str  # raw, still percent-encoded
    query_string: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    scheme: str = "http"
    extra: dict[str, object] = field(default_factory=dict)
    # The body still unread; the dispatcher reads it into ``body`` unless the operation
    # streams its payload (then the provider gets the stream).
    stream: ByteStream | None = None

    async def load_body(self) -> None:
        if self.stream is not None:
            stream, self.stream = self.stream, None
            self.body = await stream.read()

    @cached_property
    def query_items(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @cached_property
    def credential_scope(self) -> CredentialScope | None:
        auth = self.headers.get("authorization", "")
        match = _CREDENTIAL.search(auth)
        if match is None:
            for key, value in self.query_items:
                if key == "X-Amz-Credential":
                    match = _CREDENTIAL.search("Credential=" + value)
                    break
        if match is not None:
            return CredentialScope(*match.groups())
        v4a = _CREDENTIAL_V4A.search(auth)
        if v4a is None:
            return None
        regions = [region.strip() for region in
                   self.headers.get("x-amz-region-set", "").split(",")]
        region = next((r for r in regions if r and "*" not in r), "us-east-1")
        return CredentialScope(v4a[1], v4a[2], region, v4a[3])

    @cached_property
    def legacy_access_key(self) -> str | None:
        """The access key of a request signed the older way (SigV2 headers or query)."""
        auth = self.headers.get("authorization", "")
        if auth.startswith("AWS "):
            return auth[4:].split(":", 1)[0]
        if "AWSAccessKeyId=" in self.query_string:
            return dict(self.query_items).get("AWSAccessKeyId")
        return None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def host(self) -> str:
        return self.headers.get("host", "localhost")

    @cached_property
    def form(self) -> dict[str, str]:
        """Query string and form-encoded body, merged (body wins), as the query protocol reads."""
        values = dict(self.query_items)
        if self.content_type == "application/x-www-form-urlencoded" and self.body:
            text = self.body.decode("utf-8", errors="replace")
            values.update(parse_qsl(text, keep_blank_values=True))
        return values


__all__ = ["CredentialScope", "WireRequest"]
