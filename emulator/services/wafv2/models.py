"""AWS WAF's stored records: every web ACL, IP set, regex pattern set and rule group as one
kind of entity (its resource shape, lock token and tags), and web ACL associations."""

from __future__ import annotations

from typing import Any

from emulator.store.records import Record

ENTITIES = "entities"  # by ARN
ASSOCIATIONS = "associations"  # by the protected resource's ARN
LOGGING = "logging"  # logging configurations, by the web ACL's ARN

# The ARN's resource type of each kind, and the member its Get answer names it by.
KINDS = {"webacl": "WebACL", "ipset": "IPSet", "regexpatternset": "RegexPatternSet",
         "rulegroup": "RuleGroup"}


class EntityRecord(Record):
    kind: str  # a key of KINDS
    name: str
    id: str
    arn: str
    scope: str  # REGIONAL or CLOUDFRONT
    description: str | None = None
    doc: dict[str, Any]  # the resource shape's other members, as last put
    lock_token: str
    tags: list[dict[str, str]] = []


class AssociationRecord(Record):
    resource_arn: str
    web_acl_arn: str


class LoggingRecord(Record):
    resource_arn: str  # the web ACL's
    doc: dict[str, Any]  # the LoggingConfiguration shape, as answered


__all__ = ["ASSOCIATIONS", "ENTITIES", "KINDS", "LOGGING", "AssociationRecord", "EntityRecord",
           "LoggingRecord"]
