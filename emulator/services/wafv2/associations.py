"""Which resources a web ACL protects: AssociateWebACL, DisassociateWebACL,
GetWebACLForResource and ListResourcesForWebACL.

REST API stages (``arn:aws:apigateway:{region}::/restapis/{id}/stages/{stage}``) are checked
and enforced by the data plane. HTTP APIs cannot be protected by AWS WAF, and their stages are
refused as AWS refuses them. The other kinds AWS WAF protects (load balancers, AppSync,
Cognito user pools, App Runner, Verified Access, Amplify) are accepted and listed, not
enforced.

https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
"""

from __future__ import annotations

import re
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.wafv2.common import Wafv2Base, invalid_parameter, nonexistent
from emulator.services.wafv2.models import AssociationRecord

BAD_ARN = ("The ARN isn't valid. A valid ARN begins with arn: and includes other information "
           "separated by colons or slashes.")
REST_STAGE = re.compile(r"^/restapis/([^/]+)/stages/([^/]+)$")
# The service of each other kind of resource AWS WAF protects, by its ResourceType.
RESOURCE_TYPES = {"elasticloadbalancing": "APPLICATION_LOAD_BALANCER", "appsync": "APPSYNC",
                  "cognito-idp": "COGNITO_USER_POOL", "apprunner": "APP_RUNNER_SERVICE",
                  "ec2": "VERIFIED_ACCESS_INSTANCE", "amplify": "AMPLIFY"}


def type_of(resource_arn: str) -> str | None:
    """The ResourceType of a resource AWS WAF can protect, or None for any other ARN."""
    parsed = arns.parse_or_none(resource_arn)
    if parsed is None:
        return None
    if parsed.service == "apigateway":
        return "API_GATEWAY" if REST_STAGE.match(parsed.resource) else None
    return RESOURCE_TYPES.get(parsed.service)


class AssociationsApi(Wafv2Base):
    def _resource(self, ctx: RequestContext, resource_arn: str) -> str:
        kind = type_of(resource_arn)
        if kind is None:
            raise invalid_parameter("RESOURCE_ARN", resource_arn, BAD_ARN)
        return kind

    async def _check_stage(self, ctx: RequestContext, resource_arn: str) -> None:
        parsed = arns.parse(resource_arn)
        found = REST_STAGE.match(parsed.resource)
        assert found is not None
        scope = RequestContext.internal(ctx.account_id, parsed.region or ctx.region)
        try:
            await self.ports.operations.call(scope, "apigateway", "GetStage", {
                "restApiId": found.group(1), "stageName": found.group(2)})
        except ServiceError as error:
            if error.code in ("NotFoundException", "BadRequestException"):
                raise nonexistent() from None
            raise

    async def associate_web_acl(self, ctx: RequestContext, *, web_acl_arn: str,
                                resource_arn: str, **_: Any) -> dict[str, Any]:
        kind = self._resource(ctx, resource_arn)
        web_acl = self.entities(ctx).get(web_acl_arn)
        if web_acl is None or web_acl.kind != "webacl":
            raise nonexistent()
        if web_acl.scope != "REGIONAL":
            raise invalid_parameter("RESOURCE_ARN", resource_arn, BAD_ARN)
        if kind == "API_GATEWAY":
            await self._check_stage(ctx, resource_arn)
        self.associations(ctx).put(resource_arn, AssociationRecord(
            resource_arn=resource_arn, web_acl_arn=web_acl_arn))
        self.changed()
        return {}

    def disassociate_web_acl(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                             ) -> dict[str, Any]:
        self._resource(ctx, resource_arn)
        self.associations(ctx).delete(resource_arn)
        self.changed()
        return {}

    def get_web_acl_for_resource(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                                 ) -> dict[str, Any]:
        self._resource(ctx, resource_arn)
        found = self.associations(ctx).get(resource_arn)
        web_acl = self.entities(ctx).get(found.web_acl_arn) if found else None
        return {"WebACL": self.shape(web_acl)} if web_acl is not None else {}

    def list_resources_for_web_acl(self, ctx: RequestContext, *, web_acl_arn: str,
                                   resource_type: str | None = None, **_: Any
                                   ) -> dict[str, Any]:
        web_acl = self.entities(ctx).get(web_acl_arn)
        if web_acl is None or web_acl.kind != "webacl":
            raise nonexistent()
        # AWS lists load balancers when no type is named.
        wanted = resource_type or "APPLICATION_LOAD_BALANCER"
        return {"ResourceArns": sorted(
            item.resource_arn for item in self.associations(ctx).values()
            if item.web_acl_arn == web_acl_arn and
            type_of(item.resource_arn) == wanted)}


__all__ = ["AssociationsApi", "type_of"]
