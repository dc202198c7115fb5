"""A bucket's static website configuration: PutBucketWebsite, GetBucketWebsite and
DeleteBucketWebsite (what ``aws s3 website`` writes). The configuration is stored and read
back as given; a configuration either redirects every request or names an index document.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.s3.buckets import BucketsApi
from emulator.services.s3.errors import invalid_argument, missing_configuration

_PARTS = ("ErrorDocument", "IndexDocument", "RedirectAllRequestsTo", "RoutingRules")


def _checked(configuration: dict[str, Any]) -> dict[str, Any]:
    stored = {part: configuration[part] for part in _PARTS if configuration.get(part)}
    if "RedirectAllRequestsTo" in stored:
        if len(stored) > 1:
            raise invalid_argument("RedirectAllRequestsTo cannot be provided in conjunction "
                                   "with other Routing/Redirect configurations.")
        return stored
    suffix = (stored.get("IndexDocument") or {}).get("Suffix") or ""
    if not suffix:
        raise invalid_argument("A value for IndexDocument Suffix must be provided if "
                               "RedirectAllRequestsTo is empty")
    if "/" in suffix:
        raise invalid_argument("The IndexDocument Suffix is not well formed",
                               "IndexDocument", suffix)
    return stored


class WebsiteApi(BucketsApi):
    def put_bucket_website(self, ctx: RequestContext, *, bucket: str,
                           website_configuration: dict[str, Any],
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketWebsite")
        record.website = _checked(website_configuration)
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_website(self, ctx: RequestContext, *, bucket: str,
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketWebsite")
        if not record.website:
            raise missing_configuration("NoSuchWebsiteConfiguration",
                                        "The specified bucket does not have a website "
                                        "configuration", bucket)
        return dict(record.website)

    def delete_bucket_website(self, ctx: RequestContext, *, bucket: str,
                              **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "website", "s3:DeleteBucketWebsite")


__all__ = ["WebsiteApi"]
