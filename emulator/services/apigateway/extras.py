"""What is stored but not yet enforced (API keys, usage plans, authorizers), custom domain
names with base path mappings, tags and the account settings."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import (
    AccountRecord,
    ApiKeyRecord,
    DomainNameRecord,
    UsagePlanRecord,
    child_key,
)

API_KEY_PATHS = {"/name": patch.Path(), "/description": patch.Path(removable=True),
                 "/enabled": patch.Path(patch.BOOL), "/customerId": patch.Path(removable=True)}
PLAN_PATHS = {"/name": patch.Path(), "/description": patch.Path(removable=True),
              "/apiStages": patch.Path(patch.LIST),
              "/throttle/rateLimit": patch.Path(patch.FLOAT),
              "/throttle/burstLimit": patch.Path(patch.INT),
              "/quota/limit": patch.Path(patch.INT), "/quota/period": patch.Path(),
              "/quota/offset": patch.Path(patch.INT)}
AUTHORIZER_PATHS = {"/name": patch.Path(), "/type": patch.Path(),
                    "/authorizerUri": patch.Path(removable=True),
                    "/identitySource": patch.Path(removable=True),
                    "/identityValidationExpression": patch.Path(removable=True),
                    "/authorizerResultTtlInSeconds": patch.Path(patch.INT),
                    "/authorizerCredentials": patch.Path(removable=True),
                    "/providerARNs": patch.Path(patch.LIST)}
DOMAIN_PATHS = {"/certificateName": patch.Path(removable=True),
                "/certificateArn": patch.Path(removable=True),
                "/regionalCertificateArn": patch.Path(removable=True),
                "/securityPolicy": patch.Path()}
MAPPING_PATHS = {"/basePath": patch.Path(), "/restapiId": patch.Path(),
                 "/stage": patch.Path(removable=True)}
TAGGABLE = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]*::/(?P<path>.+)$")


STAGE_THROTTLE = re.compile(r"^/apiStages/(?P<stage>[^/]+:[^/]+)/throttle(?:/(?P<rest>.*))?$")


def _stage_throttle(throttles: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Apply a ``/apiStages/{apiId}:{stage}/throttle[/{path}/{method}[/{limit}]]`` operation
    to the plan's per-method throttles; False when the operation is not one."""
    path = str(operation.get("path") or "")
    match = STAGE_THROTTLE.match(path)
    if match is None:
        return False
    stage, rest, op = match["stage"], match["rest"] or "", operation.get("op")
    if stage not in throttles:
        raise bad_request(f"Invalid API stage {stage} specified for this usage plan")
    current: dict[str, Any] = dict(throttles[stage] or {})
    parts = [patch.unescape(part) for part in rest.split("/") if part]
    member = parts.pop() if parts and parts[-1] in ("rateLimit", "burstLimit") else None
    if not parts:
        if op == "remove":
            current = {}
        else:
            try:
                value = json.loads(str(operation.get("value")))
            except ValueError:
                raise bad_request(f"Invalid value for patch path '{path}'") from None
            if not isinstance(value, dict):
                raise bad_request(f"Invalid value for patch path '{path}'")
            current = value
    elif parts:
        key = "/" + "/".join(p.strip("/") for p in parts[:-1] if p.strip("/")) + "/" + parts[-1]
        if op == "remove" and member is None:
            current.pop(key, None)
        elif member is not None and op in ("add", "replace"):
            kind = patch.FLOAT if member == "rateLimit" else patch.INT
            current.setdefault(key, {})[member] = patch.convert(kind, operation.get("value"),
                                                                path)
        else:
            raise bad_request(f"Invalid patch path '{path}' specified for op '{op}'")
    else:
        raise bad_request(f"Invalid patch path '{path}' specified for op '{op}'")
    throttles[stage] = current
    return True


class ExtrasApi(ApiGatewayBase):
    # -- API keys ---------------------------------------------------------------------------

    def create_api_key(self, ctx: RequestContext, *, name: str | None = None,
                       description: str | None = None, enabled: bool | None = None,
                       generate_distinct_id: bool | None = None, value: str | None = None,
                       stage_keys: list[dict[str, str]] | None = None,
                       customer_id: str | None = None, tags: dict[str, str] | None = None,
                       **_: Any) -> dict[str, Any]:
        if value is not None and len(value) < 20:
            raise bad_request("API Key value should be at least 20 characters")
        now = int(self.clock.now())
        key = without_none({
            "id": ids.short_id(), "value": value or ids.short_id(40), "name": name,
            "customerId": customer_id, "description": description, "enabled": bool(enabled),
            "createdDate": now, "lastUpdatedDate": now, "tags": tags or None,
            "stageKeys": [f"{k.get('restApiId')}/{k.get('stageName')}"
                          for k in stage_keys or []]})
        self.api_keys(ctx).put(key["id"], ApiKeyRecord(key=key))
        return key

    def _api_key(self, ctx: RequestContext, key_id: str) -> ApiKeyRecord:
        record = self.api_keys(ctx).get(key_id)
        if record is None:
            raise self.not_found("Invalid API Key identifier specified")
        return record

    @staticmethod
    def _key_view(key: dict[str, Any], include_value: bool | None) -> dict[str, Any]:
        return key if include_value else {k: v for k, v in key.items() if k != "value"}

    def get_api_key(self, ctx: RequestContext, *, api_key: str,
                    include_value: bool | None = None, **_: Any) -> dict[str, Any]:
        return self._key_view(self._api_key(ctx, api_key).key, include_value)

    def get_api_keys(self, ctx: RequestContext, *, position: str | None = None,
                     limit: int | None = None, name_query: str | None = None,
                     customer_id: str | None = None, include_values: bool | None = None,
                     **_: Any) -> dict[str, Any]:
        keys = [self._key_view(r.key, include_values) for r in self.api_keys(ctx).values()
                if (not name_query or str(r.key.get("name", "")).startswith(name_query))
                and (not customer_id or r.key.get("customerId") == customer_id)]
        return self.page(keys, position, limit)

    def update_api_key(self, ctx: RequestContext, *, api_key: str,
                       patch_operations: list[dict[str, Any]] | None = None, **_: Any
                       ) -> dict[str, Any]:
        record = self._api_key(ctx, api_key)
        patch.apply(record.key, patch_operations, API_KEY_PATHS)
        record.key["lastUpdatedDate"] = int(self.clock.now())
        self.api_keys(ctx).put(api_key, record)
        return self._key_view(record.key, False)

    def delete_api_key(self, ctx: RequestContext, *, api_key: str, **_: Any) -> None:
        self._api_key(ctx, api_key)
        self.api_keys(ctx).delete(api_key)

    # -- usage plans ------------------------------------------------------------------------

    def create_usage_plan(self, ctx: RequestContext, *, name: str,
                          description: str | None = None,
                          api_stages: list[dict[str, Any]] | None = None,
                          throttle: dict[str, Any] | None = None,
                          quota: dict[str, Any] | None = None,
                          tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        for stage in api_stages or []:
            if child_key(str(stage.get("apiId")), str(stage.get("stage"))) \
                    not in self.stages(ctx):
                raise bad_request("Invalid stage identifier specified")
        plan = without_none({"id": ids.short_id(6), "name": name, "description": description,
                             "apiStages": api_stages or [], "throttle": throttle,
                             "quota": quota, "tags": tags or None})
        self.usage_plans(ctx).put(plan["id"], UsagePlanRecord(plan=plan))
        return plan

    def _plan(self, ctx: RequestContext, plan_id: str) -> UsagePlanRecord:
        record = self.usage_plans(ctx).get(plan_id)
        if record is None:
            raise self.not_found("Invalid Usage Plan ID specified")
        return record

    def get_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str, **_: Any
                       ) -> dict[str, Any]:
        return self._plan(ctx, usage_plan_id).plan

    def get_usage_plans(self, ctx: RequestContext, *, position: str | None = None,
                        limit: int | None = None, key_id: str | None = None, **_: Any
                        ) -> dict[str, Any]:
        plans = [r.plan for r in self.usage_plans(ctx).values()
                 if key_id is None or key_id in r.keys]
        return self.page(plans, position, limit)

    def update_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str,
                          patch_operations: list[dict[str, Any]] | None = None, **_: Any
                          ) -> dict[str, Any]:
        record = self._plan(ctx, usage_plan_id)
        plan = self.copy(record.plan)
        throttles = {f"{s['apiId']}:{s['stage']}": s.get("throttle")
                     for s in plan.get("apiStages", [])}
        operations = []
        for operation in patch_operations or []:
            if not _stage_throttle(throttles, operation):
                operations.append(operation)
        plan["apiStages"] = list(throttles)
        patch.apply(plan, operations, PLAN_PATHS)
        plan["apiStages"] = [without_none({
            **dict(zip(("apiId", "stage"), item.split(":", 1), strict=False)),
            "throttle": throttles.get(item) or None}) for item in plan.get("apiStages", [])]
        record.plan = plan
        self.usage_plans(ctx).put(usage_plan_id, record)
        return plan

    def delete_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str, **_: Any) -> None:
        self._plan(ctx, usage_plan_id)
        self.usage_plans(ctx).delete(usage_plan_id)

    def create_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                              key_type: str, **_: Any) -> dict[str, Any]:
        record = self._plan(ctx, usage_plan_id)
        key = self._api_key(ctx, key_id).key
        if key_id in record.keys:
            raise self.conflict("Usage Plan already contains specified API key")
        entry = without_none({"id": key_id, "type": key_type, "value": key["value"],
                              "name": key.get("name")})
        record.keys[key_id] = entry
        self.usage_plans(ctx).put(usage_plan_id, record)
        return entry

    def get_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                           **_: Any) -> dict[str, Any]:
        entry = self._plan(ctx, usage_plan_id).keys.get(key_id)
        if entry is None:
            raise self.not_found("Invalid Usage Plan Key identifier specified")
        return entry

    def get_usage_plan_keys(self, ctx: RequestContext, *, usage_plan_id: str,
                            position: str | None = None, limit: int | None = None,
                            **_: Any) -> dict[str, Any]:
        return self.page(list(self._plan(ctx, usage_plan_id).keys.values()), position, limit)

    def delete_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                              **_: Any) -> None:
        record = self._plan(ctx, usage_plan_id)
        self.get_usage_plan_key(ctx, usage_plan_id=usage_plan_id, key_id=key_id)
        record.keys.pop(key_id)
        self.usage_plans(ctx).put(usage_plan_id, record)

    # -- authorizers ------------------------------------------------------------------------

    def create_authorizer(self, ctx: RequestContext, *, rest_api_id: str, name: str,
                          type: str, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        if type not in ("TOKEN", "REQUEST", "COGNITO_USER_POOLS"):
            raise bad_request(f"Invalid authorizer type specified: {type}")
        authorizer = without_none({
            "id": ids.short_id(6), "name": name, "type": type,
            "providerARNs": fields.get("provider_arns"),
            "authType": fields.get("auth_type"),
            "authorizerUri": fields.get("authorizer_uri"),
            "authorizerCredentials": fields.get("authorizer_credentials"),
            "identitySource": fields.get("identity_source"),
            "identityValidationExpression": fields.get("identity_validation_expression"),
            "authorizerResultTtlInSeconds": fields.get("authorizer_result_ttl_in_seconds", 300),
        })
        record.authorizers[authorizer["id"]] = authorizer
        self.save_api(ctx, record)
        return authorizer

    def get_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                       **_: Any) -> dict[str, Any]:
        found = self.api_record(ctx, rest_api_id).authorizers.get(authorizer_id)
        if found is None:
            raise self.not_found("Invalid Authorizer identifier specified")
        return found

    def get_authorizers(self, ctx: RequestContext, *, rest_api_id: str,
                        position: str | None = None, limit: int | None = None, **_: Any
                        ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self.page(list(record.authorizers.values()), position, limit)

    def update_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                          patch_operations: list[dict[str, Any]] | None = None, **_: Any
                          ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        authorizer = self.copy(self.get_authorizer(ctx, rest_api_id=rest_api_id,
                                                   authorizer_id=authorizer_id))
        patch.apply(authorizer, patch_operations, AUTHORIZER_PATHS)
        record.authorizers[authorizer_id] = authorizer
        self.save_api(ctx, record)
        return authorizer

    def delete_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                          **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self.get_authorizer(ctx, rest_api_id=rest_api_id, authorizer_id=authorizer_id)
        record.authorizers.pop(authorizer_id)
        self.save_api(ctx, record)

    # -- custom domain names ----------------------------------------------------------------

    def create_domain_name(self, ctx: RequestContext, *, domain_name: str, **fields: Any
                           ) -> dict[str, Any]:
        if domain_name in self.domains(ctx):
            raise self.conflict("The domain name you provided already exists.")
        config = fields.get("endpoint_configuration") or {"types": ["EDGE"]}
        domain = without_none({
            "domainName": domain_name,
            "certificateName": fields.get("certificate_name"),
            "certificateArn": fields.get("certificate_arn"),
            "regionalCertificateArn": fields.get("regional_certificate_arn"),
            "certificateUploadDate": int(self.clock.now()),
            "distributionDomainName": f"{ids.short_id(14)}.cloudfront.net",
            "regionalDomainName": f"d-{ids.short_id(10)}.execute-api.{ctx.region}.amazonaws.com",
            "endpointConfiguration": config, "domainNameStatus": "AVAILABLE",
            "securityPolicy": fields.get("security_policy") or "TLS_1_2",
            "tags": fields.get("tags") or None,
        })
        self.domains(ctx).put(domain_name, DomainNameRecord(domain=domain))
        return domain

    def _domain(self, ctx: RequestContext, name: str) -> DomainNameRecord:
        record = self.domains(ctx).get(name)
        if record is None:
            raise self.not_found("Invalid domain name identifier specified")
        return record

    def get_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any
                        ) -> dict[str, Any]:
        return self._domain(ctx, domain_name).domain

    def get_domain_names(self, ctx: RequestContext, *, position: str | None = None,
                         limit: int | None = None, **_: Any) -> dict[str, Any]:
        return self.page([r.domain for r in self.domains(ctx).values()], position, limit)

    def update_domain_name(self, ctx: RequestContext, *, domain_name: str,
                           patch_operations: list[dict[str, Any]] | None = None, **_: Any
                           ) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        patch.apply(record.domain, patch_operations, DOMAIN_PATHS)
        self.domains(ctx).put(domain_name, record)
        return record.domain

    def delete_domain_name(self, ctx: RequestContext, *, domain_name: str, **_: Any) -> None:
        self._domain(ctx, domain_name)
        self.domains(ctx).delete(domain_name)

    def create_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 rest_api_id: str, base_path: str | None = None,
                                 stage: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
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
        mapping = record.mappings.get(base_path or "(none)")
        if mapping is None:
            raise self.not_found("Invalid base path mapping identifier specified")
        return mapping

    def get_base_path_mapping(self, ctx: RequestContext, *, domain_name: str, base_path: str,
                              **_: Any) -> dict[str, Any]:
        return self._mapping(self._domain(ctx, domain_name), base_path)

    def get_base_path_mappings(self, ctx: RequestContext, *, domain_name: str,
                               position: str | None = None, limit: int | None = None,
                               **_: Any) -> dict[str, Any]:
        return self.page(list(self._domain(ctx, domain_name).mappings.values()), position, limit)

    def update_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 base_path: str,
                                 patch_operations: list[dict[str, Any]] | None = None,
                                 **_: Any) -> dict[str, Any]:
        record = self._domain(ctx, domain_name)
        mapping = self.copy(self._mapping(record, base_path))
        patch.apply(mapping, patch_operations, MAPPING_PATHS)
        record.mappings.pop(base_path or "(none)")
        record.mappings[mapping.get("basePath") or "(none)"] = mapping
        self.domains(ctx).put(domain_name, record)
        return mapping

    def delete_base_path_mapping(self, ctx: RequestContext, *, domain_name: str,
                                 base_path: str, **_: Any) -> None:
        record = self._domain(ctx, domain_name)
        self._mapping(record, base_path)
        record.mappings.pop(base_path or "(none)")
        self.domains(ctx).put(domain_name, record)

    # -- tags -------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, arn: str) -> tuple[dict[str, Any], Any]:
        """The tagged document and a function that stores it again."""
        match = TAGGABLE.match(arn)
        parts = match["path"].split("/") if match else []
        if len(parts) == 2 and parts[0] == "restapis":
            api = self.api_record(ctx, parts[1])
            return api.api, lambda: self.save_api(ctx, api)
        if len(parts) == 4 and parts[0] == "restapis" and parts[2] == "stages":
            stage = self.stages(ctx).get(child_key(parts[1], parts[3]))
            if stage is not None:
                return stage.stage, lambda: self.stages(ctx).put(
                    child_key(parts[1], parts[3]), stage)
        if len(parts) == 2 and parts[0] == "apikeys":
            key = self._api_key(ctx, parts[1])
            return key.key, lambda: self.api_keys(ctx).put(parts[1], key)
        if len(parts) == 2 and parts[0] == "usageplans":
            plan = self._plan(ctx, parts[1])
            return plan.plan, lambda: self.usage_plans(ctx).put(parts[1], plan)
        if len(parts) == 2 and parts[0] == "domainnames":
            domain = self._domain(ctx, parts[1])
            return domain.domain, lambda: self.domains(ctx).put(parts[1], domain)
        raise self.not_found("Invalid resource identifier specified")

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str],
                     **_: Any) -> None:
        doc, store = self._tagged(ctx, resource_arn)
        doc["tags"] = {**doc.get("tags", {}), **tags}
        store()

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> None:
        doc, store = self._tagged(ctx, resource_arn)
        doc["tags"] = {k: v for k, v in doc.get("tags", {}).items() if k not in tag_keys}
        store()

    def get_tags(self, ctx: RequestContext, *, resource_arn: str, **_: Any) -> dict[str, Any]:
        doc, _store = self._tagged(ctx, resource_arn)
        return {"tags": doc.get("tags", {})}

    # -- account ----------------------------------------------------------------------------

    def account_doc(self, ctx: RequestContext) -> dict[str, Any]:
        record = self.account_table(ctx).get("account")
        return record.account if record else {
            "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
            "features": ["UsagePlans"], "apiKeyVersion": "4"}

    def get_account(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return self.account_doc(ctx)

    def update_account(self, ctx: RequestContext, *,
                       patch_operations: list[dict[str, Any]] | None = None, **_: Any
                       ) -> dict[str, Any]:
        doc = self.copy(self.account_doc(ctx))
        patch.apply(doc, patch_operations, {"/cloudwatchRoleArn": patch.Path(removable=True),
                                            "/features": patch.Path(patch.LIST)})
        self.account_table(ctx).put("account", AccountRecord(account=doc))
        return doc


__all__ = ["ExtrasApi"]
