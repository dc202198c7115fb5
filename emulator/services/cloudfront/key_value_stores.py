"""Key value stores as the CloudFront API sees them: Create, Describe, Update (the comment),
Delete and List, with ETags and If-Match. Their keys are read and written through the
cloudfront-keyvaluestore API (services/cloudfront_keyvaluestore/) and by CloudFront Functions
(``cf.kvs()``).

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteKeyValueStore.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-create-s3-kvp.html
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import CloudFrontBase, max_items_of, moment
from emulator.services.cloudfront.models import KeyValueStoreRecord

NAME = re.compile(r"[a-zA-Z0-9\-_]{1,64}")  # the model's pattern for Name
STORES_PER_ACCOUNT = 50  # the quota on key value stores per account
# An import file's limits (kvs-with-functions-create-s3-kvp.html).
MAX_KEY, MAX_VALUE, MAX_IMPORT_BYTES = 512, 1024, 5 * 1024 * 1024


def _missing() -> ServiceError:
    return ServiceError("EntityNotFound", "The key value store entity was not found.",
                        status=404)


class KeyValueStoresApi(CloudFrontBase):
    def _store(self, ctx: RequestContext, name: str) -> KeyValueStoreRecord:
        return self.found(self.key_value_stores(ctx).get(name), _missing())

    @staticmethod
    def _shape(record: KeyValueStoreRecord) -> dict[str, Any]:
        return {"Name": record.name, "Id": record.id, "Comment": record.comment,
                "ARN": record.arn, "Status": "READY",
                "LastModifiedTime": moment(record.last_modified)}

    def create_key_value_store(self, ctx: RequestContext, *, name: str,
                               comment: str | None = None,
                               import_source: dict[str, Any] | None = None, **_: Any
                               ) -> dict[str, Any]:
        if NAME.fullmatch(name) is None:
            raise ServiceError("InvalidArgument",
                               "The key value store name must be 1 to 64 letters, digits, "
                               "hyphens or underscores.")
        table = self.key_value_stores(ctx)
        if name in table:
            raise ServiceError("EntityAlreadyExists",
                               "The key value store entity already exists. You must provide "
                               "a unique key value store name.", status=409)
        if len(table) >= STORES_PER_ACCOUNT:
            raise ServiceError("EntityLimitExceeded",
                               "The key value store entity limit has been exceeded.")
        items = self._imported(import_source) if import_source else {}
        now = self.clock.now()
        store_id = str(uuid.uuid4())
        record = KeyValueStoreRecord(
            name=name, id=store_id, arn=names.key_value_store_arn(ctx.account_id, store_id),
            comment=comment or "", etag=names.etag(), data_etag=names.upper_id("KV", 14),
            created=now, last_modified=now, data_modified=now, items=items)
        table.put(name, record)
        return {"KeyValueStore": self._shape(record), "ETag": record.etag,
                "Location": "https://cloudfront.amazonaws.com/2020-05-31/key-value-store/"
                            f"{record.id}"}

    def _imported(self, source: dict[str, Any]) -> dict[str, str]:
        """The keys of an import source: an S3 object (``arn:aws:s3:::bucket/key``) holding
        ``{"data": [{"key": ..., "value": ...}]}`` within AWS's limits."""
        arn = str(source.get("SourceARN") or "")
        bucket, _, key = arn.removeprefix("arn:aws:s3:::").partition("/")
        if source.get("SourceType") != "S3" or not arn.startswith("arn:aws:s3:::") or not key:
            raise ServiceError("InvalidArgument",
                               "The import source must be an S3 object ARN.")
        try:
            body = self.ports.objects.open(bucket, key).read()
        except ServiceError as error:
            raise ServiceError("InvalidArgument",
                               f"The import source {arn} could not be read: {error.message}"
                               ) from None
        if len(body) > MAX_IMPORT_BYTES:
            raise ServiceError("EntitySizeLimitExceeded",
                               "The import source is larger than 5 MB.")
        items: dict[str, str] = {}
        try:
            pairs = json.loads(body)["data"]
            for pair in pairs:
                name, value = str(pair["key"]), str(pair["value"])
                if name in items or len(name) > MAX_KEY or len(value) > MAX_VALUE:
                    raise ValueError(name)
                items[name] = value
        except (ValueError, KeyError, TypeError):
            raise ServiceError(
                "InvalidArgument",
                "The import source is not valid: it must be UTF-8 JSON "
                '{"data": [{"key": ..., "value": ...}]} without duplicate keys, with keys of '
                f"{MAX_KEY} characters and values of {MAX_VALUE} at most.") from None
        return items

    def describe_key_value_store(self, ctx: RequestContext, *, name: str, **_: Any
                                 ) -> dict[str, Any]:
        record = self._store(ctx, name)
        return {"KeyValueStore": self._shape(record), "ETag": record.etag}

    def update_key_value_store(self, ctx: RequestContext, *, name: str, comment: str,
                               if_match: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._store(ctx, name)
        self.check_if_match(if_match, record.etag)
        record.comment = comment
        record.etag = names.etag()
        record.last_modified = self.clock.now()
        self.key_value_stores(ctx).put(name, record)
        return {"KeyValueStore": self._shape(record), "ETag": record.etag}

    def delete_key_value_store(self, ctx: RequestContext, *, name: str,
                               if_match: str | None = None, **_: Any) -> None:
        record = self._store(ctx, name)
        self.check_if_match(if_match, record.etag)
        for function in self.functions(ctx).values():
            stages = [function.development, *([function.live] if function.live else [])]
            if any(record.arn in stage.key_value_stores for stage in stages):
                raise ServiceError("CannotDeleteEntityWhileInUse",
                                   "Cannot delete the key value store because it is "
                                   "associated with one or more functions.", status=409)
        self.key_value_stores(ctx).delete(name)

    def list_key_value_stores(self, ctx: RequestContext, *, marker: str | None = None,
                              max_items: str | None = None, status: str | None = None,
                              **_: Any) -> dict[str, Any]:
        size = max_items_of(max_items)
        records = sorted(self.key_value_stores(ctx).values(), key=lambda r: r.name)
        if status and status != "READY":
            records = []
        if marker:
            records = [r for r in records if r.name > marker]
        chosen = records[:size]
        listing: dict[str, Any] = {"MaxItems": size, "Quantity": len(chosen)}
        if chosen:
            listing["Items"] = [self._shape(r) for r in chosen]
        if len(records) > size:
            listing["NextMarker"] = chosen[-1].name
        return {"KeyValueStoreList": listing}


__all__ = ["KeyValueStoresApi"]
