"""AWS Key Management Service for symmetric keys: keys and aliases, key states, policies,
tags, rotation settings, and working Encrypt, Decrypt, ReEncrypt and GenerateDataKey with a
local AES-256-GCM key per KMS key (the encryption context is bound as associated data)."""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from emulator import inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import tagging
from emulator.services.base import Provider, TableOf
from emulator.services.kms.models import ALIASES, KEYS, AliasRecord, KeyRecord

MAX_PLAINTEXT = 4096
DAY = 86400.0
_MAGIC = b"LCK1"  # ciphertext blob: magic, key id (36 bytes), nonce (12), AES-GCM output
_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def _policy(account: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*",
        "Resource": "*"}]}, indent=2)


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFoundException", message, status=400)


def _context_bytes(context: dict[str, str] | None) -> bytes:
    return json.dumps(context or {}, sort_keys=True, separators=(",", ":")).encode()


class KmsProvider(Provider):
    service_name = "kms"

    keys = TableOf(KEYS, KeyRecord)
    aliases = TableOf(ALIASES, AliasRecord)

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [{"id": key.key_id, "state": key.state}
                         for _, _, key in self.keys.everywhere()]}

    # -- finding keys

    def _key(self, ctx: RequestContext, key_id: str) -> KeyRecord:
        """A key by id, ARN, alias name or alias ARN."""
        keys = self.keys(ctx.account_id, ctx.region)
        wanted = key_id
        if ":alias/" in key_id or key_id.startswith("alias/"):
            name = key_id[key_id.index("alias/"):]
            alias = self.aliases(ctx.account_id, ctx.region).get(name)
            if alias is None:
                arn = (key_id if key_id.startswith("arn:") else
                       f"arn:aws:kms:{ctx.region}:{ctx.account_id}:{key_id}")
                raise not_found(f"Alias {arn} is not found.")
            wanted = alias.target
        elif key_id.startswith("arn:"):
            wanted = key_id.rsplit("/", 1)[-1]
        key = keys.get(wanted)
        if key is None:
            arn = key_id if key_id.startswith("arn:") else (
                f"arn:aws:kms:{ctx.region}:{ctx.account_id}:key/{key_id}")
            raise not_found(f"Key '{arn}' does not exist")
        if key.state == "PendingDeletion" and key.deletion is not None and (
                key.deletion <= self.clock.now()):
            keys.delete(key.key_id)
            raise not_found(f"Key '{key.arn}' does not exist")
        return key

    def _usable(self, ctx: RequestContext, key_id: str) -> KeyRecord:
        key = self._key(ctx, key_id)
        if key.state == "Disabled":
            raise ServiceError("DisabledException", f"{key.arn} is disabled.", status=400)
        if key.state == "PendingDeletion":
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.",
                               status=400)
        return key

    def _save(self, ctx: RequestContext, key: KeyRecord) -> None:
        self.keys(ctx.account_id, ctx.region).put(key.key_id, key)

    def _metadata(self, key: KeyRecord, account: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "AWSAccountId": account, "KeyId": key.key_id, "Arn": key.arn,
            "CreationDate": key.created, "Enabled": key.state == "Enabled",
            "Description": key.description, "KeyUsage": key.usage, "KeyState": key.state,
            "Origin": "AWS_KMS", "KeyManager": key.manager, "CustomerMasterKeySpec": key.spec,
            "KeySpec": key.spec, "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False}
        if key.deletion is not None:
            out["DeletionDate"] = key.deletion
            out["PendingDeletionWindowInDays"] = key.pending_days
        return out

    # -- keys

    def create_key(self, ctx: RequestContext, policy: str | None = None,
                   description: str | None = None, key_usage: str | None = None,
                   key_spec: str | None = None, customer_master_key_spec: str | None = None,
                   tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        spec = key_spec or customer_master_key_spec or "SYMMETRIC_DEFAULT"
        if spec != "SYMMETRIC_DEFAULT" or (key_usage or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            raise ServiceError("UnsupportedOperationException", f"{spec} keys for "
                               f"{key_usage or 'ENCRYPT_DECRYPT'} are not supported by this "
                               "emulator; only symmetric encryption keys are.", status=400)
        key_id = str(uuid.uuid4())
        key = KeyRecord(
            key_id=key_id, arn=f"arn:aws:kms:{ctx.region}:{ctx.account_id}:key/{key_id}",
            material=AESGCM.generate_key(bit_length=256), description=description or "",
            policy=policy or _policy(ctx.account_id), tags=tags or [],
            created=self.clock.now())
        self._save(ctx, key)
        return {"KeyMetadata": self._metadata(key, ctx.account_id)}

    def describe_key(self, ctx: RequestContext, key_id: str, **_: Any) -> dict[str, Any]:
        return {"KeyMetadata": self._metadata(self._key(ctx, key_id), ctx.account_id)}

    def list_keys(self, ctx: RequestContext, limit: int | None = None,
                  marker: str | None = None, **_: Any) -> dict[str, Any]:
        keys = [{"KeyId": key.key_id, "KeyArn": key.arn}
                for key in self.keys(ctx.account_id, ctx.region).values()]
        return _paged(keys, "Keys", limit, marker)

    def _set_state(self, ctx: RequestContext, key_id: str, state: str) -> None:
        key = self._key(ctx, key_id)
        if key.state == "PendingDeletion":
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.",
                               status=400)
        key.state = state
        self._save(ctx, key)

    def enable_key(self, ctx: RequestContext, key_id: str) -> dict[str, Any]:
        self._set_state(ctx, key_id, "Enabled")
        return {}

    def disable_key(self, ctx: RequestContext, key_id: str) -> dict[str, Any]:
        self._set_state(ctx, key_id, "Disabled")
        return {}

    def schedule_key_deletion(self, ctx: RequestContext, key_id: str,
                              pending_window_in_days: int | None = None) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        days = pending_window_in_days or 30
        if not 7 <= days <= 30:
            raise ServiceError("ValidationException", "PendingWindowInDays must be between 7 "
                               "and 30.", status=400)
        key.state, key.pending_days = "PendingDeletion", days
        key.deletion = self.clock.now() + days * DAY
        self._save(ctx, key)
        return {"KeyId": key.arn, "DeletionDate": key.deletion, "KeyState": key.state,
                "PendingWindowInDays": days}

    def cancel_key_deletion(self, ctx: RequestContext, key_id: str) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        if key.state != "PendingDeletion":
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is not pending "
                               "deletion.", status=400)
        key.state, key.deletion, key.pending_days = "Disabled", None, None
        self._save(ctx, key)
        return {"KeyId": key.key_id}

    def update_key_description(self, ctx: RequestContext, key_id: str,
                               description: str) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        key.description = description
        self._save(ctx, key)
        return {}

    def get_key_policy(self, ctx: RequestContext, key_id: str,
                       policy_name: str | None = None) -> dict[str, Any]:
        return {"Policy": self._key(ctx, key_id).policy, "PolicyName": policy_name or "default"}

    def put_key_policy(self, ctx: RequestContext, key_id: str, policy: str,
                       policy_name: str | None = None, **_: Any) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        try:
            inbound.loads(policy)
        except ValueError:
            raise ServiceError("MalformedPolicyDocumentException", "The new key policy will "
                               "not allow you to update the key policy in the future.",
                               status=400) from None
        key.policy = policy
        self._save(ctx, key)
        return {}

    def enable_key_rotation(self, ctx: RequestContext, key_id: str,
                            rotation_period_in_days: int | None = None) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        key.rotation, key.rotation_days = True, rotation_period_in_days or 365
        self._save(ctx, key)
        return {}

    def disable_key_rotation(self, ctx: RequestContext, key_id: str) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        key.rotation = False
        self._save(ctx, key)
        return {}

    def get_key_rotation_status(self, ctx: RequestContext, key_id: str) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        return {"KeyRotationEnabled": key.rotation, "KeyId": key.arn,
                **({"RotationPeriodInDays": key.rotation_days} if key.rotation else {})}

    def tag_resource(self, ctx: RequestContext, key_id: str,
                     tags: list[dict[str, str]]) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        key.tags = tagging.tagged(key.tags, tags, "TagKey")
        self._save(ctx, key)
        return {}

    def untag_resource(self, ctx: RequestContext, key_id: str,
                       tag_keys: list[str]) -> dict[str, Any]:
        key = self._key(ctx, key_id)
        key.tags = tagging.untagged(key.tags, tag_keys, "TagKey")
        self._save(ctx, key)
        return {}

    def list_resource_tags(self, ctx: RequestContext, key_id: str, limit: int | None = None,
                           marker: str | None = None) -> dict[str, Any]:
        return _paged(list(self._key(ctx, key_id).tags), "Tags", limit, marker)

    # -- cryptography

    def _seal(self, key: KeyRecord, plaintext: bytes, context: dict[str, str] | None) -> bytes:
        nonce = os.urandom(12)
        sealed = AESGCM(key.material).encrypt(nonce, plaintext, _context_bytes(context))
        return _MAGIC + key.key_id.encode() + nonce + sealed

    def _open(self, ctx: RequestContext, blob: bytes | None, context: dict[str, str] | None,
              key_id: str | None) -> tuple[KeyRecord, bytes]:
        if blob is None:
            # Optional in the model (a Nitro enclave's request may carry it elsewhere), but
            # nothing can be decrypted without it.
            raise ServiceError("ValidationException", "1 validation error detected: Value null "
                               "at 'ciphertextBlob' failed to satisfy constraint: Member must "
                               "not be null", status=400)
        if len(blob) < 4 + 36 + 12 + 16 or not blob.startswith(_MAGIC):
            raise ServiceError("InvalidCiphertextException", "", status=400)
        owner = self._usable(ctx, blob[4:40].decode(errors="replace"))
        if key_id is not None and self._key(ctx, key_id).key_id != owner.key_id:
            raise ServiceError("IncorrectKeyException", "The key ID in the request does not "
                               "identify a KMS key that can perform this operation.",
                               status=400)
        try:
            plaintext = AESGCM(owner.material).decrypt(blob[40:52], blob[52:],
                                                       _context_bytes(context))
        except InvalidTag:
            raise ServiceError("InvalidCiphertextException", "", status=400) from None
        return owner, plaintext

    def encrypt(self, ctx: RequestContext, key_id: str, plaintext: bytes,
                encryption_context: dict[str, str] | None = None,
                **_: Any) -> dict[str, Any]:
        key = self._usable(ctx, key_id)
        if not 1 <= len(plaintext) <= MAX_PLAINTEXT:
            raise ServiceError("ValidationException", "1 validation error detected: Value at "
                               "'plaintext' failed to satisfy constraint: Member must have "
                               f"length less than or equal to {MAX_PLAINTEXT}", status=400)
        return {"CiphertextBlob": self._seal(key, plaintext, encryption_context),
                "KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def decrypt(self, ctx: RequestContext, ciphertext_blob: bytes | None = None,
                encryption_context: dict[str, str] | None = None, key_id: str | None = None,
                **_: Any) -> dict[str, Any]:
        key, plaintext = self._open(ctx, ciphertext_blob, encryption_context, key_id)
        return {"KeyId": key.arn, "Plaintext": plaintext,
                "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def re_encrypt(self, ctx: RequestContext, destination_key_id: str,
                   ciphertext_blob: bytes | None = None,
                   source_encryption_context: dict[str, str] | None = None,
                   source_key_id: str | None = None,
                   destination_encryption_context: dict[str, str] | None = None,
                   **_: Any) -> dict[str, Any]:
        source, plaintext = self._open(ctx, ciphertext_blob, source_encryption_context,
                                       source_key_id)
        target = self._usable(ctx, destination_key_id)
        return {"CiphertextBlob": self._seal(target, plaintext, destination_encryption_context),
                "SourceKeyId": source.arn, "KeyId": target.arn,
                "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def _data_key(self, ctx: RequestContext, key_id: str, key_spec: str | None,
                  number_of_bytes: int | None,
                  context: dict[str, str] | None) -> tuple[KeyRecord, bytes, bytes]:
        key = self._usable(ctx, key_id)
        if (key_spec is None) == (number_of_bytes is None):
            raise ServiceError("ValidationException", "Please specify either number of bytes "
                               "or key spec.", status=400)
        size = number_of_bytes or DATA_KEY_BYTES.get(key_spec or "", 32)
        plaintext = os.urandom(size)
        return key, plaintext, self._seal(key, plaintext, context)

    def generate_data_key(self, ctx: RequestContext, key_id: str,
                          encryption_context: dict[str, str] | None = None,
                          number_of_bytes: int | None = None, key_spec: str | None = None,
                          **_: Any) -> dict[str, Any]:
        key, plaintext, blob = self._data_key(ctx, key_id, key_spec, number_of_bytes,
                                              encryption_context)
        return {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key.arn}

    def generate_data_key_without_plaintext(
            self, ctx: RequestContext, key_id: str,
            encryption_context: dict[str, str] | None = None, key_spec: str | None = None,
            number_of_bytes: int | None = None, **_: Any) -> dict[str, Any]:
        key, _plaintext, blob = self._data_key(ctx, key_id, key_spec, number_of_bytes,
                                               encryption_context)
        return {"CiphertextBlob": blob, "KeyId": key.arn}

    def generate_random(self, ctx: RequestContext, number_of_bytes: int | None = None,
                        **_: Any) -> dict[str, Any]:
        return {"Plaintext": os.urandom(number_of_bytes or 32)}

    # -- aliases

    def create_alias(self, ctx: RequestContext, alias_name: str,
                     target_key_id: str) -> dict[str, Any]:
        if not _ALIAS.match(alias_name) or alias_name.startswith("alias/aws/"):
            raise ServiceError("ValidationException", f"Alias must start with the prefix "
                               f"\"alias/\" and not \"alias/aws/\". Please see {alias_name}",
                               status=400)
        table = self.aliases(ctx.account_id, ctx.region)
        arn = f"arn:aws:kms:{ctx.region}:{ctx.account_id}:{alias_name}"
        if alias_name in table:
            raise ServiceError("AlreadyExistsException", f"An alias with the name {arn} "
                               "already exists", status=400)
        key = self._key(ctx, target_key_id)
        now = self.clock.now()
        table.put(alias_name, AliasRecord(name=alias_name, arn=arn, target=key.key_id,
                                          created=now, updated=now))
        return {}

    def update_alias(self, ctx: RequestContext, alias_name: str,
                     target_key_id: str) -> dict[str, Any]:
        table = self.aliases(ctx.account_id, ctx.region)
        alias = table.get(alias_name)
        if alias is None:
            raise not_found(f"Alias arn:aws:kms:{ctx.region}:{ctx.account_id}:{alias_name} "
                            "is not found.")
        alias.target = self._key(ctx, target_key_id).key_id
        alias.updated = self.clock.now()
        table.put(alias_name, alias)
        return {}

    def delete_alias(self, ctx: RequestContext, alias_name: str) -> dict[str, Any]:
        if self.aliases(ctx.account_id, ctx.region).delete(alias_name) is None:
            raise not_found(f"Alias arn:aws:kms:{ctx.region}:{ctx.account_id}:{alias_name} "
                            "is not found.")
        return {}

    def list_aliases(self, ctx: RequestContext, key_id: str | None = None,
                     limit: int | None = None, marker: str | None = None) -> dict[str, Any]:
        wanted = self._key(ctx, key_id).key_id if key_id else None
        aliases = [{"AliasName": a.name, "AliasArn": a.arn, "TargetKeyId": a.target,
                    "CreationDate": a.created, "LastUpdatedDate": a.updated}
                   for a in self.aliases(ctx.account_id, ctx.region).values()
                   if wanted in (None, a.target)]
        return _paged(aliases, "Aliases", limit, marker)


def _paged(items: list[Any], member: str, limit: int | None,
           marker: str | None) -> dict[str, Any]:
    start = int(marker) if marker and marker.isdigit() else 0
    size = limit or 100
    out: dict[str, Any] = {member: items[start:start + size],
                           "Truncated": start + size < len(items)}
    if out["Truncated"]:
        out["NextMarker"] = str(start + size)
    return out


__all__ = ["KmsProvider"]
