"""The Server header: S3 names itself ("AmazonS3", its common response header); nothing
answers with the HTTP server this process happens to run on.

Source: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html
(``Server``: the name of the server that created the response, AmazonS3).
"""

from __future__ import annotations

import pytest
from apigateway_support import new_api
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def test_s3_answers_as_amazon_s3(emulator: EmulatorHandle) -> None:
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="server-header-bucket")
    s3.put_object(Bucket="server-header-bucket", Key="k", Body=b"v")
    got = s3.get_object(Bucket="server-header-bucket", Key="k")
    assert got["ResponseMetadata"]["HTTPHeaders"]["server"] == "AmazonS3"
    with pytest.raises(ClientError) as missing:  # an error answer names S3 too
        s3.get_object(Bucket="server-header-bucket", Key="nope")
    assert missing.value.response["ResponseMetadata"]["HTTPHeaders"]["server"] == "AmazonS3"


def test_other_answers_name_no_http_server(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs").list_queues()
    assert "uvicorn" not in str(sqs["ResponseMetadata"]["HTTPHeaders"]).lower()
    api = new_api(emulator, "server-header")
    api.mock("/ping")
    api.deploy("dev")
    reply = api.request("GET", "dev", "/ping")
    assert reply.status_code == 200
    assert "uvicorn" not in str(reply.headers).lower()
