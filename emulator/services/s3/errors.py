"""S3's errors, with the codes, statuses and messages of AWS's list of error codes
(https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList)."""

from __future__ import annotations

from typing import Any

from emulator.errors import ServiceError


def s3_error(code: str, message: str, status: int = 400, **fields: Any) -> ServiceError:
    return ServiceError(code, message, status=status, fields=fields)


def no_such_bucket(bucket: str) -> ServiceError:
    return s3_error("NoSuchBucket", "The specified bucket does not exist", 404,
                    BucketName=bucket)


def no_such_key(key: str) -> ServiceError:
    return s3_error("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_version(key: str, version_id: str) -> ServiceError:
    return s3_error("NoSuchVersion",
                    "The specified version does not exist.", 404, Key=key, VersionId=version_id)


def no_such_upload(upload_id: str) -> ServiceError:
    return s3_error("NoSuchUpload", "The specified upload does not exist. The upload ID may be "
                    "invalid, or the upload may have been aborted or completed.", 404,
                    UploadId=upload_id)


def invalid_bucket_name(bucket: str) -> ServiceError:
    return s3_error("InvalidBucketName", "The specified bucket is not valid.",
                    BucketName=bucket)


def invalid_argument(message: str, name: str | None = None, value: Any = None) -> ServiceError:
    fields = {"ArgumentName": name, "ArgumentValue": value} if name else {}
    return s3_error("InvalidArgument", message, **fields)


def invalid_request(message: str) -> ServiceError:
    return s3_error("InvalidRequest", message)


def access_denied(message: str = "Access Denied", **fields: Any) -> ServiceError:
    return s3_error("AccessDenied", message, 403, **fields)


def acls_not_supported() -> ServiceError:
    return s3_error("AccessControlListNotSupported", "The bucket does not allow ACLs")


def malformed_xml() -> ServiceError:
    return s3_error("MalformedXML", "The XML you provided was not well-formed or did not "
                    "validate against our published schema")


def precondition_failed(condition: str) -> ServiceError:
    return s3_error("PreconditionFailed", "At least one of the pre-conditions you specified "
                    "did not hold", 412, Condition=condition)


def not_modified() -> ServiceError:
    return ServiceError("NotModified", "Not Modified", status=304)


def bad_digest(message: str = "The Content-MD5 you specified did not match what we "
               "received.") -> ServiceError:
    return s3_error("BadDigest", message)


def missing_configuration(code: str, message: str, bucket: str) -> ServiceError:
    return s3_error(code, message, 404, BucketName=bucket)


__all__ = [
    "access_denied",
    "acls_not_supported",
    "bad_digest",
    "invalid_argument",
    "invalid_bucket_name",
    "invalid_request",
    "malformed_xml",
    "missing_configuration",
    "no_such_bucket",
    "no_such_key",
    "no_such_upload",
    "no_such_version",
    "not_modified",
    "precondition_failed",
    "s3_error",
]
