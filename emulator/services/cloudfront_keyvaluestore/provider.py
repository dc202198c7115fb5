"""CloudFront KeyValueStore (the ``cloudfront-keyvaluestore`` API): describe a store and get,
put, delete, list and batch-update its keys, each write checked against the store's ETag
(If-Match) and AWS's limits. The stores themselves belong to CloudFront (Create/Delete through
the ``cloudfront`` API); their keys are reached through its ``key-value-stores`` port, and
CloudFront Functions read them with ``cf.kvs()``.

boto3 signs these calls with SigV4A (``pip install botocore[crt]``) and sends them to
``{account}.{endpoint host}``: ``http://123456789012.localhost:4566`` for an endpoint URL of
``http://localhost:4566``.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Operations_Amazon_CloudFront_KeyValueStore.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-create-s3-kvp.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import KeyValueStoreData, KeyValueStores
from emulator.services import paging
from emulator.services.base import Provider

MAX_KEY = 512  # characters
MAX_VALUE = 1024  # characters
MAX_STORE_BYTES = 5 * 1024 * 1024


def _conflict() -> ServiceError:
    return ServiceError("ConflictException",
                        "The If-Match version does not match the key value store's current "
                        "ETag. Describe the store for its current ETag and try again.")


def _counts(data: KeyValueStoreData) -> dict[str, Any]:
    size = sum(len(k.encode()) + len(v.encode()) for k, v in data.items.items())
    return {"ItemCount": len(data.items), "TotalSizeInBytes": size}


class CloudFrontKeyValueStoreProvider(Provider):
    service_name = "cloudfront-keyvaluestore"

    def _stores(self) -> KeyValueStores:
        return cast(KeyValueStores, self.ports.get("key-value-stores"))

    def _data(self, ctx: RequestContext, arn: str) -> KeyValueStoreData:
        found = self._stores().find(ctx.account_id, arn)
        if found is None:
            raise self.not_found(f"The key value store {arn} was not found.")
        return found

    def _write(self, ctx: RequestContext, arn: str, if_match: str | None,
               puts: list[tuple[str, str]], deletes: list[str]) -> dict[str, Any]:
        data = self._data(ctx, arn)
        if if_match != data.etag:
            raise _conflict()
        for key, value in puts:
            if len(key) > MAX_KEY:
                raise ServiceError("ValidationException",
                                   f"The key is longer than {MAX_KEY} characters.")
            if len(value) > MAX_VALUE:
                raise ServiceError("ValidationException",
                                   f"The value of key {key} is longer than {MAX_VALUE} "
                                   "characters.")
        items = dict(data.items)
        for key in deletes:
            items.pop(key, None)
        items.update(puts)
        if sum(len(k.encode()) + len(v.encode()) for k, v in items.items()) > MAX_STORE_BYTES:
            raise ServiceError("ServiceQuotaExceededException",
                               "The key value store would exceed its maximum size of 5 MB.")
        saved = self._stores().save(ctx.account_id, arn, items)
        return {**_counts(saved), "ETag": saved.etag}

    # -- the operations ----------------------------------------------------------------------

    def describe_key_value_store(self, ctx: RequestContext, *, kvs_arn: str, **_: Any
                                 ) -> dict[str, Any]:
        data = self._data(ctx, kvs_arn)
        return {**_counts(data), "KvsARN": data.arn, "ETag": data.etag, "Status": "READY",
                "Created": datetime.fromtimestamp(data.created, tz=UTC),
                "LastModified": datetime.fromtimestamp(data.modified, tz=UTC)}

    def get_key(self, ctx: RequestContext, *, kvs_arn: str, key: str, **_: Any
                ) -> dict[str, Any]:
        data = self._data(ctx, kvs_arn)
        if key not in data.items:
            raise self.not_found(f"The key {key} was not found.")
        return {"Key": key, "Value": data.items[key], **_counts(data)}

    def put_key(self, ctx: RequestContext, *, kvs_arn: str, key: str, value: str,
                if_match: str | None = None, **_: Any) -> dict[str, Any]:
        return self._write(ctx, kvs_arn, if_match, [(key, value)], [])

    def delete_key(self, ctx: RequestContext, *, kvs_arn: str, key: str,
                   if_match: str | None = None, **_: Any) -> dict[str, Any]:
        if key not in self._data(ctx, kvs_arn).items:
            raise self.not_found(f"The key {key} was not found.")
        return self._write(ctx, kvs_arn, if_match, [], [key])

    def update_keys(self, ctx: RequestContext, *, kvs_arn: str, if_match: str | None = None,
                    puts: list[dict[str, Any]] | None = None,
                    deletes: list[dict[str, Any]] | None = None, **_: Any) -> dict[str, Any]:
        return self._write(ctx, kvs_arn, if_match,
                           [(str(p["Key"]), str(p["Value"])) for p in puts or []],
                           [str(d["Key"]) for d in deletes or []])

    def list_keys(self, ctx: RequestContext, *, kvs_arn: str, next_token: str | None = None,
                  max_results: int | None = None, **_: Any) -> dict[str, Any]:
        data = self._data(ctx, kvs_arn)
        items = [{"Key": key, "Value": data.items[key]} for key in sorted(data.items)]
        return paging.answer("Items", items, next_token, max_results or 50,
                             tokens=paging.BASE64,
                             invalid=lambda _: ServiceError("ValidationException",
                                                            "The NextToken is not valid."))


__all__ = ["CloudFrontKeyValueStoreProvider"]
