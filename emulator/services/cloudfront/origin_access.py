"""Origin access controls (OAC) and the older origin access identities (OAI): Create, Get,
GetConfig, Update, Delete (refused while a distribution's origin names one) and List, with
ETags and If-Match.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCloudFrontOriginAccessIdentity.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import CloudFrontBase, items_of, marker_listing
from emulator.services.cloudfront.models import OriginAccessRecord

OAC, OAI = "control", "identity"
LOCATION = "https://cloudfront.amazonaws.com/2020-05-31/"
# The code and message a delete answers while a distribution's origin still names the record.
IN_USE = {OAC: ("OriginAccessControlInUse",
                "The CloudFront origin access control is still being used."),
          OAI: ("CloudFrontOriginAccessIdentityInUse",
                "The CloudFront origin access identity is still being used.")}


def _no_control() -> ServiceError:
    return ServiceError("NoSuchOriginAccessControl",
                        "The specified origin access control does not exist.")


def _no_identity() -> ServiceError:
    return ServiceError("NoSuchCloudFrontOriginAccessIdentity",
                        "The specified origin access identity does not exist.")


class OriginAccessApi(CloudFrontBase):
    def _access(self, ctx: RequestContext, kind: str, access_id: str) -> OriginAccessRecord:
        record = self.origin_access(ctx).get(access_id)
        if record is None or record.kind != kind:
            raise _no_control() if kind == OAC else _no_identity()
        return record

    def _in_use(self, ctx: RequestContext, record: OriginAccessRecord) -> bool:
        wanted = f"origin-access-identity/cloudfront/{record.id}"
        for distribution in self.distributions(ctx).values():
            for origin in items_of(distribution.config, "Origins"):
                if record.kind == OAC and origin.get("OriginAccessControlId") == record.id:
                    return True
                identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity")
                if record.kind == OAI and identity == wanted:
                    return True
        return False

    def _listing(self, ctx: RequestContext, kind: str, marker: str | None,
                 max_items: str | None, shape: Callable[[OriginAccessRecord], Any]
                 ) -> dict[str, Any]:
        records = sorted((r for r in self.origin_access(ctx).values() if r.kind == kind),
                         key=lambda r: (r.created, r.id))
        return marker_listing(records, marker, max_items, lambda r: r.id, shape)

    def _name_taken(self, ctx: RequestContext, name: str, own_id: str | None = None) -> None:
        if any(r.kind == OAC and r.config.get("Name") == name and r.id != own_id
               for r in self.origin_access(ctx).values()):
            raise ServiceError("OriginAccessControlAlreadyExists",
                               "An origin access control with the same name already exists.")

    def _delete(self, ctx: RequestContext, kind: str, access_id: str,
                if_match: str | None) -> None:
        """Delete a control or an identity, refused while a distribution's origin names it."""
        record = self._access(ctx, kind, access_id)
        self.check_if_match(if_match, record.etag)
        if self._in_use(ctx, record):
            raise ServiceError(*IN_USE[kind])
        self.origin_access(ctx).delete(access_id)

    def _put(self, ctx: RequestContext, record: OriginAccessRecord) -> OriginAccessRecord:
        record.etag = names.etag()
        self.origin_access(ctx).put(record.id, record)
        return record

    # -- origin access controls ----------------------------------------------------------

    @staticmethod
    def _control(record: OriginAccessRecord) -> dict[str, Any]:
        return {"Id": record.id, "OriginAccessControlConfig": record.config}

    def create_origin_access_control(self, ctx: RequestContext, *,
                                     origin_access_control_config: dict[str, Any], **_: Any
                                     ) -> dict[str, Any]:
        self._name_taken(ctx, origin_access_control_config.get("Name", ""))
        record = self._put(ctx, OriginAccessRecord(
            id=names.upper_id("E", 14), kind=OAC, config=origin_access_control_config,
            etag="", created=self.clock.now()))
        return {"OriginAccessControl": self._control(record), "ETag": record.etag,
                "Location": f"{LOCATION}origin-access-control/{record.id}"}

    def get_origin_access_control(self, ctx: RequestContext, *, id: str, **_: Any
                                  ) -> dict[str, Any]:
        record = self._access(ctx, OAC, id)
        return {"OriginAccessControl": self._control(record), "ETag": record.etag}

    def get_origin_access_control_config(self, ctx: RequestContext, *, id: str, **_: Any
                                         ) -> dict[str, Any]:
        record = self._access(ctx, OAC, id)
        return {"OriginAccessControlConfig": record.config, "ETag": record.etag}

    def update_origin_access_control(self, ctx: RequestContext, *, id: str,
                                     origin_access_control_config: dict[str, Any],
                                     if_match: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._access(ctx, OAC, id)
        self.check_if_match(if_match, record.etag)
        self._name_taken(ctx, origin_access_control_config.get("Name", ""), own_id=id)
        record.config = origin_access_control_config
        self._put(ctx, record)
        return {"OriginAccessControl": self._control(record), "ETag": record.etag}

    def delete_origin_access_control(self, ctx: RequestContext, *, id: str,
                                     if_match: str | None = None, **_: Any) -> None:
        self._delete(ctx, OAC, id, if_match)

    def list_origin_access_controls(self, ctx: RequestContext, *, marker: str | None = None,
                                    max_items: str | None = None, **_: Any) -> dict[str, Any]:
        return {"OriginAccessControlList": self._listing(
            ctx, OAC, marker, max_items, lambda r: {"Id": r.id, **{
                key: r.config.get(key, "") for key in (
                    "Description", "Name", "SigningProtocol", "SigningBehavior",
                    "OriginAccessControlOriginType")}})}

    # -- origin access identities --------------------------------------------------------

    @staticmethod
    def _identity(record: OriginAccessRecord) -> dict[str, Any]:
        return {"Id": record.id, "S3CanonicalUserId": record.canonical_user,
                "CloudFrontOriginAccessIdentityConfig": record.config}

    def create_cloud_front_origin_access_identity(
            self, ctx: RequestContext, *,
            cloud_front_origin_access_identity_config: dict[str, Any], **_: Any
    ) -> dict[str, Any]:
        config = cloud_front_origin_access_identity_config
        for record in self.origin_access(ctx).values():
            if record.kind == OAI and record.config.get("CallerReference") == config.get(
                    "CallerReference"):
                if record.config == config:  # the same request again: the same identity
                    return {"CloudFrontOriginAccessIdentity": self._identity(record),
                            "ETag": record.etag, "Location": self._identity_location(record)}
                raise ServiceError(
                    "CloudFrontOriginAccessIdentityAlreadyExists",
                    "If the CallerReference is a value you already sent in a previous "
                    "request to create an identity but the content of the "
                    "CloudFrontOriginAccessIdentityConfig is different from the original "
                    "request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists "
                    "error.")
        record = self._put(ctx, OriginAccessRecord(
            id=names.upper_id("E", 14), kind=OAI, config=config, etag="",
            created=self.clock.now(), canonical_user=secrets.token_hex(48)))
        return {"CloudFrontOriginAccessIdentity": self._identity(record), "ETag": record.etag,
                "Location": self._identity_location(record)}

    @staticmethod
    def _identity_location(record: OriginAccessRecord) -> str:
        return f"{LOCATION}origin-access-identity/cloudfront/{record.id}"

    def get_cloud_front_origin_access_identity(self, ctx: RequestContext, *, id: str,
                                               **_: Any) -> dict[str, Any]:
        record = self._access(ctx, OAI, id)
        return {"CloudFrontOriginAccessIdentity": self._identity(record), "ETag": record.etag}

    def get_cloud_front_origin_access_identity_config(self, ctx: RequestContext, *, id: str,
                                                      **_: Any) -> dict[str, Any]:
        record = self._access(ctx, OAI, id)
        return {"CloudFrontOriginAccessIdentityConfig": record.config, "ETag": record.etag}

    def update_cloud_front_origin_access_identity(
            self, ctx: RequestContext, *, id: str,
            cloud_front_origin_access_identity_config: dict[str, Any],
            if_match: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._access(ctx, OAI, id)
        self.check_if_match(if_match, record.etag)
        config = cloud_front_origin_access_identity_config
        if config.get("CallerReference") != record.config.get("CallerReference"):
            raise ServiceError("IllegalUpdate",
                               "The CallerReference of an origin access identity cannot be "
                               "changed.")
        record.config = config
        self._put(ctx, record)
        return {"CloudFrontOriginAccessIdentity": self._identity(record), "ETag": record.etag}

    def delete_cloud_front_origin_access_identity(self, ctx: RequestContext, *, id: str,
                                                  if_match: str | None = None, **_: Any
                                                  ) -> None:
        self._delete(ctx, OAI, id, if_match)

    def list_cloud_front_origin_access_identities(
            self, ctx: RequestContext, *, marker: str | None = None,
            max_items: str | None = None, **_: Any) -> dict[str, Any]:
        return {"CloudFrontOriginAccessIdentityList": self._listing(
            ctx, OAI, marker, max_items, lambda r: {
                "Id": r.id, "S3CanonicalUserId": r.canonical_user,
                "Comment": r.config.get("Comment", "")})}


__all__ = ["OriginAccessApi"]
