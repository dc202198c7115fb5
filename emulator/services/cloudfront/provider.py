"""Amazon CloudFront: distributions (with ETags, If-Match and InProgress -> Deployed on the
clock), invalidations, managed and custom cache, origin request and response headers policies,
CloudFront Functions with TestFunction, origin access controls and identities, key value stores
(their keys through the ``key-value-stores`` port), and the viewer endpoint each distribution
serves with its Lambda@Edge and CloudFront Functions (emulator/edge/)."""

from __future__ import annotations

from typing import Any

from emulator.services.cloudfront.distributions import DistributionsApi
from emulator.services.cloudfront.functions import FunctionsApi
from emulator.services.cloudfront.invalidations import InvalidationsApi
from emulator.services.cloudfront.key_value_stores import KeyValueStoresApi
from emulator.services.cloudfront.origin_access import OriginAccessApi
from emulator.services.cloudfront.policies import PoliciesApi
from emulator.services.cloudfront.port import KeyValueStoresPort


class CloudFrontProvider(DistributionsApi, InvalidationsApi, PoliciesApi, FunctionsApi,
                         KeyValueStoresApi, OriginAccessApi):
    service_name = "cloudfront"

    def port(self, name: str) -> object | None:
        if name == "key-value-stores":
            return KeyValueStoresPort(self)
        return self.edge if name == "distributions" else None

    async def stop(self) -> None:
        await self.edge.functions.worker.aclose()

    def reset(self) -> None:
        super().reset()
        self.edge.reset()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"distributions": [
            {"id": record.id, "domain_name": record.domain_name, "status": self.status(record),
             "enabled": bool(record.config.get("Enabled")), "account": account}
            for account, _, record in self.distributions.everywhere()]}


__all__ = ["CloudFrontProvider"]
