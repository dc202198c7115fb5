"""What AWS WAF's parts share: the entity and association tables, ARNs, lock tokens, the
checks of rules, AWS WAF's errors and its NextMarker paging."""

from __future__ import annotations

from collections import deque
from typing import Any

from botocore import xform_name

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import Provider, TableOf
from emulator.services.wafv2.models import (
    ASSOCIATIONS,
    ENTITIES,
    LOGGING,
    AssociationRecord,
    EntityRecord,
    LoggingRecord,
)
from emulator.waf import validation
from emulator.waf.engine import WebAcl
from emulator.waf.rates import RateCounters

# https://docs.aws.amazon.com/waf/latest/APIReference/CommonErrors.html and each operation's
# Errors section.
NONEXISTENT = ("AWS WAF couldn\u2019t perform the operation because your resource "
               "doesn\u2019t exist.")
DUPLICATE = ("AWS WAF couldn\u2019t perform the operation because some resource in your "
             "request is a duplicate of an existing one.")
LOCKED = ("AWS WAF couldn\u2019t save your changes because you tried to update or delete a "
          "resource that has changed since you last retrieved it. Get the resource again, make any "
          "changes you need to make to the new copy, and retry your operation.")
ASSOCIATED = ("AWS WAF couldn\u2019t perform the operation because your resource is being used by "
              "another resource or it\u2019s associated with another resource.")
DEFAULT_LIMIT = 100


def kept(params: dict[str, Any], members: tuple[str, ...]) -> dict[str, Any]:
    """The ``members`` (as the model names them) of a request's snake_case parameters."""
    return {member: params[xform_name(member)] for member in members
            if params.get(xform_name(member)) is not None}


# Fields whose "exactly one" refusal AWS words with the reason's code in the message (the
# Reason member keeps the sentence), as recorded answers show.
CODED_FIELDS = ("RULE_ACTION", "FIELD_TO_MATCH")


def invalid_parameter(field: str, parameter: str, reason: str) -> ServiceError:
    shown = ("EXACTLY_ONE_CONDITION_REQUIRED"
             if reason == validation.EXACTLY_ONE and field in CODED_FIELDS else reason)
    return ServiceError("WAFInvalidParameterException",
                        f"Error reason: {shown}, field: {field}, parameter: {parameter}",
                        fields={"Field": field, "Parameter": parameter, "Reason": reason})


def nonexistent() -> ServiceError:
    return ServiceError("WAFNonexistentItemException", NONEXISTENT)


def duplicate() -> ServiceError:
    return ServiceError("WAFDuplicateItemException", DUPLICATE)


class Wafv2Base(Provider):
    service_name = "wafv2"
    not_found_code = "WAFNonexistentItemException"

    entities = TableOf(ENTITIES, EntityRecord)
    associations = TableOf(ASSOCIATIONS, AssociationRecord)
    log_configs = TableOf(LOGGING, LoggingRecord)

    def setup(self) -> None:
        # Bumped by every change a web ACL's evaluation depends on: compiled web ACLs
        # built under an older generation are built again.
        self.generation = 0
        self.compiled: dict[tuple[str, str, str], tuple[int, WebAcl]] = {}
        self.rates = RateCounters()  # rate-based rules' counters, on the clock
        self.samples: dict[tuple[str, str], deque[dict[str, Any]]] = {}  # (ACL, metric)
        self.published = self.ports.published_metrics()  # to CloudWatch, as AWS/WAFV2

    def changed(self) -> None:
        self.generation += 1

    # -- entities ---------------------------------------------------------------------------

    @staticmethod
    def arn(ctx: RequestContext, kind: str, scope: str, name: str, entity_id: str) -> str:
        where = "global" if scope == "CLOUDFRONT" else "regional"
        return arns.build("wafv2", ctx.region, ctx.account_id,
                          f"{where}/{kind}/{name}/{entity_id}")

    def entity(self, ctx: RequestContext, kind: str, name: str | None, scope: str | None,
               entity_id: str | None, arn: str | None = None) -> EntityRecord:
        """The entity named by name, scope and id (or ARN), or WAFNonexistentItemException."""
        if arn is None:
            if not (name and scope and entity_id):
                raise invalid_parameter("RESOURCE_ARN", "ARN", validation.EXACTLY_ONE)
            arn = self.arn(ctx, kind, scope, name, entity_id)
        record = self.entities(ctx).get(arn)
        if record is None or record.kind != kind:
            raise nonexistent()
        return record

    def create_entity(self, ctx: RequestContext, kind: str, name: str, scope: str,
                      description: str | None, doc: dict[str, Any],
                      tags: list[dict[str, str]] | None) -> dict[str, Any]:
        if any(record.kind == kind and record.scope == scope and record.name == name
               for record in self.entities(ctx).values()):
            raise duplicate()
        entity_id = ids.uuid4()
        record = EntityRecord(kind=kind, name=name, id=entity_id,
                              arn=self.arn(ctx, kind, scope, name, entity_id), scope=scope,
                              description=description, doc=doc, lock_token=ids.uuid4(),
                              tags=list(tags or ()))
        self.entities(ctx).put(record.arn, record)
        self.changed()
        return {"Summary": self.summary(record)}

    def update_entity(self, ctx: RequestContext, record: EntityRecord, lock_token: str,
                      description: str | None, doc: dict[str, Any]) -> dict[str, Any]:
        self.unlock(record, lock_token)
        record.description = description
        record.doc = doc
        record.lock_token = ids.uuid4()
        self.entities(ctx).put(record.arn, record)
        self.changed()
        return {"NextLockToken": record.lock_token}

    def delete_entity(self, ctx: RequestContext, record: EntityRecord, lock_token: str) -> None:
        self.unlock(record, lock_token)
        if self.referenced(ctx, record.arn):
            raise ServiceError("WAFAssociatedItemException", ASSOCIATED)
        self.entities(ctx).delete(record.arn)
        self.changed()

    @staticmethod
    def unlock(record: EntityRecord, lock_token: str) -> None:
        if lock_token != record.lock_token:
            raise ServiceError("WAFOptimisticLockException", LOCKED)

    def referenced(self, ctx: RequestContext, arn: str) -> bool:
        """Whether a web ACL or rule group refers to ``arn``, or a resource is protected by
        it (a web ACL)."""
        if any(item.web_acl_arn == arn for item in self.associations(ctx).values()):
            return True
        quoted = f'"{arn}"'
        return any(quoted in _text(record.doc) for record in self.entities(ctx).values()
                   if record.arn != arn)

    @staticmethod
    def summary(record: EntityRecord) -> dict[str, Any]:
        found: dict[str, Any] = {"Name": record.name, "Id": record.id,
                                 "LockToken": record.lock_token, "ARN": record.arn}
        if record.description is not None:
            found["Description"] = record.description
        return found

    @staticmethod
    def shape(record: EntityRecord) -> dict[str, Any]:
        """The resource as its Get operation answers it."""
        found: dict[str, Any] = {"Name": record.name, "Id": record.id, "ARN": record.arn,
                                 **record.doc}
        if record.description is not None:
            found["Description"] = record.description
        return found

    def list_entities(self, ctx: RequestContext, kind: str, scope: str, member: str,
                      next_marker: str | None, limit: int | None) -> dict[str, Any]:
        found = sorted((record for record in self.entities(ctx).values()
                        if record.kind == kind and record.scope == scope),
                       key=lambda record: record.name)
        return paging.answer(member, found, next_marker, limit or DEFAULT_LIMIT,
                             token_member="NextMarker", shape=self.summary)

    # -- rules ------------------------------------------------------------------------------

    def checked_capacity(self, ctx: RequestContext, rules: list[dict[str, Any]] | None,
                         bodies: dict[str, Any] | None, in_group: bool = False) -> int:
        """Check rules as AWS WAF does and return their capacity."""
        table = self.entities(ctx)

        def exists(kind: str, arn: str) -> bool:
            record = table.get(arn)
            return record is not None and record.kind == kind

        def group_capacity(arn: str) -> int | None:
            record = table.get(arn)
            if record is None or record.kind != "rulegroup":
                return None
            return int(record.doc.get("Capacity") or 0)

        try:
            return validation.rules_capacity(rules, bodies, exists, group_capacity, in_group)
        except validation.InvalidParameter as invalid:
            raise invalid_parameter(invalid.field, invalid.parameter, invalid.reason) from None
        except validation.DuplicateItem:
            raise duplicate() from None


def _text(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc, default=str)


__all__ = ["Wafv2Base", "duplicate", "invalid_parameter", "nonexistent"]
