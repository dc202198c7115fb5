"""What every part of the Parameter Store provider shares: the parameters table, lookups by
name, version and label, the SecureString cipher, and the shapes answers are made of."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.ssm import names
from emulator.services.ssm.models import PARAMETERS, ParameterRecord, VersionRecord
from emulator.services.ssm.secure import SecureValues

DEFAULT_KEY = "alias/aws/ssm"


def moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def invalid_token() -> ServiceError:
    return ServiceError("InvalidNextToken", "The specified token isn't valid.")


def policies_shape(text: str | None) -> list[dict[str, str]]:
    """The Policies member: each policy of the stored JSON array, with its type."""
    if not text:
        return []
    return [{"PolicyText": json.dumps(policy, separators=(",", ":")),
             "PolicyType": str(policy.get("Type")), "PolicyStatus": "Pending"}
            for policy in json.loads(text)]


class SsmBase(Provider):
    """The lookups and shapes shared by the provider's parts."""

    service_name = "ssm"
    not_found_code = "ParameterNotFound"

    def setup(self) -> None:
        self.secure = SecureValues(self.own_folder)

    parameters = TableOf(PARAMETERS, ParameterRecord)

    def parameter(self, ctx: RequestContext, name: str) -> ParameterRecord:
        """The parameter called ``name``; ParameterNotFound (with AWS's empty message)."""
        return self.found(self.parameters(ctx).get(name.strip()), "")

    def version_of(self, record: ParameterRecord, number: int | None) -> VersionRecord:
        """Version ``number`` (the latest for None); ParameterVersionNotFound."""
        if number is None:
            return record.latest
        found = record.version(number)
        if found is None:
            raise ServiceError(
                "ParameterVersionNotFound",
                f"Systems Manager could not find version {number} of {record.name}. Verify "
                "the version and try again.")
        return found

    def selected(self, ctx: RequestContext, text: str
                 ) -> tuple[ParameterRecord, VersionRecord, names.Selected]:
        """What ``name``, ``name:version`` or ``name:label`` points at."""
        chosen = names.select(text)
        record = self.parameter(ctx, chosen.name)
        if chosen.label is not None:
            version = record.labelled(chosen.label)
            if version is None:
                raise self.not_found("")
            return record, version, chosen
        return record, self.version_of(record, chosen.version), chosen

    def value_of(self, record: ParameterRecord, version: VersionRecord,
                 decrypt: bool | None) -> str:
        """What a reader sees: a SecureString decrypted only when asked to."""
        if version.type != "SecureString" or not decrypt:
            return version.value
        return self.secure.open(version.value, name=record.name, version=version.version,
                                key_id=version.key_id or DEFAULT_KEY)

    def parameter_shape(self, ctx: RequestContext, record: ParameterRecord,
                        version: VersionRecord, decrypt: bool | None,
                        selector: str | None = None) -> dict[str, Any]:
        """The Parameter shape GetParameter(s) and GetParametersByPath answer with."""
        shape: dict[str, Any] = {
            "Name": record.name, "Type": version.type,
            "Value": self.value_of(record, version, decrypt), "Version": version.version,
            "LastModifiedDate": moment(version.last_modified),
            "ARN": names.arn(ctx.region, ctx.account_id, record.name),
            "DataType": version.data_type,
        }
        if selector:
            shape["Selector"] = selector
        return shape

    def metadata_shape(self, ctx: RequestContext, record: ParameterRecord,
                       version: VersionRecord) -> dict[str, Any]:
        """The ParameterMetadata shape (no value), as DescribeParameters answers it; the
        history's entries add the value and labels to it."""
        shape: dict[str, Any] = {
            "Name": record.name, "ARN": names.arn(ctx.region, ctx.account_id, record.name),
            "Type": version.type, "LastModifiedDate": moment(version.last_modified),
            "LastModifiedUser": version.last_modified_user, "Version": version.version,
            "Tier": version.tier, "Policies": policies_shape(version.policies),
            "DataType": version.data_type,
        }
        for key, value in (("KeyId", version.key_id), ("Description", version.description),
                           ("AllowedPattern", version.allowed_pattern)):
            if value is not None:
                shape[key] = value
        return shape


__all__ = ["DEFAULT_KEY", "SsmBase", "invalid_token", "moment", "policies_shape"]
