"""What AWS WAF inspects of a web request, and what it decides about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl


@dataclass
class WebRequest:
    """A web request as it reaches a protected resource, before the resource sees it."""

    method: str
    path: str  # the URI path as sent (percent-encoded), the stage included
    query: str  # the raw query string, without "?"
    headers: list[tuple[str, str]]  # as sent, names in any case
    body: bytes
    source_ip: str
    http_version: str = "HTTP/1.1"
    request_id: str = ""  # the protected resource's, for AWS WAF's logs
    source_id: str = ""  # the resource as AWS WAF's logs name it (account:api:stage)

    @cached_property
    def lower_headers(self) -> list[tuple[str, str]]:
        return [(name.lower(), value) for name, value in self.headers]

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.lower_headers:
            if key == wanted:
                return value
        return None

    @cached_property
    def query_arguments(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    @cached_property
    def has_token(self) -> bool:
        """Whether the request carries an AWS WAF token (the ``aws-waf-token`` cookie, or the
        ``x-aws-waf-token`` header apps send). The emulator issues none and checks none: any
        token counts as valid, so a CAPTCHA or Challenge rule lets the request go on."""
        return bool(self.header("x-aws-waf-token")) or any(
            name == "aws-waf-token" and value for name, value in self.cookies)

    @cached_property
    def cookies(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for name, value in self.lower_headers:
            if name != "cookie":
                continue
            for part in value.split(";"):
                key, _, item = part.strip().partition("=")
                if key:
                    found.append((key, item))
        return found


@dataclass
class Verdict:
    """What a web ACL decided: the terminating action (ALLOW, BLOCK, CAPTCHA, CHALLENGE), who
    decided it (a rule's name, or Default_Action), the labels the request collected, and the
    custom response or the headers to insert into the request."""

    web_acl_arn: str
    action: str
    terminating_rule: str
    terminating_type: str = "REGULAR"  # REGULAR, RATE_BASED or GROUP, as AWS WAF logs it
    labels: list[str] = field(default_factory=list)
    status: int | None = None  # a custom response's status (Block only)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    content_type: str | None = None
    request_headers: list[tuple[str, str]] = field(default_factory=list)  # x-amzn-waf-*


__all__ = ["Verdict", "WebRequest"]
