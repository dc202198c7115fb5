"""The Cloud Control API provider: GetResource and ListResources for the resource types it has
a reader for (``readers.py``), read live from the services that hold them.

The SAM CLI's ``sam list endpoints`` asks it for each function's URL
(``GetResource`` of ``AWS::Lambda::Url`` by the function's name) and reads
``ResourceNotFoundException`` as "no URL". A resource that is not there answers with the
resource handlers' standard NotFound text ("Resource of type '<type>' with identifier '<id>'
was not found.", the CloudFormation CLI's ``NotFound`` handler error). A type the CloudFormation
registry does not know is ``TypeNotFoundException``; a known type without a reader here is
``UnsupportedActionException``. Creating, updating and deleting through Cloud Control is not
answered.

https://docs.aws.amazon.com/cloudcontrolapi/latest/APIReference/API_GetResource.html
https://docs.aws.amazon.com/cloudcontrolapi/latest/APIReference/API_ListResources.html
https://docs.aws.amazon.com/cloudcontrolapi/latest/userguide/resource-operations-read.html
"""

from __future__ import annotations

import json
from typing import Any

from emulator.cloudformation import schemas
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import Provider
from emulator.services.cloudcontrol.readers import READERS, Call, Reader

PAGE = 100  # ListResources' default page


def not_found(type_name: str, identifier: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException",
                        f"Resource of type '{type_name}' with identifier '{identifier}' was "
                        "not found.")


class CloudControlProvider(Provider):
    service_name = "cloudcontrol"

    def _reader(self, type_name: str, action: str) -> Reader:
        reader = READERS.get(type_name)
        if reader is not None:
            return reader
        if not schemas.known(type_name):
            raise ServiceError("TypeNotFoundException",
                               f"The type '{type_name}' cannot be found.")
        raise ServiceError("UnsupportedActionException",
                           f"Resource type {type_name} does not support {action} action")

    def _call(self, ctx: RequestContext) -> Call:
        internal = RequestContext.internal(ctx.account_id, ctx.region)

        async def call(service: str, operation: str, params: dict[str, Any]
                       ) -> dict[str, Any]:
            return await self.ports.operations.call(internal, service, operation, params)
        return call

    async def get_resource(self, ctx: RequestContext, *, type_name: str, identifier: str,
                           **_: Any) -> dict[str, Any]:
        found = await self._reader(type_name, "READ").read(self._call(ctx), identifier)
        if found is None:
            raise not_found(type_name, identifier)
        primary, properties = found
        return {"TypeName": type_name, "ResourceDescription": {
            "Identifier": primary, "Properties": json.dumps(properties)}}

    async def list_resources(self, ctx: RequestContext, *, type_name: str,
                             next_token: str | None = None, max_results: int | None = None,
                             **_: Any) -> dict[str, Any]:
        reader = self._reader(type_name, "LIST")
        call = self._call(ctx)
        identifiers, token = paging.page(
            sorted(await reader.identifiers(call)), next_token, max_results or PAGE,
            invalid=lambda bad: ServiceError(
                "InvalidRequestException", f"Invalid NextToken: {bad}"))
        descriptions = []
        for identifier in identifiers:
            found = await reader.read(call, identifier)
            if found is not None:
                descriptions.append({"Identifier": found[0],
                                     "Properties": json.dumps(found[1])})
        answer: dict[str, Any] = {"TypeName": type_name, "ResourceDescriptions": descriptions}
        if token:
            answer["NextToken"] = token
        return answer


__all__ = ["CloudControlProvider"]
