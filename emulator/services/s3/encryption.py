"""How a version is encrypted at rest, as S3 reports it: SSE-S3 (``AES256``, the default),
SSE-KMS (``aws:kms``, ``aws:kms:dsse``) asked for by the request or the bucket's default
encryption, and SSE-C, a key the client sends with every write and read of the object. Only
the key's MD5 is kept; a read without the key, or with another one, is refused.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-c-encryption.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from emulator.services.s3.errors import access_denied, invalid_argument, invalid_request, s3_error
from emulator.services.s3.models import BucketRecord

SSE_C_ALGORITHM = "AES256"
SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def _customer_key_md5(params: dict[str, Any], prefix: str = "") -> str | None:
    """The base64 MD5 of the SSE-C key a request carries (``prefix`` "copy_source_" for the
    source of a copy), once the algorithm, the key and its MD5 agree; None without one."""
    algorithm = params.get(f"{prefix}sse_customer_algorithm")
    key = params.get(f"{prefix}sse_customer_key")
    given_md5 = params.get(f"{prefix}sse_customer_key_md5")
    if algorithm is None and key is None:
        return None
    if algorithm is None:
        raise invalid_argument("Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide a valid encryption algorithm.",
                               "x-amz-server-side-encryption", "null")
    if algorithm != SSE_C_ALGORITHM:
        raise s3_error("InvalidEncryptionAlgorithmError", "The encryption request you "
                       "specified is not valid. The valid value is AES256.",
                       ArgumentName="x-amz-server-side-encryption", ArgumentValue=algorithm)
    if key is None:
        raise invalid_argument("Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide an appropriate secret key.",
                               "x-amz-server-side-encryption", "null")
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise invalid_argument("The secret key was invalid for the specified algorithm.",
                               "x-amz-server-side-encryption", "null")
    md5 = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if given_md5 is None:  # the key's MD5 is one of the headers SSE-C requires
        raise invalid_argument("Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide the client calculated MD5 of the "
                               "secret key.", "x-amz-server-side-encryption", "null")
    if given_md5 != md5:
        raise invalid_argument("The calculated MD5 hash of the key did not match the hash "
                               "that was provided.", "x-amz-server-side-encryption", "null")
    return md5


def requested(record: BucketRecord, params: dict[str, Any]) -> dict[str, Any]:
    """The encryption a new version (or a multipart upload's object) gets: SSE-C when the
    request sends a key, else the requested or the bucket's default algorithm."""
    customer_md5 = _customer_key_md5(params)
    algorithm = params.get("server_side_encryption")
    if customer_md5 is not None:
        if algorithm:
            raise invalid_argument("Server Side Encryption with Customer provided key is "
                                   "incompatible with the encryption method specified",
                                   "x-amz-server-side-encryption", algorithm)
        return {"encryption": SSE_C_ALGORITHM, "customer_key_md5": customer_md5,
                "kms_key_id": None}
    kms_key_id = params.get("ssekms_key_id")
    if not algorithm:
        rules = (record.encryption or {}).get("Rules") or [{}]
        default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = default.get("SSEAlgorithm") or "AES256"
        kms_key_id = kms_key_id or default.get("KMSMasterKeyID")
    if algorithm not in SSE_ALGORITHMS:
        raise invalid_argument("The encryption method specified is not supported",
                               "x-amz-server-side-encryption", algorithm)
    if kms_key_id and not algorithm.startswith("aws:kms"):
        raise invalid_argument("Server Side Encryption with AWS KMS managed key requires "
                               "HTTP header x-amz-server-side-encryption : aws:kms",
                               "x-amz-server-side-encryption-aws-kms-key-id", kms_key_id)
    return {"encryption": algorithm, "customer_key_md5": None,
            "kms_key_id": kms_key_id if algorithm.startswith("aws:kms") else None}


def check_read(stored_md5: str | None, params: dict[str, Any], prefix: str = "") -> None:
    """A read of an SSE-C version must send its key; a read of any other must send none."""
    given = _customer_key_md5(params, prefix)
    if stored_md5 is None:
        if given is not None:
            raise invalid_request("The encryption parameters are not applicable to this "
                                  "object.")
        return
    if given is None:
        raise invalid_request("The object was stored using a form of Server Side "
                              "Encryption. The correct parameters must be provided to "
                              "retrieve the object.")
    if given != stored_md5:
        raise access_denied()


def check_part(stored_md5: str | None, params: dict[str, Any]) -> None:
    """A part of an SSE-C multipart upload carries the key the upload was started with."""
    given = _customer_key_md5(params)
    if given != stored_md5:
        raise invalid_request("The multipart upload initiate requested encryption. "
                              "Subsequent part requests must include the appropriate "
                              "encryption parameters." if stored_md5 else
                              "The encryption parameters are not applicable to this object.")


def fields(encryption: str, customer_key_md5: str | None,
           kms_key_id: str | None) -> dict[str, Any]:
    """The response members that tell a client how a version is encrypted."""
    if customer_key_md5 is not None:
        return {"SSECustomerAlgorithm": SSE_C_ALGORITHM, "SSECustomerKeyMD5": customer_key_md5}
    result: dict[str, Any] = {"ServerSideEncryption": encryption}
    if kms_key_id:
        result["SSEKMSKeyId"] = kms_key_id
    return result


def fields_of(stored: Any) -> dict[str, Any]:
    """``fields`` of a version, or of a multipart upload's headers (a dict)."""
    get = stored.get if isinstance(stored, dict) else (lambda name: getattr(stored, name))
    return fields(get("encryption") or "AES256", get("customer_key_md5"), get("kms_key_id"))


__all__ = ["check_part", "check_read", "fields", "fields_of", "requested"]
