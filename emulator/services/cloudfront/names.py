"""CloudFront's identifiers: distribution, invalidation and ETag ids (upper-case letters and
digits, 14 long, as AWS prints them), domain names and ARNs."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
GLOBAL_REGION = "us-east-1"  # CloudFront is global: its tables live in this scope


def upper_id(prefix: str = "E", length: int = 14) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length - len(prefix)))


def distribution_id() -> str:
    return upper_id("E")


def invalidation_id() -> str:
    return upper_id("I", 27)


def etag() -> str:
    return upper_id("E")


def domain_name() -> str:
    return "d" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                         for _ in range(13)) + ".cloudfront.net"


def distribution_arn(account: str, distribution: str) -> str:
    return f"arn:aws:cloudfront::{account}:distribution/{distribution}"


def function_arn(account: str, name: str) -> str:
    return f"arn:aws:cloudfront::{account}:function/{name}"


def key_value_store_arn(account: str, store_id: str) -> str:
    return f"arn:aws:cloudfront::{account}:key-value-store/{store_id}"


__all__ = ["GLOBAL_REGION", "distribution_arn", "distribution_id", "domain_name", "etag",
           "function_arn", "invalidation_id", "key_value_store_arn", "upper_id"]
