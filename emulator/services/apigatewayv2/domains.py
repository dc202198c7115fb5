"""Custom domain names and their API mappings (a key such as ``orders`` or ``orders/v1``, or
none, naming which API and stage a path under the domain reaches)."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, without_none
from emulator.services.apigatewayv2.models import DomainNameRecord, child_key

MAPPING_KEY = re.compile(r"^(?:[A-Za-z0-9._~\-$]+(?:/[A-Za-z0-9._~\-$]+)*)?$")


class DomainsApi(HttpApiBase):
    def _configurations(self, ctx: RequestContext, given: list[dict[str, Any]] | None
                        ) -> list[dict[str, Any]]:
        configurations = []
        for item in given or [{}]:
            configurations.append(without_none({
                "ApiGatewayDomainName": f"d-{ids.short_id(10)}.execute-api.{ctx.region}"
                                        ".amazonaws.com",
                "CertificateArn": item.get("CertificateArn"),
                "CertificateName": item.get("CertificateName"),
                "DomainNameStatus": "AVAILABLE",
                "EndpointType": item.get("EndpointType") or "REGIONAL",
                "HostedZoneId": "Z1UJRXOUMOOFQ8",
                "IpAddressType": item.get("IpAddressType") or "ipv4",
                "SecurityPolicy": item.get("SecurityPolicy") or "TLS_1_2",
            }))
        return configurations

    def create_domain_name(self, ctx: RequestContext, *, domain_name: str,
                           domain_name_configurations: list[dict[str, Any]] | None = None,
                           tags: dict[str, str] | None = None, **fields: Any
                           ) -> dict[str, Any]:
        key = domain_name.lower()
        if key in self.domains(ctx):
            raise self.conflict(f"The domain name you provided already exists: {domain_name}")
        doc = without_none({
            "ApiMappingSelectionExpression": "$request.basepath", "DomainName": domain_name,
            "DomainNameArn": f"arn:aws:apigateway:{ctx.region}::/domainnames/{domain_name}",
            "DomainNameConfigurations": self._configurations(ctx, domain_name_configurations),
            "MutualTlsAuthentication": fields.get("mutual_tls_authentication"),
            "RoutingMode": fields.get("routing_mode") or "API_MAPPING_ONLY",
            "Tags": dict(tags or {}),
        })
        self.domains(ctx).put(key, DomainNameRecord(domain=doc))
        return self.copy(doc)

    def _domain(self, ctx: RequestContext, domain_name: str) -> DomainNameRecord:
        return self.found(self.domains(ctx).get(domain_name.lower()),
                          f"Invalid domain name identifier specified {domain_name}",
                          ResourceType="DomainName")

    def get_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any
                        ) -> dict[str, Any]:
        return self.copy(self._domain(ctx, domain_name).domain)

    def get_domain_names(self, ctx: RequestContext, *, max_results: str | None = None,
                         next_token: str | None = None, **_: Any) -> dict[str, Any]:
        items = [self.copy(d.domain) for d in self.domains(ctx).values()]
        return self.page(items, next_token, max_results)

    def update_domain_name(self, ctx: RequestContext, *, domain_name: str,
                           domain_name_configurations: list[dict[str, Any]] | None = None,
                           **fields: Any) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        if domain_name_configurations is not None:
            record.domain["DomainNameConfigurations"] = self._configurations(
                ctx, domain_name_configurations)
        if fields.get("routing_mode"):
            record.domain["RoutingMode"] = fields["routing_mode"]
        self.domains(ctx).put(domain_name.lower(), record)
        return self.copy(record.domain)

    def delete_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any) -> None:
        self._domain(ctx, domain_name)
        self.domains(ctx).delete(domain_name.lower())

    # -- API mappings -----------------------------------------------------------------------

    def _check_mapping(self, ctx: RequestContext, record: DomainNameRecord,
                       mapping: dict[str, Any], mapping_id: str) -> None:
        key = str(mapping.get("ApiMappingKey") or "")
        if not MAPPING_KEY.match(key):
            raise bad_request(f"Invalid API mapping key {key}")
        for other_id, other in record.mappings.items():
            if other_id != mapping_id and (other.get("ApiMappingKey") or "") == key:
                raise self.conflict(f"An API mapping already exists for key '{key}' on this "
                               "domain name")
        self.api_record(ctx, mapping["ApiId"])
        if child_key(mapping["ApiId"], mapping["Stage"]) not in self.stages(ctx):
            raise bad_request(f"Invalid stage identifier specified {mapping['Stage']}")

    def create_api_mapping(self, ctx: RequestContext, *, domain_name: str, api_id: str,
                           stage: str, api_mapping_key: str | None = None, **_: Any
                           ) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        mapping_id = ids.short_id(6)
        mapping = {"ApiId": api_id, "ApiMappingId": mapping_id,
                   "ApiMappingKey": api_mapping_key or "", "Stage": stage}
        self._check_mapping(ctx, record, mapping, mapping_id)
        record.mappings[mapping_id] = mapping
        self.domains(ctx).put(domain_name.lower(), record)
        return self.copy(mapping)

    def _mapping(self, record: DomainNameRecord, mapping_id: str) -> dict[str, Any]:
        return self.found(record.mappings.get(mapping_id),
                          f"Invalid API mapping identifier specified {mapping_id}",
                          ResourceType="ApiMapping")

    def get_api_mapping(self, ctx: RequestContext, *, domain_name: str, api_mapping_id: str,
                        **_: Any) -> dict[str, Any]:
        return self.copy(self._mapping(self._domain(ctx, domain_name), api_mapping_id))

    def get_api_mappings(self, ctx: RequestContext, *, domain_name: str,
                         max_results: str | None = None, next_token: str | None = None,
                         **_: Any) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        return self.page([self.copy(m) for m in record.mappings.values()], next_token, max_results)

    def update_api_mapping(self, ctx: RequestContext, *, domain_name: str,
                           api_mapping_id: str, api_id: str,
                           api_mapping_key: str | None = None, stage: str | None = None,
                           **_: Any) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        mapping = dict(self._mapping(record, api_mapping_id))
        mapping["ApiId"] = api_id
        if api_mapping_key is not None:
            mapping["ApiMappingKey"] = api_mapping_key
        if stage is not None:
            mapping["Stage"] = stage
        self._check_mapping(ctx, record, mapping, api_mapping_id)
        record.mappings[api_mapping_id] = mapping
        self.domains(ctx).put(domain_name.lower(), record)
        return self.copy(mapping)

    def delete_api_mapping(self, ctx: RequestContext, *, domain_name: str,
                           api_mapping_id: str, **_: Any) -> None:
        record = self._domain(ctx, domain_name)
        self._mapping(record, api_mapping_id)
        del record.mappings[api_mapping_id]
        self.domains(ctx).put(domain_name.lower(), record)


__all__ = ["DomainsApi"]
