"""The ``web-acls`` port: the data plane asks it for the verdict on each request to a
resource a web ACL protects. No HTTP: a WebRequest in, a Verdict (or None) out."""

from __future__ import annotations

from emulator.services.wafv2.inspection import InspectionApi
from emulator.waf.request import Verdict, WebRequest


class WebAclsPort:
    def __init__(self, inspection: InspectionApi) -> None:
        self._inspection = inspection

    def protects(self, account: str, region: str, resource_arn: str) -> bool:
        return self._inspection.associations(account, region).get(resource_arn) is not None

    def inspect(self, account: str, region: str, resource_arn: str, request: WebRequest
                ) -> Verdict | None:
        return self._inspection.inspect(account, region, resource_arn, request)


__all__ = ["WebAclsPort"]
