"""AWS Secrets Manager: secrets with versions and staging labels (AWSCURRENT, AWSPREVIOUS,
AWSPENDING), GetSecretValue by version or stage, scheduled deletion and restore, tags,
rotation settings stored (a rotation Lambda is recorded, not called), random passwords."""

from __future__ import annotations

import re
import secrets
import string
import uuid
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import tagging
from emulator.services.base import Provider, TableOf
from emulator.services.secretsmanager.models import SECRETS, SecretRecord, SecretVersion
from emulator.wire.validate import Problem, validation_failure

CURRENT, PREVIOUS, PENDING = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"
_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
DAY = 86400.0
PAGE = 100
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def not_found(message: str = "Secrets Manager can't find the specified secret.") -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, status=400)


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message, status=400)


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message, status=400)


def _check_tags(tags: list[dict[str, str]]) -> None:
    """A tag needs its key, though the SDK's model makes it optional (once a 500, found by
    the long fuzz profile)."""
    missing = [Problem(["Tags", str(index), "member", "Key"], "required",
                       "Member must not be null")
               for index, tag in enumerate(tags, 1) if tag.get("Key") is None]
    if missing:
        raise validation_failure(missing)


def _unstage(record: SecretRecord, version: SecretVersion, label: str) -> None:
    """Take ``label`` off ``version``; a version losing AWSCURRENT becomes AWSPREVIOUS."""
    version.stages.remove(label)
    if label == CURRENT:
        previous = record.staged(PREVIOUS)
        if previous is not None:
            previous.stages.remove(PREVIOUS)
        version.stages.append(PREVIOUS)


class SecretsManagerProvider(Provider):
    service_name = "secretsmanager"

    secrets = TableOf(SECRETS, SecretRecord)

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"secrets": [{"name": s.name, "arn": s.arn}
                            for _, _, s in self.secrets.everywhere()]}

    def _find(self, ctx: RequestContext, secret_id: str) -> SecretRecord | None:
        table = self.secrets(ctx.account_id, ctx.region)
        if not secret_id.startswith("arn:"):
            return table.get(secret_id)
        for record in table.values():
            # A partial ARN leaves out the six random characters AWS appends.
            if record.arn == secret_id or record.arn.rsplit("-", 1)[0] == secret_id:
                return record
        return None

    def _secret(self, ctx: RequestContext, secret_id: str, *,
                deleted_ok: bool = False) -> SecretRecord:
        record = self._find(ctx, secret_id)
        if record is None:
            raise not_found()
        if record.deleted is not None and record.deleted <= self.clock.now():
            self.secrets(ctx.account_id, ctx.region).delete(record.name)
            raise not_found()
        if record.deleted is not None and not deleted_ok:
            raise invalid_request("You can't perform this operation on the secret because it "
                                  "was marked for deletion.")
        return record

    def _save(self, ctx: RequestContext, record: SecretRecord) -> None:
        self.secrets(ctx.account_id, ctx.region).put(record.name, record)

    def _add_version(self, record: SecretRecord, token: str | None, text: str | None,
                     binary: bytes | None, stages: list[str] | None) -> SecretVersion:
        version_id = token or str(uuid.uuid4())
        existing = record.versions.get(version_id)
        if existing is not None:
            if existing.string != text or existing.binary != binary:
                raise ServiceError("ResourceExistsException", "You can't modify an existing "
                                   "version, you can only create a new version.", status=400)
            return existing
        labels = stages or [CURRENT]
        for label in labels:
            holder = record.staged(label)
            if holder is None:
                continue
            _unstage(record, holder, label)
        version = SecretVersion(version_id=version_id, string=text, binary=binary,
                                stages=list(labels), created=self.clock.now())
        record.versions[version_id] = version
        # Versions with no label are dropped, as AWS deprecates them.
        record.versions = {key: v for key, v in record.versions.items() if v.stages}
        record.changed = self.clock.now()
        return version

    def create_secret(self, ctx: RequestContext, name: str,
                      client_request_token: str | None = None, description: str | None = None,
                      kms_key_id: str | None = None, secret_binary: bytes | None = None,
                      secret_string: str | None = None,
                      tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        _check_tags(tags or [])
        if not _NAME.match(name):
            raise invalid_parameter("Invalid name. Must be a valid name containing "
                                    "alphanumeric characters, or any of the following: -/_+=.@!")
        if secret_string is not None and secret_binary is not None:
            raise invalid_parameter("You can't specify both a binary secret value and a string "
                                    "secret value in the same secret.")
        existing = self.secrets(ctx.account_id, ctx.region).get(name)
        if existing is not None:
            if existing.deleted is not None:
                raise invalid_request("You can't create this secret because a secret with "
                                      "this name is already scheduled for deletion.")
            raise ServiceError("ResourceExistsException", f"The operation failed because the "
                               f"secret {name} already exists.", status=400)
        suffix = "".join(secrets.choice(string.ascii_letters) for _ in range(6))
        now = self.clock.now()
        record = SecretRecord(
            name=name, arn=f"arn:aws:secretsmanager:{ctx.region}:{ctx.account_id}:secret:"
            f"{name}-{suffix}", description=description, kms_key_id=kms_key_id,
            tags=tags or [], created=now, changed=now)
        out: dict[str, Any] = {"ARN": record.arn, "Name": name}
        if secret_string is not None or secret_binary is not None:
            version = self._add_version(record, client_request_token, secret_string,
                                        secret_binary, None)
            out["VersionId"] = version.version_id
        self._save(ctx, record)
        return out

    def describe_secret(self, ctx: RequestContext, secret_id: str) -> dict[str, Any]:
        record = self._secret(ctx, secret_id, deleted_ok=True)
        out: dict[str, Any] = {
            "ARN": record.arn, "Name": record.name, "CreatedDate": record.created,
            "LastChangedDate": record.changed,
            "RotationEnabled": record.rotation_lambda is not None or bool(
                record.rotation_rules),
            "VersionIdsToStages": {v.version_id: v.stages for v in record.versions.values()},
        }
        optional = {"Description": record.description, "KmsKeyId": record.kms_key_id,
                    "DeletedDate": record.deleted, "LastAccessedDate": record.accessed,
                    "RotationLambdaARN": record.rotation_lambda,
                    "RotationRules": record.rotation_rules, "LastRotatedDate": record.rotated}
        out.update({key: value for key, value in optional.items() if value is not None})
        if record.tags:
            out["Tags"] = record.tags
        return out

    def get_secret_value(self, ctx: RequestContext, secret_id: str,
                         version_id: str | None = None,
                         version_stage: str | None = None) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        if version_id is not None:
            version = record.versions.get(version_id)
            if version is None or (version_stage and version_stage not in version.stages):
                raise not_found("Secrets Manager can't find the specified secret value for "
                                f"VersionId: {version_id}")
        else:
            stage = version_stage or CURRENT
            version = record.staged(stage)
            if version is None:
                raise not_found("Secrets Manager can't find the specified secret value for "
                                f"staging label: {stage}")
        record.accessed = float(int(self.clock.now() // DAY) * DAY)
        out: dict[str, Any] = {"ARN": record.arn, "Name": record.name,
                               "VersionId": version.version_id,
                               "VersionStages": version.stages, "CreatedDate": version.created}
        if version.string is not None:
            out["SecretString"] = version.string
        if version.binary is not None:
            out["SecretBinary"] = version.binary
        return out

    def put_secret_value(self, ctx: RequestContext, secret_id: str,
                         client_request_token: str | None = None,
                         secret_binary: bytes | None = None, secret_string: str | None = None,
                         version_stages: list[str] | None = None,
                         **_: Any) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        if secret_string is None and secret_binary is None:
            raise invalid_request("You must provide either SecretString or SecretBinary.")
        version = self._add_version(record, client_request_token, secret_string,
                                    secret_binary, version_stages)
        self._save(ctx, record)
        return {"ARN": record.arn, "Name": record.name, "VersionId": version.version_id,
                "VersionStages": version.stages}

    def update_secret(self, ctx: RequestContext, secret_id: str,
                      client_request_token: str | None = None, description: str | None = None,
                      kms_key_id: str | None = None, secret_binary: bytes | None = None,
                      secret_string: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        record.assign(description=description, kms_key_id=kms_key_id)
        out: dict[str, Any] = {"ARN": record.arn, "Name": record.name}
        if secret_string is not None or secret_binary is not None:
            version = self._add_version(record, client_request_token, secret_string,
                                        secret_binary, None)
            out["VersionId"] = version.version_id
        record.changed = self.clock.now()
        self._save(ctx, record)
        return out

    def delete_secret(self, ctx: RequestContext, secret_id: str,
                      recovery_window_in_days: int | None = None,
                      force_delete_without_recovery: bool | None = None) -> dict[str, Any]:
        record = self._secret(ctx, secret_id, deleted_ok=True)
        if recovery_window_in_days is not None and force_delete_without_recovery:
            raise invalid_parameter("You can't use ForceDeleteWithoutRecovery in conjunction "
                                    "with RecoveryWindowInDays.")
        days = recovery_window_in_days if recovery_window_in_days is not None else 30
        if not force_delete_without_recovery and not 7 <= days <= 30:
            raise invalid_parameter("The RecoveryWindowInDays value must be between 7 and 30 "
                                    "days (inclusive).")
        now = self.clock.now()
        if force_delete_without_recovery:
            self.secrets(ctx.account_id, ctx.region).delete(record.name)
            return {"ARN": record.arn, "Name": record.name, "DeletionDate": now}
        if record.deleted is None:
            record.deleted = now + days * DAY
            self._save(ctx, record)
        return {"ARN": record.arn, "Name": record.name, "DeletionDate": record.deleted}

    def restore_secret(self, ctx: RequestContext, secret_id: str) -> dict[str, Any]:
        record = self._secret(ctx, secret_id, deleted_ok=True)
        record.deleted = None
        self._save(ctx, record)
        return {"ARN": record.arn, "Name": record.name}

    def list_secrets(self, ctx: RequestContext, include_planned_deletion: bool | None = None,
                     max_results: int | None = None, next_token: str | None = None,
                     filters: list[dict[str, Any]] | None = None,
                     sort_order: str | None = None, **_: Any) -> dict[str, Any]:
        chosen = []
        for record in self.secrets(ctx.account_id, ctx.region).values():
            if record.deleted is not None and not include_planned_deletion:
                continue
            if not all(_matches(record, f) for f in filters or []):
                continue
            entry = self.describe_secret(ctx, record.arn)
            entry["SecretVersionsToStages"] = entry.pop("VersionIdsToStages")
            chosen.append(entry)
        if sort_order == "desc":
            chosen.reverse()
        start = int(next_token) if next_token and next_token.isdigit() else 0
        size = max_results or PAGE
        out: dict[str, Any] = {"SecretList": chosen[start:start + size]}
        if start + size < len(chosen):
            out["NextToken"] = str(start + size)
        return out

    def list_secret_version_ids(self, ctx: RequestContext, secret_id: str,
                                **_: Any) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        versions = [{"VersionId": v.version_id, "VersionStages": v.stages,
                     "CreatedDate": v.created} for v in record.versions.values()]
        return {"Versions": versions, "ARN": record.arn, "Name": record.name}

    def update_secret_version_stage(self, ctx: RequestContext, secret_id: str,
                                    version_stage: str, remove_from_version_id: str | None = None,
                                    move_to_version_id: str | None = None) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        holder = record.staged(version_stage)
        if holder is not None and holder.version_id != remove_from_version_id and (
                move_to_version_id is not None):
            raise invalid_parameter(f"The staging label {version_stage} is currently attached "
                                    f"to version {holder.version_id}, so you must explicitly "
                                    "reference that version in RemoveFromVersionId.")
        if remove_from_version_id is not None:
            source = record.versions.get(remove_from_version_id)
            if source is None or version_stage not in source.stages:
                raise invalid_parameter(f"The staging label {version_stage} is not attached "
                                        f"to version {remove_from_version_id}.")
            _unstage(record, source, version_stage)
        if move_to_version_id is not None:
            target = record.versions.get(move_to_version_id)
            if target is None:
                raise not_found("Secrets Manager can't find the specified secret value for "
                                f"VersionId: {move_to_version_id}")
            target.stages.append(version_stage)
        record.changed = self.clock.now()
        self._save(ctx, record)
        return {"ARN": record.arn, "Name": record.name}

    def rotate_secret(self, ctx: RequestContext, secret_id: str,
                      client_request_token: str | None = None,
                      rotation_lambda_arn: str | None = None,
                      rotation_rules: dict[str, Any] | None = None,
                      rotate_immediately: bool | None = None, **_: Any) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        record.assign(rotation_lambda=rotation_lambda_arn, rotation_rules=rotation_rules)
        if record.rotation_lambda is None and not record.rotation_rules:
            raise invalid_request("No Lambda rotation function ARN is associated with this "
                                  "secret.")
        record.rotated = self.clock.now()
        self._save(ctx, record)
        current = record.staged(CURRENT)
        return {"ARN": record.arn, "Name": record.name,
                "VersionId": client_request_token or (current.version_id if current else "")}

    def cancel_rotate_secret(self, ctx: RequestContext, secret_id: str) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        record.rotation_lambda, record.rotation_rules = None, None
        self._save(ctx, record)
        return {"ARN": record.arn, "Name": record.name}

    def tag_resource(self, ctx: RequestContext, secret_id: str,
                     tags: list[dict[str, str]]) -> dict[str, Any]:
        _check_tags(tags)
        record = self._secret(ctx, secret_id)
        record.tags = tagging.tagged(record.tags, tags)
        self._save(ctx, record)
        return {}

    def untag_resource(self, ctx: RequestContext, secret_id: str,
                       tag_keys: list[str]) -> dict[str, Any]:
        record = self._secret(ctx, secret_id)
        record.tags = tagging.untagged(record.tags, tag_keys)
        self._save(ctx, record)
        return {}

    def get_random_password(self, ctx: RequestContext, password_length: int | None = None,
                            exclude_characters: str | None = None,
                            exclude_numbers: bool | None = None,
                            exclude_punctuation: bool | None = None,
                            exclude_uppercase: bool | None = None,
                            exclude_lowercase: bool | None = None,
                            include_space: bool | None = None,
                            require_each_included_type: bool | None = None) -> dict[str, Any]:
        groups = [group for group, excluded in (
            (string.ascii_lowercase, exclude_lowercase), (string.ascii_uppercase,
                                                          exclude_uppercase),
            (string.digits, exclude_numbers), (PUNCTUATION, exclude_punctuation),
            (" ", not include_space)) if not excluded]
        groups = [("".join(c for c in group if c not in (exclude_characters or "")))
                  for group in groups]
        groups = [group for group in groups if group]
        length = password_length or 32
        if not groups:
            raise invalid_parameter("The password cannot be generated with no characters.")
        alphabet = "".join(groups)
        while True:
            password = "".join(secrets.choice(alphabet) for _ in range(length))
            if require_each_included_type is False or length < len(groups) or all(
                    any(c in group for c in password) for group in groups):
                return {"RandomPassword": password}


def _matches(record: SecretRecord, query: dict[str, Any]) -> bool:
    key, values = query.get("Key"), [str(v) for v in query.get("Values", [])]
    if key == "name":
        return any(record.name.startswith(v) for v in values)
    if key == "description":
        return any((record.description or "").startswith(v) for v in values)
    if key == "tag-key":
        return any(tag["Key"].startswith(v) for tag in record.tags for v in values)
    if key == "tag-value":
        return any(tag.get("Value", "").startswith(v) for tag in record.tags for v in values)
    return True


__all__ = ["SecretsManagerProvider"]
