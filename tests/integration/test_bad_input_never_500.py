"""Each input that once got a 500 (issue 19's list) now gets the error AWS would give, and the
server answers normally afterwards: lone surrogates, SignUp with no password, a deeply nested
import, a clock moved to nan, infinity or 1e308, and a zip whose headers lie about its sizes.
Every client here is a real one (boto3, httpx); boto3 escapes a lone surrogate into its JSON
body exactly as written.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import httpx
import pytest
from apigateway_support import new_api
from lambda_support import ROLE, create_function, invoke, unique, zip_of

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle

SURROGATE = "\ud800"
DEEP = "[" * 5000 + "]" * 5000


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(*args, **kwargs)
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status < 500, caught.value.response
    return dict(caught.value.response["Error"]) | {"status": status}


def test_a_lone_surrogate_is_refused_by_every_json_service(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    assert error_of(events.put_events, Entries=[
        {"Source": SURROGATE, "DetailType": "t", "Detail": "{}"}])["Code"] == (
            "SerializationException")
    logs = emulator.client("logs")
    group = unique("group")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    error_of(logs.put_log_events, logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": int(time.time() * 1000), "message": f"a{SURROGATE}b"}])
    xray = emulator.client("xray")
    error_of(xray.put_trace_segments, TraceSegmentDocuments=[SURROGATE])
    cognito = emulator.client("cognito-idp")
    error_of(cognito.get_user, AccessToken=SURROGATE)
    # Nothing was stored, and what is stored still reads back.
    assert logs.get_log_events(logGroupName=group, logStreamName="s")["events"] == []
    assert "Entries" in events.put_events(Entries=[
        {"Source": "app", "DetailType": "t", "Detail": '{"a": "\\ud83d\\ude00"}'}])


def test_a_surrogate_inside_a_json_text_member_is_refused(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    answer = events.put_events(Entries=[
        {"Source": "app", "DetailType": "t", "Detail": '{"a": "\\ud800"}'}])
    assert answer["Entries"][0]["ErrorCode"] == "MalformedDetail"


def test_a_mapping_template_never_meets_a_surrogate(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, name=unique("surrogate"))
    resource = api.resource("/echo")
    api.client.put_method(restApiId=api.id, resourceId=resource, httpMethod="POST",
                          authorizationType="NONE")
    api.client.put_integration(restApiId=api.id, resourceId=resource, httpMethod="POST",
                               type="MOCK",
                               requestTemplates={
                                   "application/json":
                                   "{\"statusCode\": 200, \"a\": $input.json('$.a')}"})
    api.client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="POST",
                                   statusCode="200")
    api.client.put_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="POST", statusCode="200",
        responseTemplates={"application/json": '{"answered": true}'})
    api.deploy()
    reply = api.request("POST", "dev", "/echo", content=b'{"a": "x\\ud800"}',
                        headers={"content-type": "application/json"})
    assert reply.status_code < 500, reply.text
    fine = api.request("POST", "dev", "/echo", content=b'{"a": "ok"}',
                       headers={"content-type": "application/json"})
    assert fine.status_code == 200 and fine.json() == {"answered": True}


def test_sign_up_without_the_optional_password(emulator: EmulatorHandle) -> None:
    cognito = emulator.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName=unique("pool"))["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    # Passwordless sign-up needs passwordless sign-in, which this pool does not have: a
    # missing password is a blank one (https://docs.aws.amazon.com/cognito/latest/
    # developerguide/signing-up-users-in-your-app.html).
    error = error_of(cognito.sign_up, ClientId=client_id, Username="bob")
    assert error["Code"] == "InvalidPasswordException"
    assert cognito.sign_up(ClientId=client_id, Username="bob",
                           Password="Passw0rd!Passw0rd")["UserConfirmed"] is False


def test_deep_nesting_is_refused_before_anything_recurses(emulator: EmulatorHandle) -> None:
    apigateway = emulator.client("apigateway")
    error = error_of(apigateway.import_rest_api, body=DEEP.encode())
    assert error["Code"] == "BadRequestException"
    deep_object = '{"openapi": "3.0.1", "info": ' + '{"a":' * 5000 + "1" + "}" * 5001
    error_of(apigateway.import_rest_api, body=deep_object.encode())
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=unique("deep"), roleArn=ROLE,
        definition='{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}',
    )["stateMachineArn"]
    assert error_of(sfn.start_execution, stateMachineArn=machine, input=DEEP)["Code"] == (
        "InvalidExecutionInput")
    assert sfn.validate_state_machine_definition(definition=DEEP)["result"] == "FAIL"
    # The wire layer refuses a body nested past the limit for any JSON service.
    reply = httpx.post(emulator.endpoint_url, content=b'{"Limit": ' + DEEP.encode() + b"}",
                       headers={"X-Amz-Target": "AWSEvents.ListRules",
                                "Content-Type": "application/x-amz-json-1.1",
                                "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/"
                                "us-east-1/events/aws4_request, SignedHeaders=host, Signature=x"})
    assert reply.status_code == 400 and reply.json()["__type"] == "SerializationException"
    assert sfn.describe_state_machine(stateMachineArn=machine)["status"] == "ACTIVE"


@pytest.mark.parametrize("body", [
    b'{"advance": NaN}', b'{"advance": Infinity}', b'{"advance": 1e308}',
    b'{"advance": -1}', b'{"set": 1e308}', b'{"set": -Infinity}', b'{"set": -1}',
    b'{"advance": 1' + b"0" * 400 + b"}", b'{"set": "9999-12-31T23:59:59Z"}',
])
def test_the_clock_takes_only_finite_times_in_its_range(
        emulator: EmulatorHandle, body: bytes) -> None:
    reply = httpx.post(f"{emulator.endpoint_url}/_emulator/clock", content=body)
    assert reply.status_code == 400, reply.text
    assert "error" in reply.json()
    now = httpx.get(f"{emulator.endpoint_url}/_emulator/clock").json()
    assert abs(now["now"] - time.time()) < 60 and now["offset_seconds"] == 0
    # Lambda still answers: it reads the clock on every invoke.
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": "def handler(event, context):\n    return 7\n"})
    assert invoke(client, name)[1] == 7


def test_the_clock_edges_of_its_range(emulator: EmulatorHandle) -> None:
    url = f"{emulator.endpoint_url}/_emulator/clock"
    assert httpx.post(url, json={"set": "2999-12-31T00:00:00Z"}).status_code == 200
    assert httpx.post(url, json={"advance": 86400 * 2}).status_code == 400
    assert httpx.post(url, json={"set": 0}).json()["now"] < 10
    assert httpx.post(url, json={"reset": True}).status_code == 200


def lying_zip() -> bytes:
    """A zip whose headers say its one file holds 5 bytes; it holds more."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n" + "#" * 999)
    data = bytearray(buffer.getvalue())
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 5)  # uncompressed size, central directory
    struct.pack_into("<I", data, 22, 5)  # and local header
    return bytes(data)


def corrupt_crc_zip() -> bytes:
    data = bytearray(zip_of({"app.py": "def handler(event, context):\n    return 1\n"}))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 16, 0xDEADBEEF)
    struct.pack_into("<I", data, 14, 0xDEADBEEF)
    return bytes(data)


@pytest.mark.parametrize("package", [lying_zip(), corrupt_crc_zip()], ids=["sizes", "crc"])
def test_a_zip_that_lies_is_refused_at_upload(emulator: EmulatorHandle, package: bytes) -> None:
    client = emulator.client("lambda")
    name = unique("liar")
    error = error_of(client.create_function, FunctionName=name, Runtime="python3.12",
                     Role=ROLE, Handler="app.handler", Code={"ZipFile": package})
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == ("Could not unzip uploaded file. Please check your file, "
                                "then try to upload again.")
    good = create_function(client, {"app.py": "def handler(event, context):\n    return 2\n"},
                           name=name)
    error = error_of(client.update_function_code, FunctionName=good, ZipFile=package)
    assert error["Code"] == "InvalidParameterValueException"
    assert invoke(client, good)[1] == 2


def test_with_a_state_dir_a_surrogate_never_reaches_the_store(tmp_path: Path) -> None:
    """Once, any record written to SQLite with a lone surrogate in it failed the request with a
    500 (SQLite cannot encode it); now the wire layer refuses it first, and what is stored
    survives a restart."""
    settings = Settings(host="127.0.0.1", port=0, state_dir=tmp_path, log_level="warning",
                        request_log=False, xray_daemon_port=-1)

    def ssm(server: BackgroundServer) -> Any:
        return boto3.client("ssm", endpoint_url=server.endpoint_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    server = BackgroundServer(settings).start()
    try:
        ssm(server).put_parameter(Name="/kept", Value="kept", Type="String")
        error = error_of(ssm(server).put_parameter, Name="/broken", Value=f"a{SURROGATE}b",
                         Type="String")
        assert error["status"] == 400
        error_of(ssm(server).put_parameter, Name=f"/kept{SURROGATE}", Value="x", Type="String")
        assert ssm(server).get_parameter(Name="/kept")["Parameter"]["Value"] == "kept"
    finally:
        server.stop()
    again = BackgroundServer(settings).start()
    try:
        names = [p["Name"] for p in ssm(again).describe_parameters()["Parameters"]]
        assert names == ["/kept"]
    finally:
        again.stop()
