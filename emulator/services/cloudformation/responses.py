"""Where custom resources answer: an S3 bucket of the emulator's own (as AWS keeps one per
region), presigned PUT URLs into it, and the answers read back on the clock.

The bucket keeps versions, so a provider that answers twice (the CDK's Provider framework
answers after a handler that already answered with cfn-response) is held to its first
answer, the one CloudFormation acts on, however close together the two arrive.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from emulator.clock import Clock
from emulator.cloudformation.ports import ServiceFailure
from emulator.ports import Ports
from emulator.services.cloudformation.calls import ProviderCall

# The account that owns the response buckets, apart from every user's account.
RESPONSES_ACCOUNT = "999999999999"
URL_SECONDS = 7200
POLL_SECONDS = 0.05


@cache
def _presigner(endpoint_url: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                        aws_access_key_id=RESPONSES_ACCOUNT, aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"},
                                      signature_version="s3v4"))


class S3Responses:
    """The CustomResponses of one region."""

    def __init__(self, ports: Ports, clock: Clock, region: str, endpoint_url: str,
                 waiting: list[int]) -> None:
        self.clock = clock
        self.waiting = waiting  # a shared count of the answers being waited for
        self.region = region
        self.endpoint_url = endpoint_url
        self.call = ProviderCall(ports, RESPONSES_ACCOUNT, region, endpoint_url)
        self.bucket = f"cloudformation-custom-resource-response-{region.replace('-', '')}"
        self.versioned = False

    async def _first_answer(self, key: str) -> bytes | None:
        """The body first PUT at ``key`` (None before any), every copy of it removed."""
        listed = await self.call("s3", "ListObjectVersions", {"Bucket": self.bucket,
                                                              "Prefix": key})
        versions = [version for version in listed.get("Versions", [])
                    if version["Key"] == key]
        if not versions:
            return None
        # S3 lists a key's versions newest first.
        answer = await self.call("s3", "GetObject", {"Bucket": self.bucket, "Key": key,
                                                     "VersionId": versions[-1]["VersionId"]})
        body = answer["Body"]
        data: bytes = body.read() if hasattr(body, "read") else body
        for version in [*versions, *listed.get("DeleteMarkers", [])]:
            if version["Key"] == key:
                await self.call("s3", "DeleteObject", {"Bucket": self.bucket, "Key": key,
                                                       "VersionId": version["VersionId"]})
        return data

    async def url(self, key: str) -> str:
        try:
            params: dict[str, Any] = {"Bucket": self.bucket}
            if self.region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            await self.call("s3", "CreateBucket", params)
        except ServiceFailure as failure:
            if failure.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        if not self.versioned:
            await self.call("s3", "PutBucketVersioning", {
                "Bucket": self.bucket, "VersioningConfiguration": {"Status": "Enabled"}})
            self.versioned = True
        url: str = _presigner(self.endpoint_url, self.region).generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=URL_SECONDS)
        return url

    async def wait(self, key: str, timeout: float) -> dict[str, Any] | None:
        deadline = self.clock.now() + timeout
        while True:
            data = await self._first_answer(key)
            if data is not None:
                document = json.loads(data)
                if not isinstance(document, dict):
                    raise ValueError("the answer is not a JSON object")
                return document
            if self.clock.now() >= deadline:
                return None
            self.waiting[0] += 1
            try:
                await self.clock.sleep_until(min(deadline, self.clock.now() + POLL_SECONDS))
            finally:
                self.waiting[0] -= 1


__all__ = ["RESPONSES_ACCOUNT", "S3Responses"]
