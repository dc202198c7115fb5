"""Tags kept as a list of key and value pairs (``[{"Key": ..., "Value": ...}]``), as IAM,
Secrets Manager and KMS (``TagKey``/``TagValue``) answer them."""

from __future__ import annotations

from collections.abc import Iterable


def tagged(tags: list[dict[str, str]], new: list[dict[str, str]], key: str = "Key"
           ) -> list[dict[str, str]]:
    """``tags`` with ``new`` added; a new tag replaces the one with its key."""
    keys = {tag[key] for tag in new}
    return [tag for tag in tags if tag[key] not in keys] + new


def untagged(tags: list[dict[str, str]], keys: Iterable[str], key: str = "Key"
             ) -> list[dict[str, str]]:
    """``tags`` without those whose key is one of ``keys``."""
    gone = set(keys)
    return [tag for tag in tags if tag[key] not in gone]


__all__ = ["tagged", "untagged"]
