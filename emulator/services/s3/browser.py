"""What browsers send S3 that its API model leaves out: CORS preflights (``OPTIONS``) and
presigned POST forms (``multipart/form-data`` to a bucket). The web glue reads the request;
the provider does the work.

https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from emulator import ids, inbound
from emulator.accounts import account_for
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.s3 import cors
from emulator.services.s3.errors import (
    access_denied,
    invalid_argument,
    malformed_xml,
    s3_error,
)
from emulator.streams import ByteStream
from emulator.wire import rest_xml, specs, xml_in
from emulator.wire.parse import WireTypeError
from emulator.wire.routing import host_label
from emulator.wire.xml_out import text


def addressed_bucket(request: Request) -> tuple[str, str] | None:
    """(bucket, key) a browser request addresses, by virtual host or path."""
    path = request.url.path
    label = host_label("s3", request.headers.get("host", ""))
    if label is not None:
        return label, path.lstrip("/")
    bucket, _, key = path.lstrip("/").partition("/")
    return (bucket, key) if bucket else None


def _error(error: ServiceError) -> Response:
    request_id = ids.request_id()
    reply = rest_xml.serialize_error("s3", error, request_id, specs.service_model("s3"))
    headers = {**reply.headers, "x-amz-request-id": request_id}
    return Response(reply.body, status_code=reply.status, headers=headers)


async def answer(provider: Any, request: Request) -> Response:
    try:
        if request.method == "OPTIONS":
            return preflight(provider, request)
        return await post_form(provider, request)
    except ServiceError as error:
        return _error(error)


def preflight(provider: Any, request: Request) -> Response:
    found = addressed_bucket(request)
    if found is None:
        raise s3_error("BadRequest", "Insufficient information. Origin request header needed.")
    record = provider.bucket_record(found[0])
    origin = request.headers["origin"]
    method = request.headers["access-control-request-method"]
    wanted = cors.requested_headers(request.headers.get("access-control-request-headers"))
    if not record.cors:
        raise s3_error("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.",
                       403, Method=method, ResourceType="BUCKET")
    rule = cors.find_rule(record.cors, origin, method, wanted)
    if rule is None:
        raise s3_error("AccessForbidden", "CORSResponse: This CORS request is not allowed. "
                       "This is usually because the evalution of Origin, request method / "
                       "Access-Control-Request-Method or Access-Control-Request-Headers are not "
                       "whitelisted by the resource's CORS spec.", 403, Method=method,
                       ResourceType="OBJECT")
    return Response(b"", status_code=200, headers=cors.response_headers(
        rule, origin, preflight=True, request_headers=wanted))


# -- POST forms --------------------------------------------------------------------------------

# The policy's expiration, "in ISO8601 GMT date format" (2013-08-01T12:00:00.000Z).
_EXPIRATION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)")


def _policy(fields: dict[str, str], now: float) -> list[Any] | None:
    """The form's policy conditions, once its expiration is checked; None without a policy."""
    encoded = fields.get("policy")
    if not encoded:
        return None
    try:
        document = inbound.loads(base64.b64decode(encoded, validate=True))
        conditions = list(document.get("conditions", []))
    except (ValueError, TypeError, AttributeError, binascii.Error):
        raise _invalid_policy("Invalid JSON.") from None
    raw = document.get("expiration")
    if not isinstance(raw, str) or not _EXPIRATION.fullmatch(raw):
        raise _invalid_policy("Invalid 'expiration' value")
    expiration = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if expiration.timestamp() < now:
        raise access_denied("Invalid according to Policy: Policy expired.")
    return conditions


def _invalid_policy(reason: str) -> ServiceError:
    """AWS's answer to a policy it cannot read (``Invalid Policy: Invalid JSON.``)."""
    return s3_error("InvalidPolicyDocument", f"Invalid Policy: {reason}")


def _check_conditions(conditions: list[Any], fields: dict[str, str], bucket: str,
                      size: int) -> None:
    values = {**{name.lower(): value for name, value in fields.items()}, "bucket": bucket}
    for condition in conditions:
        if isinstance(condition, dict):
            for name, wanted in condition.items():
                if values.get(name.lower()) != wanted:
                    raise _failed(["eq", f"${name}", wanted])
        elif isinstance(condition, list) and len(condition) == 3:
            operator, name, wanted = condition
            if operator == "content-length-range":
                low, high = int(name), int(wanted)
                if size > high:
                    raise s3_error("EntityTooLarge", "Your proposed upload exceeds the maximum "
                                   "allowed size", ProposedSize=size, MaxSizeAllowed=high)
                if size < low:
                    raise s3_error("EntityTooSmall", "Your proposed upload is smaller than the "
                                   "minimum allowed size", ProposedSize=size,
                                   MinSizeAllowed=low)
                continue
            actual = values.get(str(name).lstrip("$").lower(), "")
            if operator == "eq" and actual != wanted:
                raise _failed(condition)
            if operator == "starts-with" and not actual.startswith(str(wanted)):
                raise _failed(condition)
    _check_covered(conditions, fields)


# Fields a policy need not name: "Each form field that you specify in a form (except
# x-amz-signature, file, policy, and field names that have an x-ignore- prefix) must appear in
# the list of conditions" (AWSAccessKeyId and signature too, for signature version 2).
_UNCOVERED = {"x-amz-signature", "file", "policy", "awsaccesskeyid", "signature"}


def _check_covered(conditions: list[Any], fields: dict[str, str]) -> None:
    """Refuse a form field no condition names: "Extra input fields"."""
    covered: set[str] = set()
    for condition in conditions:
        if isinstance(condition, dict):
            covered.update(str(name).lower() for name in condition)
        elif isinstance(condition, list) and len(condition) == 3:
            covered.add(str(condition[1]).lstrip("$").lower())
    for name in fields:
        lowered = name.lower()
        if lowered not in covered and lowered not in _UNCOVERED and not lowered.startswith(
                "x-ignore-"):
            raise access_denied(f"Invalid according to Policy: Extra input fields: {name}")


def _failed(condition: list[Any]) -> ServiceError:
    return access_denied("Invalid according to Policy: Policy Condition failed: "
                         + json.dumps(condition))


_MAX_FORM_PARTS = 200
_MAX_FIELDS_BYTES = 20 * 1024  # the fields before the file, as AWS counts them


async def _field_text(part: UploadFile) -> str:
    """A form field sent as a file part: its content is the field's value (cut past the
    fields' limit, which the caller then reports)."""
    return (await part.read(_MAX_FIELDS_BYTES + 1)).decode("utf-8", "replace")


def _upload_params(fields: dict[str, str]) -> dict[str, Any]:
    """What the form's fields set on the object, as PutObject's headers would."""
    named = {name.lower(): value for name, value in fields.items()}
    params: dict[str, Any] = {member: named.get(field) for field, member in _FIELD_PARAMS.items()}
    params["metadata"] = {name[11:]: value for name, value in fields.items()
                          if name.lower().startswith("x-amz-meta-")}
    params["tagging"] = _tagging(named["tagging"]) if named.get("tagging") else None
    return params


# https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html (form fields)
_FIELD_PARAMS = {"acl": "acl", "cache-control": "cache_control",
                 "content-type": "content_type", "content-disposition": "content_disposition",
                 "content-encoding": "content_encoding",
                 "x-amz-storage-class": "storage_class",
                 "x-amz-website-redirect-location": "website_redirect_location",
                 "x-amz-server-side-encryption-customer-algorithm": "sse_customer_algorithm",
                 "x-amz-server-side-encryption-customer-key": "sse_customer_key",
                 "x-amz-server-side-encryption-customer-key-md5": "sse_customer_key_md5"}


def _tagging(document: str) -> str:
    """The ``tagging`` field's XML tag set, in the query form PutObject's header takes."""
    shape = specs.service_model("s3").operation_model("PutObjectTagging").input_shape
    try:
        found = xml_in.read_xml(shape.members["Tagging"], document.encode(), "tagging")
    except (xml_in.MalformedXml, WireTypeError):
        raise malformed_xml() from None
    tags = found.get("TagSet", []) if isinstance(found, dict) else []
    return urlencode([(tag.get("Key", ""), tag.get("Value", "")) for tag in tags])


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1024 * 1024):
        yield chunk


async def post_form(provider: Any, request: Request) -> Response:
    found = addressed_bucket(request)
    if found is None:
        raise s3_error("MethodNotAllowed", "The specified method is not allowed against this "
                       "resource.", 405, Method="POST", ResourceType="SERVICE")
    bucket = found[0]
    # Parts other than ``file`` are fields even when they carry a filename (as clients that
    # post every part as a file send them); AWS ignores whatever follows the file.
    async with request.form(max_files=_MAX_FORM_PARTS, max_fields=_MAX_FORM_PARTS) as form:
        fields: dict[str, str] = {}
        upload: UploadFile | str | None = None
        for name, value in form.multi_items():
            if name == "file":
                upload = value
                break
            fields[name] = value if isinstance(value, str) else await _field_text(value)
        if sum(len(name) + len(value.encode()) for name, value in fields.items()) \
                > _MAX_FIELDS_BYTES:
            raise s3_error("MaxPostPreDataLengthExceeded", "Your POST request fields "
                           "preceeding the upload file was too large.",
                           MaxPostPreDataLengthBytes=_MAX_FIELDS_BYTES)
        if not isinstance(upload, UploadFile):
            raise invalid_argument("POST requires exactly one file upload per request.",
                                   "file", "0")
        key_template = fields.get("key")
        if not key_template:
            raise invalid_argument("Bucket POST must contain a field named 'key'.  If it is "
                                   "specified, please check the order of the fields.",
                                   "key", "")
        key = key_template.replace("${filename}", upload.filename or "")
        fields["key"] = key
        size = upload.size or 0
        credential = fields.get("x-amz-credential", fields.get("X-Amz-Credential", ""))
        ctx = RequestContext(
            account_id=account_for(credential.split("/", 1)[0] or None),
            region=[*credential.split("/"), "", "", ""][2] or provider.settings.region,
            request_id=ids.request_id(), service="s3", operation="PostObject",
            protocol="rest-xml", endpoint_url=f"{request.url.scheme}://"
            f"{request.headers.get('host', 'localhost')}",
            headers={k.lower(): v for k, v in request.headers.items()}, method="POST",
            signed=bool(credential or fields.get("AWSAccessKeyId")))
        conditions = _policy(fields, provider.clock.now())
        if conditions is not None:
            _check_conditions(conditions, fields, bucket, size)
        params = _upload_params(fields)
        result = await provider.store_upload(ctx, bucket, key, ByteStream(_chunks(upload), size),
                                             params, "ObjectCreated:Post")
    location = f"{ctx.endpoint_url}/{bucket}/{quote(key)}"
    headers = {"ETag": result["ETag"], "Location": location,
               "x-amz-request-id": ctx.request_id, **ctx.response_headers}
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        target = f"{redirect}{'&' if '?' in redirect else '?'}bucket={quote(bucket)}" \
                 f"&key={quote(key)}&etag={quote(result['ETag'])}"
        return Response(b"", status_code=303, headers={**headers, "Location": target})
    status = fields.get("success_action_status", "204")
    if status == "201":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
                f"<Location>{text(location)}</Location><Bucket>{text(bucket)}</Bucket>"
                f"<Key>{text(key)}</Key><ETag>{text(result['ETag'])}</ETag></PostResponse>")
        return Response(body.encode(), status_code=201,
                        headers={**headers, "Content-Type": "application/xml"})
    return Response(b"", status_code=200 if status == "200" else 204, headers=headers)


__all__ = ["addressed_bucket", "answer"]
