"""AWS::KinesisFirehose::DeliveryStream (Ref: the name; GetAtt Arn)."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_list

_PASSED = ("DeliveryStreamType", "DeliveryStreamEncryptionConfigurationInput")
_DESTINATIONS = ("ExtendedS3DestinationConfiguration", "S3DestinationConfiguration")


def _destination(config: dict[str, Any]) -> dict[str, Any]:
    """A destination as the API takes it (a template's numbers may be strings)."""
    out = dict(config)
    hints = out.get("BufferingHints")
    if hints:
        out["BufferingHints"] = {key: int(value) for key, value in hints.items()}
    return out


@register
class DeliveryStream(ResourceType):
    type_name = "AWS::KinesisFirehose::DeliveryStream"
    service = "firehose"
    tagging = Tagging("firehose", "TagDeliveryStream", "UntagDeliveryStream",
                      "DeliveryStreamName")
    delete_operation, identity = "DeleteDeliveryStream", {"DeliveryStreamName": "@id"}
    name_property = "DeliveryStreamName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("DeliveryStreamName") or ctx.physical_name(64)
        params: dict[str, Any] = {"DeliveryStreamName": name}
        params.update({key: properties[key] for key in _PASSED if properties.get(key)})
        params.update({key: _destination(properties[key]) for key in _DESTINATIONS
                       if properties.get(key)})
        tags = tag_list(ctx, properties)
        if tags:
            params["Tags"] = tags
        answer = await ctx.call("firehose", "CreateDeliveryStream", params)
        return Created(name, {"Arn": answer["DeliveryStreamARN"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        """A changed S3 destination is merged in with UpdateDestination."""
        config = next((properties[key] for key in _DESTINATIONS if properties.get(key)), None)
        before = next((previous[key] for key in _DESTINATIONS if previous.get(key)), None)
        if config is not None and config != before:
            described = await ctx.call("firehose", "DescribeDeliveryStream",
                                       {"DeliveryStreamName": physical_id})
            description = described["DeliveryStreamDescription"]
            await ctx.call("firehose", "UpdateDestination", {
                "DeliveryStreamName": physical_id,
                "CurrentDeliveryStreamVersionId": description["VersionId"],
                "DestinationId": description["Destinations"][0]["DestinationId"],
                "ExtendedS3DestinationUpdate": _destination(config)})
        return attributes


__all__ = ["DeliveryStream"]
