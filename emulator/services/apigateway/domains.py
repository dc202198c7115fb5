"""Custom domain names and their base path mappings."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import DomainNameRecord, child_key

DOMAIN_PATHS = {"/certificateName": patch.Path(removable=True),
                "/certificateArn": patch.Path(removable=True),
                "/regionalCertificateArn": patch.Path(removable=True),
                "/securityPolicy": patch.Path()}
# Route 53's alias targets: CloudFront's zone, and API Gateway's regional zone (us-east-1's).
CLOUDFRONT_HOSTED_ZONE = "Z2FDTNDATAQYW2"
REGIONAL_HOSTED_ZONE = "Z1UJRXOUMOOFQ8"
MAPPING_PATHS = {"/basePath": patch.Path(), "/restapiId": patch.Path(),
                 "/stage": patch.Path(removable=True)}


class DomainsApi(ApiGatewayBase):
    def create_domain_name(self, ctx: RequestContext, *, domain_name: str, **fields: Any
                           ) -> dict[str, Any]:
        if domain_name in self.domains(ctx):
            raise self.conflict("The domain name you provided already exists.")
        config = fields.get("endpoint_configuration") or {"types": ["EDGE"]}
        types = config.get("types") or ["EDGE"]
        config = {**config, "types": types}
        # An edge-optimized name is served by a CloudFront distribution, a regional one by
        # the region's API Gateway: each answers the alias target of its own kind.
        edge, regional = "EDGE" in types, "REGIONAL" in types
        domain = without_none({
            "domainName": domain_name,
            "certificateName": fields.get("certificate_name"),
            "certificateArn": fields.get("certificate_arn"),
            "regionalCertificateArn": fields.get("regional_certificate_arn"),
            "certificateUploadDate": int(self.clock.now()),
            "distributionDomainName": f"d{ids.short_id(13).lower()}.cloudfront.net"
            if edge else None,
            "distributionHostedZoneId": CLOUDFRONT_HOSTED_ZONE if edge else None,
            "regionalDomainName": f"d-{ids.short_id(10).lower()}.execute-api.{ctx.region}"
                                  ".amazonaws.com" if regional else None,
            "regionalHostedZoneId": REGIONAL_HOSTED_ZONE if regional else None,
            "endpointConfiguration": config, "domainNameStatus": "AVAILABLE",
            "securityPolicy": fields.get("security_policy") or "TLS_1_2",
            "tags": fields.get("tags") or None,
        })
        self.domains(ctx).put(domain_name, DomainNameRecord(domain=domain))
        return domain

    def get_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any
                        ) -> dict[str, Any]:
        return self.domain_record(ctx, domain_name).domain

    def get_domain_names(self, ctx: RequestContext, *, position: str | None = None,
                         limit: int | None = None, **_: Any) -> dict[str, Any]:
        return self.page([r.domain for r in self.domains(ctx).values()], position, limit)

    def update_domain_name(self, ctx: RequestContext, *, domain_name: str,
                           patch_operations: list[dict[str, Any]] | None = None, **_: Any
                           ) -> dict[str, Any]:
        record = self.domain_record(ctx, domain_name)
        patch.apply(record.domain, patch_operations, DOMAIN_PATHS)
        self.domains(ctx).put(domain_name, record)
        return record.domain

    def delete_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any) -> None:
        self.domain_record(ctx, domain_name)
        self.domains(ctx).delete(domain_name)

    def create_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 rest_api_id: str, base_path: str | None = None,
                                 stage: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.domain_record(ctx, domain_name)
        self.api_record(ctx, rest_api_id)
        key = base_path or "(none)"
        if key in record.mappings:
            raise self.conflict("Base path already exists for this domain name")
        if stage is not None and child_key(rest_api_id, stage) not in self.stages(ctx):
            raise bad_request("Invalid stage identifier specified")
        mapping = without_none({"basePath": key, "restApiId": rest_api_id, "stage": stage})
        record.mappings[key] = mapping
        self.domains(ctx).put(domain_name, record)
        return mapping

    def _mapping(self, record: DomainNameRecord, base_path: str) -> dict[str, Any]:
        return self.found(record.mappings.get(base_path or "(none)"),
                          "Invalid base path mapping identifier specified")

    def get_base_path_mapping(self, ctx: RequestContext, *, domain_name: str, base_path: str,
                              **_: Any) -> dict[str, Any]:
        return self._mapping(self.domain_record(ctx, domain_name), base_path)

    def get_base_path_mappings(self, ctx: RequestContext, *, domain_name: str,
                               position: str | None = None, limit: int | None = None,
                               **_: Any) -> dict[str, Any]:
        mappings = self.domain_record(ctx, domain_name).mappings
        return self.page(list(mappings.values()), position, limit)

    def update_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 base_path: str,
                                 patch_operations: list[dict[str, Any]] | None = None,
                                 **_: Any) -> dict[str, Any]:
        record = self.domain_record(ctx, domain_name)
        mapping = self.copy(self._mapping(record, base_path))
        patch.apply(mapping, patch_operations, MAPPING_PATHS)
        record.mappings.pop(base_path or "(none)")
        record.mappings[mapping.get("basePath") or "(none)"] = mapping
        self.domains(ctx).put(domain_name, record)
        return mapping

    def delete_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 base_path: str, **_: Any) -> None:
        record = self.domain_record(ctx, domain_name)
        self._mapping(record, base_path)
        record.mappings.pop(base_path or "(none)")
        self.domains(ctx).put(domain_name, record)


__all__ = ["DomainsApi"]
