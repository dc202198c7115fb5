"""Parameters and their versions: PutParameter, GetParameter, GetParameters,
GetParameterHistory, DeleteParameter and DeleteParameters.

https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError, validation_error
from emulator.services import paging
from emulator.services.ssm import names
from emulator.services.ssm.common import DEFAULT_KEY, SsmBase, invalid_token
from emulator.services.ssm.models import ParameterRecord, VersionRecord
from emulator.services.ssm.tags import check_tags

MAX_VERSIONS = 100
MAX_PARAMETERS = 10_000  # standard-tier parameters per account and Region
STANDARD_VALUE = 4096
ADVANCED_VALUE = 8192
POLICY_TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
_IMAGE_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")


def _check_value(value: str, tier: str) -> None:
    if not value:
        raise validation_error("1 validation error detected: Value at 'value' failed to satisfy "
                               "constraint: Member must have length greater than or equal to 1.")
    if len(value) > ADVANCED_VALUE:
        raise validation_error("1 validation error detected: Value at 'value' failed to satisfy "
                               f"constraint: Member must have length less than or equal to "
                               f"{ADVANCED_VALUE}.")
    if len(value) > STANDARD_VALUE and tier == "Standard":
        raise validation_error(
            f"Standard tier parameters support a maximum parameter value of {STANDARD_VALUE} "
            "characters. To create a larger parameter value, upgrade the parameter to use the "
            "advanced-parameter tier.")


def _check_pattern(value: str, pattern: str | None) -> None:
    if pattern is None:
        return
    try:
        compiled = re.compile(pattern)
    except re.error:
        raise ServiceError("InvalidAllowedPatternException",
                           f"The allowed pattern {pattern} is not a valid regular "
                           "expression.") from None
    if compiled.fullmatch(value) is None:
        raise ServiceError("ParameterPatternMismatchException",
                           f"Parameter value, cannot be validated against allowedPattern: "
                           f"{pattern}")


def _check_policies(text: str | None) -> None:
    if text is None:
        return
    try:
        policies = json.loads(text)
    except ValueError:
        raise ServiceError("InvalidPolicyTypeException",
                           "The policy is not valid JSON.") from None
    if not isinstance(policies, list) or not all(
            isinstance(p, dict) and p.get("Type") in POLICY_TYPES for p in policies):
        raise ServiceError("InvalidPolicyTypeException",
                           "A policy type isn't valid. Valid policy types are "
                           + ", ".join(POLICY_TYPES) + ".")


def _check_data_type(data_type: str, kind: str, value: str) -> None:
    if data_type not in DATA_TYPES:
        raise validation_error(f"The following data type is not supported: {data_type} (Data "
                               "type names are all lowercase.)")
    if data_type == "aws:ec2:image" and (kind != "String" or not _IMAGE_ID.match(value)):
        raise validation_error(f"Parameter value {value} is not a valid Amazon Machine Image "
                               "(AMI) ID.")


def _tier(asked: str | None, value: str, policies: str | None,
          previous: VersionRecord | None) -> str:
    """Standard, Advanced, or what Intelligent-Tiering picks; a parameter keeps its tier when
    none is asked, and never goes back from advanced to standard."""
    was_advanced = previous is not None and previous.tier == "Advanced"
    if asked == "Intelligent-Tiering":
        needs = was_advanced or len(value) > STANDARD_VALUE or bool(policies)
        return "Advanced" if needs else "Standard"
    chosen = asked or ("Advanced" if was_advanced else "Standard")
    if chosen == "Standard" and was_advanced:
        raise validation_error(
            "This parameter uses the advanced-parameter tier. You can't downgrade a parameter "
            "from the advanced-parameter tier to the standard-parameter tier. If necessary, you "
            "can delete the advanced parameter and recreate it as a standard parameter.")
    if chosen == "Standard" and policies:
        raise validation_error("Parameter policies are supported only for advanced-parameter "
                               "tier parameters.")
    return chosen


class ParametersApi(SsmBase):
    """Writing, reading and deleting parameters."""

    def put_parameter(self, ctx: RequestContext, *, name: str, value: str,
                      type: str | None = None, description: str | None = None,
                      key_id: str | None = None, overwrite: bool | None = None,
                      allowed_pattern: str | None = None,
                      tags: list[dict[str, str]] | None = None, tier: str | None = None,
                      policies: str | None = None, data_type: str | None = None, **_: Any
                      ) -> dict[str, Any]:
        name = names.check_name(name, ctx.region, ctx.account_id)
        table = self.parameters(ctx)
        record = table.get(name)
        if record is not None and tags and overwrite:
            raise validation_error(
                "Invalid request: tags and overwrite can't be used together. To create a "
                "parameter with tags, please remove overwrite flag. To update tags for an "
                "existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
        if record is not None and not overwrite:
            raise ServiceError("ParameterAlreadyExists", "The parameter already exists. To "
                               "overwrite this value, set the overwrite option in the request "
                               "to true.")
        previous = record.latest if record is not None else None
        kind = type or (previous.type if previous is not None else None)
        if kind is None:
            raise validation_error("A parameter type is required when you create a parameter.")
        if key_id is not None and kind != "SecureString":
            raise validation_error("KeyId is required for SecureString type parameter only.")
        chosen_tier = _tier(tier, value, policies, previous)
        _check_value(value, chosen_tier)
        _check_pattern(value, allowed_pattern)
        _check_policies(policies)
        _check_data_type(data_type or "text", kind, value)
        if record is None:
            if len(table) >= MAX_PARAMETERS:
                raise ServiceError("ParameterLimitExceeded",
                                   "You have exceeded the number of parameters for this AWS "
                                   "account. Delete one or more parameters and try again.")
            record = ParameterRecord(name=name, tags=check_tags({}, tags))
        number = previous.version + 1 if previous is not None else 1
        self._make_room(record, number)
        key = (key_id or DEFAULT_KEY) if kind == "SecureString" else None
        stored = value if key is None else self.secure.seal(value, name=name, version=number,
                                                            key_id=key)
        record.versions.append(VersionRecord(
            version=number, type=kind, value=stored, key_id=key, description=description,
            allowed_pattern=allowed_pattern, tier=chosen_tier, policies=policies,
            data_type=data_type or "text", last_modified=self.clock.now(),
            last_modified_user=f"arn:aws:iam::{ctx.account_id}:root"))
        table.put(name, record)
        return {"Version": number, "Tier": chosen_tier}

    @staticmethod
    def _make_room(record: ParameterRecord, number: int) -> None:
        """At most 100 versions: the oldest goes, unless a label holds it."""
        if len(record.versions) < MAX_VERSIONS:
            return
        oldest = record.versions[0]
        if oldest.labels:
            raise ServiceError(
                "ParameterMaxVersionLimitExceeded",
                f"You attempted to create a new version of {record.name} by calling the "
                f"PutParameter API with the overwrite flag. Version {oldest.version}, the "
                "oldest version, can't be deleted because it has a label associated with it. "
                "Move the label to another version of the parameter, and try again.")
        del record.versions[0]

    def get_parameter(self, ctx: RequestContext, *, name: str,
                      with_decryption: bool | None = None, **_: Any) -> dict[str, Any]:
        record, version, chosen = self.selected(ctx, name)
        return {"Parameter": self.parameter_shape(ctx, record, version, with_decryption,
                                                  chosen.selector)}

    def get_parameters(self, ctx: RequestContext, *, names: list[str],
                       with_decryption: bool | None = None, **_: Any) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        invalid: list[str] = []
        for text in dict.fromkeys(names):
            try:
                record, version, chosen = self.selected(ctx, text)
            except ServiceError:
                invalid.append(text)
                continue
            found.append(self.parameter_shape(ctx, record, version, with_decryption,
                                              chosen.selector))
        return {"Parameters": found, "InvalidParameters": invalid}

    def get_parameter_history(self, ctx: RequestContext, *, name: str,
                              with_decryption: bool | None = None,
                              max_results: int | None = None, next_token: str | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.parameter(ctx, name)
        chunk, token = paging.page(record.versions, next_token, max_results or 50,
                                   tokens=paging.BASE64, invalid=lambda _: invalid_token())
        history = []
        for version in chunk:
            entry = self.metadata_shape(ctx, record, version)
            del entry["ARN"]
            entry["Value"] = self.value_of(record, version, with_decryption)
            entry["Labels"] = list(version.labels)
            history.append(entry)
        result: dict[str, Any] = {"Parameters": history}
        if token:
            result["NextToken"] = token
        return result

    def delete_parameter(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        if self.parameters(ctx).delete(name.strip()) is None:
            raise self.not_found("")
        return {}

    def delete_parameters(self, ctx: RequestContext, *, names: list[str], **_: Any
                          ) -> dict[str, Any]:
        table = self.parameters(ctx)
        deleted: list[str] = []
        invalid: list[str] = []
        for name in dict.fromkeys(names):
            (deleted if table.delete(name.strip()) is not None else invalid).append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}


__all__ = ["MAX_VERSIONS", "ParametersApi"]
