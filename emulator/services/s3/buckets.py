"""Buckets: create (with AWS's location-constraint rules), head, list, delete, location, and
the settings stored on a bucket (versioning, tags, policy, CORS, lifecycle, encryption,
ownership controls, Block Public Access, ACL).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
"""

from __future__ import annotations

import base64
import json
from typing import Any

from emulator.context import RequestContext
from emulator.services.s3 import access, lock_rules
from emulator.services.s3.common import S3Base, moment, owner, valid_bucket_name
from emulator.services.s3.errors import (
    access_denied,
    acls_not_supported,
    invalid_argument,
    invalid_bucket_name,
    malformed_xml,
    missing_configuration,
    s3_error,
)
from emulator.services.s3.models import BucketRecord

US_EAST_1 = "us-east-1"
DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
    "SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
CANNED_ACLS = {"private", "public-read", "public-read-write", "authenticated-read"}
MAX_LIST = 10000


def _location_error(constraint: str | None) -> Exception:
    if constraint is None:
        return s3_error("IllegalLocationConstraintException",
                        "The unspecified location constraint is incompatible for the region "
                        "specific endpoint this request was sent to.")
    return s3_error("IllegalLocationConstraintException",
                    f"The {constraint} location constraint is incompatible for the region "
                    "specific endpoint this request was sent to.")


class BucketsApi(S3Base):
    # -- create, head, list, delete --------------------------------------------------------

    def create_bucket(self, ctx: RequestContext, *, bucket: str,
                      create_bucket_configuration: dict[str, Any] | None = None,
                      acl: str | None = None, object_ownership: str | None = None,
                      object_lock_enabled_for_bucket: bool | None = None,
                      **_: Any) -> dict[str, Any]:
        if not ctx.signed:
            raise access_denied()  # creating a bucket takes an account
        if not valid_bucket_name(bucket):
            raise invalid_bucket_name(bucket)
        constraint = (create_bucket_configuration or {}).get("LocationConstraint")
        if ctx.region == US_EAST_1:
            if constraint == US_EAST_1:
                raise s3_error("InvalidLocationConstraint",
                               "The specified location-constraint is not valid",
                               LocationConstraint=constraint)
            region = constraint or US_EAST_1
        elif constraint != ctx.region:
            raise _location_error(constraint)
        else:
            region = ctx.region
        region = "eu-west-1" if region == "EU" else region
        existing = self.buckets().get(bucket)
        if existing is not None:
            if existing.account != ctx.account_id:
                raise s3_error("BucketAlreadyExists", "The requested bucket name is not "
                               "available. The bucket namespace is shared by all users of the "
                               "system. Please select a different name and try again.", 409,
                               BucketName=bucket)
            if existing.region == US_EAST_1 and ctx.region == US_EAST_1:
                return {"Location": f"/{bucket}"}  # AWS's legacy answer in us-east-1
            raise s3_error("BucketAlreadyOwnedByYou", "Your previous request to create the "
                           "named bucket succeeded and you already own it.", 409,
                           BucketName=bucket)
        if acl is not None and acl not in CANNED_ACLS | {"bucket-owner-full-control"}:
            raise invalid_argument("", "x-amz-acl", acl)
        ownership = object_ownership or "BucketOwnerEnforced"
        if acl not in (None, "private") and ownership == "BucketOwnerEnforced":
            raise acls_not_supported()
        record = BucketRecord(name=bucket, account=ctx.account_id, region=region,
                              created=self.clock.now(), ownership=ownership,
                              acl=acl or "private")
        if object_lock_enabled_for_bucket:  # Object Lock turns versioning on for good
            record.object_lock, record.versioning = {"ObjectLockEnabled": "Enabled"}, "Enabled"
        self.buckets().put(bucket, record)
        location = f"/{bucket}" if region == US_EAST_1 else (
            f"{ctx.endpoint_url}/{bucket}/")
        return {"Location": location}

    def head_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListBucket")
        return {"BucketRegion": record.region, "AccessPointAlias": False}

    def list_buckets(self, ctx: RequestContext, *, max_buckets: int | None = None,
                     continuation_token: str | None = None, prefix: str | None = None,
                     bucket_region: str | None = None, **_: Any) -> dict[str, Any]:
        if not ctx.signed:
            raise access_denied()  # s3:ListAllMyBuckets is never granted to everyone
        if max_buckets is not None and not 1 <= max_buckets <= MAX_LIST:
            raise invalid_argument("Argument max-buckets must be an integer between 1 and "
                                   "10000", "max-buckets", max_buckets)
        mine = sorted((record for record in self.buckets().values()
                       if record.account == ctx.account_id), key=lambda record: record.name)
        if prefix:
            mine = [record for record in mine if record.name.startswith(prefix)]
        if bucket_region:
            mine = [record for record in mine if record.region == bucket_region]
        if continuation_token:
            after = _decode_token(continuation_token)
            mine = [record for record in mine if record.name > after]
        result: dict[str, Any] = {"Owner": owner(ctx.account_id)}
        if max_buckets is not None and len(mine) > max_buckets:
            mine = mine[:max_buckets]
            result["ContinuationToken"] = _encode_token(mine[-1].name)
        result["Buckets"] = [{"Name": record.name, "CreationDate": moment(record.created),
                              "BucketRegion": record.region} for record in mine]
        if prefix:
            result["Prefix"] = prefix
        return result

    def delete_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:DeleteBucket")
        if len(self.objects(bucket)):
            message = "The bucket you tried to delete is not empty"
            if record.versioning:
                message += ". You must delete all versions in the bucket."
            raise s3_error("BucketNotEmpty", message, 409, BucketName=bucket)
        for upload_id in list(self.uploads(bucket)):
            upload = self.uploads(bucket).delete(upload_id)
            for part in upload.parts.values() if upload else ():
                self.blobs.delete(part.blob)
        self.buckets().delete(bucket)
        return {}

    def get_bucket_location(self, ctx: RequestContext, *, bucket: str,
                            **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketLocation")
        return {"LocationConstraint": None if record.region == US_EAST_1 else record.region}

    # -- versioning and tags ---------------------------------------------------------------

    def put_bucket_versioning(self, ctx: RequestContext, *, bucket: str,
                              versioning_configuration: dict[str, Any],
                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketVersioning")
        status = versioning_configuration.get("Status")
        if status not in ("Enabled", "Suspended"):
            raise malformed_xml()
        if record.object_lock is not None and status != "Enabled":
            raise lock_rules.locked_versioning()
        record.versioning = status
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_versioning(self, ctx: RequestContext, *, bucket: str,
                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketVersioning")
        return {"Status": record.versioning} if record.versioning else {}

    def put_bucket_tagging(self, ctx: RequestContext, *, bucket: str, tagging: dict[str, Any],
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketTagging")
        record.tags = check_tags(tagging.get("TagSet", []), limit=50)
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_tagging(self, ctx: RequestContext, *, bucket: str,
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketTagging")
        if not record.tags:
            raise missing_configuration("NoSuchTagSet", "The TagSet does not exist", bucket)
        return {"TagSet": record.tags}

    def delete_bucket_tagging(self, ctx: RequestContext, *, bucket: str,
                              **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "tags", "s3:PutBucketTagging")

    def _clear(self, ctx: RequestContext, bucket: str, setting: str,
               action: str) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, action)
        setattr(record, setting, None)
        self.buckets().put(bucket, record)
        return {}

    # -- policy ----------------------------------------------------------------------------

    def put_bucket_policy(self, ctx: RequestContext, *, bucket: str, policy: str,
                          **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketPolicy")
        document = access.parse_policy(policy)
        if access.is_public(document) and (record.public_access_block or {}).get(
                "BlockPublicPolicy"):
            raise s3_error("AccessDenied", "User is not authorized to perform: "
                           "s3:PutBucketPolicy on resource: "
                           f"\"arn:aws:s3:::{bucket}\" because public policies are blocked by "
                           "the BlockPublicPolicy block public access setting.", 403)
        record.policy = policy
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_policy(self, ctx: RequestContext, *, bucket: str,
                          **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketPolicy")
        if not record.policy:
            raise missing_configuration("NoSuchBucketPolicy",
                                        "The bucket policy does not exist", bucket)
        return {"Policy": record.policy}

    def get_bucket_policy_status(self, ctx: RequestContext, *, bucket: str,
                                 **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketPolicyStatus")
        if not record.policy:
            raise missing_configuration("NoSuchBucketPolicy",
                                        "The bucket policy does not exist", bucket)
        public = access.is_public(json.loads(record.policy))
        return {"PolicyStatus": {"IsPublic": public}}

    def delete_bucket_policy(self, ctx: RequestContext, *, bucket: str,
                             **_: Any) -> dict[str, Any]:
        self._clear(ctx, bucket, "policy", "s3:DeleteBucketPolicy")
        return {}

    # -- CORS, lifecycle, encryption -------------------------------------------------------

    def put_bucket_cors(self, ctx: RequestContext, *, bucket: str,
                        cors_configuration: dict[str, Any], **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketCORS")
        rules = cors_configuration.get("CORSRules") or []
        if not rules or len(rules) > 100:
            raise malformed_xml()
        for rule in rules:
            for method in rule.get("AllowedMethods", []):
                if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
                    raise invalid_request(
                        f"Found unsupported HTTP method in CORS config. Unsupported method is "
                        f"{method}")
        record.cors = rules
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_cors(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketCORS")
        if not record.cors:
            raise missing_configuration("NoSuchCORSConfiguration",
                                        "The CORS configuration does not exist", bucket)
        return {"CORSRules": record.cors}

    def delete_bucket_cors(self, ctx: RequestContext, *, bucket: str,
                           **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "cors", "s3:PutBucketCORS")

    def put_bucket_encryption(self, ctx: RequestContext, *, bucket: str,
                              server_side_encryption_configuration: dict[str, Any],
                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutEncryptionConfiguration")
        if not server_side_encryption_configuration.get("Rules"):
            raise malformed_xml()
        record.encryption = server_side_encryption_configuration
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_encryption(self, ctx: RequestContext, *, bucket: str,
                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetEncryptionConfiguration")
        return {"ServerSideEncryptionConfiguration": record.encryption or DEFAULT_ENCRYPTION}

    def delete_bucket_encryption(self, ctx: RequestContext, *, bucket: str,
                                 **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "encryption", "s3:PutEncryptionConfiguration")

    # -- ownership, Block Public Access, ACLs ----------------------------------------------

    def put_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str,
                                      ownership_controls: dict[str, Any],
                                      **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketOwnershipControls")
        rules = ownership_controls.get("Rules") or []
        if len(rules) != 1 or rules[0].get("ObjectOwnership") not in (
                "BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"):
            raise malformed_xml()
        record.ownership = rules[0]["ObjectOwnership"]
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str,
                                      **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketOwnershipControls")
        if record.ownership is None:
            raise missing_configuration("OwnershipControlsNotFoundError",
                                        "The bucket ownership controls were not found", bucket)
        return {"OwnershipControls": {"Rules": [{"ObjectOwnership": record.ownership}]}}

    def delete_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str,
                                         **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "ownership", "s3:PutBucketOwnershipControls")

    def put_public_access_block(self, ctx: RequestContext, *, bucket: str,
                                public_access_block_configuration: dict[str, Any],
                                **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketPublicAccessBlock")
        names = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                 "RestrictPublicBuckets")
        record.public_access_block = {
            name: bool(public_access_block_configuration.get(name, False)) for name in names}
        self.buckets().put(bucket, record)
        return {}

    def get_public_access_block(self, ctx: RequestContext, *, bucket: str,
                                **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketPublicAccessBlock")
        if record.public_access_block is None:
            raise missing_configuration("NoSuchPublicAccessBlockConfiguration",
                                        "The public access block configuration was not found",
                                        bucket)
        return {"PublicAccessBlockConfiguration": record.public_access_block}

    def delete_public_access_block(self, ctx: RequestContext, *, bucket: str,
                                   **_: Any) -> dict[str, Any]:
        return self._clear(ctx, bucket, "public_access_block", "s3:PutBucketPublicAccessBlock")

    def put_bucket_acl(self, ctx: RequestContext, *, bucket: str, acl: str | None = None,
                       **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketAcl")
        if record.ownership == "BucketOwnerEnforced" and acl not in (
                None, "private", "bucket-owner-full-control"):
            raise acls_not_supported()
        if acl is not None:
            if acl not in CANNED_ACLS:
                raise invalid_argument("", "x-amz-acl", acl)
            if acl.startswith("public") and (record.public_access_block or {}).get(
                    "BlockPublicAcls"):
                raise access_denied_block()
            record.acl = acl
            self.buckets().put(bucket, record)
        return {}

    def get_bucket_acl(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketAcl")
        return acl_grants(record.account, record.acl)


def acl_grants(account: str, acl: str) -> dict[str, Any]:
    holder = owner(account)
    grants: list[dict[str, Any]] = [{"Grantee": {**holder, "Type": "CanonicalUser"},
                                     "Permission": "FULL_CONTROL"}]
    everyone = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}
    if acl in ("public-read", "public-read-write"):
        grants.append({"Grantee": everyone, "Permission": "READ"})
    if acl == "authenticated-read":
        grants.append({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/"
                                                           "global/AuthenticatedUsers"},
                       "Permission": "READ"})
    if acl == "public-read-write":
        grants.append({"Grantee": everyone, "Permission": "WRITE"})
    return {"Owner": holder, "Grants": grants}


def access_denied_block() -> Exception:
    return s3_error("AccessDenied", "Access Denied", 403)


def invalid_request(message: str) -> Exception:
    return s3_error("InvalidRequest", message)


def check_tags(tags: list[dict[str, Any]], limit: int) -> list[dict[str, str]]:
    """Tags as AWS checks them: unique keys of 1-128 characters, values up to 256."""
    if len(tags) > limit:
        raise s3_error("BadRequest" if limit == 10 else "InvalidTag",
                       "Object tags cannot be greater than 10" if limit == 10 else
                       "Bucket tag count cannot be greater than 50")
    seen: set[str] = set()
    for tag in tags:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if key in seen:
            raise s3_error("InvalidTag", "Cannot provide multiple Tags with the same key",
                           TagKey=key)
        if not 1 <= len(key) <= 128:
            raise s3_error("InvalidTag", "The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256:
            raise s3_error("InvalidTag", "The TagValue you have provided is invalid",
                           TagKey=key, TagValue=value)
        seen.add(key)
    return [{"Key": tag.get("Key", ""), "Value": tag.get("Value", "")} for tag in tags]


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except ValueError:
        raise invalid_argument("The continuation token provided is incorrect",
                               "continuation-token", token) from None


__all__ = ["BucketsApi", "acl_grants", "check_tags"]
