"""A failure CloudFront answers with its own error page (and names in X-Cache)."""

from __future__ import annotations


class EdgeFailure(Exception):
    def __init__(self, status: int, reason: str, kind: str) -> None:
        super().__init__(kind)
        self.status = status
        self.reason = reason
        self.kind = kind  # X-Cache: "{kind} from cloudfront"


__all__ = ["EdgeFailure"]
