"""The ``distributions`` port: what the viewer endpoint reads of this service (deployed
distributions by viewer address, policies, published functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.edge.deployed import Deployed, FunctionCode
from emulator.ports import KeyValueStoreData
from emulator.services.cloudfront import names

if TYPE_CHECKING:
    from emulator.services.cloudfront.common import CloudFrontBase


class DistributionsPort:
    def __init__(self, provider: CloudFrontBase) -> None:
        self._provider = provider
        self._index: dict[str, tuple[str, str]] = {}  # viewer label -> (account, id)

    def _located(self, label: str) -> tuple[str, str] | None:
        found = self._index.get(label)
        if found is not None:
            return found
        self._index.clear()
        for account, _, record in self._provider.distributions.everywhere():
            self._index[record.id.lower()] = (account, record.id)
            self._index[record.domain_name.split(".", 1)[0]] = (account, record.id)
        return self._index.get(label)

    def find(self, label: str) -> Deployed | None:
        located = self._located(label.lower())
        if located is None:
            return None
        account, distribution_id = located
        record = self._provider.distributions(account).get(
            distribution_id)
        if record is None:
            self._index.pop(label.lower(), None)
            return None
        return Deployed(record.id, account, record.domain_name, record.etag, record.config)

    def cache_policy(self, account: str, policy_id: str) -> dict[str, Any] | None:
        return self._provider.policy_config(account, "cache", policy_id)

    def origin_request_policy(self, account: str, policy_id: str) -> dict[str, Any] | None:
        return self._provider.policy_config(account, "origin-request", policy_id)

    def response_headers_policy(self, account: str, policy_id: str) -> dict[str, Any] | None:
        return self._provider.policy_config(account, "response-headers", policy_id)

    def origin_access_control(self, account: str, control_id: str
                              ) -> dict[str, Any] | None:
        record = self._provider.origin_access(account).get(control_id)
        return record.config if record is not None and record.kind == "control" else None

    def function_code(self, account: str, arn: str) -> FunctionCode | None:
        name = arn.rsplit("function/", 1)[-1]
        record = self._provider.functions(account).get(name)
        if record is None or record.arn != arn or record.live is None:
            return None
        return FunctionCode(record.live.runtime, record.live.code,
                            self._provider.function_store(account, record.live.key_value_stores))


class KeyValueStoresPort:
    """The ``key-value-stores`` port: stores' keys by ARN, for cloudfront-keyvaluestore."""

    def __init__(self, provider: CloudFrontBase) -> None:
        self._provider = provider

    def find(self, account: str, arn: str) -> KeyValueStoreData | None:
        record = self._provider.key_value_store_by_arn(account, arn)
        if record is None:
            return None
        return KeyValueStoreData(record.arn, dict(record.items), record.data_etag,
                                 record.created, record.data_modified)

    def save(self, account: str, arn: str, items: dict[str, str]) -> KeyValueStoreData:
        record = self._provider.key_value_store_by_arn(account, arn)
        if record is None:
            raise LookupError(arn)
        record.items = dict(items)
        record.data_etag = names.upper_id("KV", 14)
        record.data_modified = self._provider.clock.now()
        self._provider.key_value_stores(account).put(record.name, record)
        return KeyValueStoreData(record.arn, dict(record.items), record.data_etag,
                                 record.created, record.data_modified)


__all__ = ["DistributionsPort", "KeyValueStoresPort"]
