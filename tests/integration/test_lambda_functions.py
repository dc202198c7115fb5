"""Lambda's control plane through boto3: functions, states and waiters, versions, aliases,
layers, permissions, concurrency, tags, and the errors AWS answers."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError
from lambda_support import ROLE, create_function, invoke, unique, zip_of

from emulator.testing import EmulatorHandle

HELLO = {"app.py": "def handler(event, context):\n    return {'hello': event.get('name')}\n"}


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_reports_pending_then_active_and_both_waiters_return(
    emulator: EmulatorHandle,
) -> None:
    client = emulator.client("lambda")
    name = unique()
    created = client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                                     Handler="app.handler", Code={"ZipFile": zip_of(HELLO)})
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert "LastUpdateStatus" not in created
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    config = client.get_function_configuration(FunctionName=name)
    assert (config["State"], config["LastUpdateStatus"]) == ("Active", "Successful")

    updated = client.update_function_code(FunctionName=name, ZipFile=zip_of(HELLO))
    assert updated["LastUpdateStatus"] == "InProgress"
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    updated = client.update_function_configuration(FunctionName=name, Timeout=10,
                                                   MemorySize=256,
                                                   Environment={"Variables": {"A": "1"}})
    assert updated["LastUpdateStatus"] == "InProgress"
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    config = client.get_function(FunctionName=name)["Configuration"]
    assert (config["Timeout"], config["MemorySize"]) == (10, 256)
    assert config["Environment"] == {"Variables": {"A": "1"}}
    assert config["LastUpdateStatus"] == "Successful"


def test_get_list_and_delete(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, HELLO, Tags={"team": "a"})
    found = client.get_function(FunctionName=name)
    assert found["Configuration"]["FunctionArn"].endswith(f":function:{name}")
    assert found["Tags"] == {"team": "a"}
    assert found["Code"]["RepositoryType"] == "S3"
    names = [f["FunctionName"] for page in client.get_paginator("list_functions").paginate()
             for f in page["Functions"]]
    assert name in names
    client.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as excinfo:
        client.get_function(FunctionName=name)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{name}",
    )


def test_code_location_serves_the_uploaded_zip(emulator: EmulatorHandle) -> None:
    import httpx

    client = emulator.client("lambda")
    name = create_function(client, HELLO)
    location = client.get_function(FunctionName=name)["Code"]["Location"]
    archive = zipfile.ZipFile(io.BytesIO(httpx.get(location).content))
    assert archive.namelist() == ["app.py"]


def test_create_errors(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, HELLO)
    with pytest.raises(ClientError) as excinfo:
        create_function(client, HELLO, name=name)
    assert error_of(excinfo) == ("ResourceConflictException", f"Function already exist: {name}")
    with pytest.raises(ClientError) as excinfo:
        create_function(client, HELLO, Role="not-a-role")
    assert error_of(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        create_function(client, HELLO, Environment={"Variables": {"AWS_REGION": "x"}})
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.endswith("Reserved keys used in this request: AWS_REGION")
    with pytest.raises(ClientError) as excinfo:
        client.create_function(FunctionName=unique(), Runtime="python3.11", Role=ROLE,
                               Handler="app.handler", Code={"ZipFile": b"not a zip"})
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )


def test_retired_runtimes_are_refused_on_create_and_update(emulator: EmulatorHandle) -> None:
    # Runtimes past "Block function update" in the deprecated-runtimes table can no longer be
    # given to CreateFunction or UpdateFunctionConfiguration:
    # https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated
    # with the message quoted in, for example,
    # https://github.com/perfectsense/gyro/issues/415 (InvalidParameterValueException).
    client = emulator.client("lambda")
    message = ("The runtime parameter of {} is no longer supported for creating or updating "
               "AWS Lambda functions. We recommend you use a supported runtime while creating "
               "or updating functions.")
    for runtime in ("nodejs12.x", "nodejs14.x", "python3.7"):
        with pytest.raises(ClientError) as excinfo:
            client.create_function(FunctionName=unique(), Runtime=runtime, Role=ROLE,
                                   Handler="app.handler", Code={"ZipFile": zip_of(HELLO)})
        assert error_of(excinfo) == ("InvalidParameterValueException",
                                     message.format(runtime))
    name = create_function(client, HELLO)
    with pytest.raises(ClientError) as excinfo:
        client.update_function_configuration(FunctionName=name, Runtime="python3.6")
    assert error_of(excinfo) == ("InvalidParameterValueException", message.format("python3.6"))
    assert client.get_function_configuration(FunctionName=name)["Runtime"] != "python3.6"


def _zip_with(entries: list[zipfile.ZipInfo], data: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, content in zip(entries, data, strict=True):
            archive.writestr(info, content)
    return buffer.getvalue()


@pytest.mark.parametrize("entry,content,link", [
    ("../escape.py", b"x = 1", False),
    ("/etc/evil.py", b"x = 1", False),
    ("link", b"../../etc/passwd", True),
    ("dir/link", b"/etc", True),
])
def test_zip_slip_and_outside_links_are_rejected(
    emulator: EmulatorHandle, entry: str, content: bytes, link: bool
) -> None:
    info = zipfile.ZipInfo(entry)
    if link:
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
    package = _zip_with([zipfile.ZipInfo("app.py"), info], [b"def handler(e, c): pass", content])
    with pytest.raises(ClientError) as excinfo:
        emulator.client("lambda").create_function(
            FunctionName=unique(), Runtime="python3.11", Role=ROLE, Handler="app.handler",
            Code={"ZipFile": package})
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


def test_unzipped_size_over_250_mb_is_rejected(emulator: EmulatorHandle) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("big.bin", bytes(251 * 1024 * 1024))
    with pytest.raises(ClientError) as excinfo:
        emulator.client("lambda").create_function(
            FunctionName=unique(), Runtime="python3.11", Role=ROLE, Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()})
    assert error_of(excinfo) == ("InvalidParameterValueException",
                                 "Unzipped size must be smaller than 262144000 bytes")


def test_revision_id_guards_updates(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, HELLO)
    with pytest.raises(ClientError) as excinfo:
        client.update_function_configuration(FunctionName=name, Timeout=5, RevisionId="stale")
    assert error_of(excinfo)[0] == "PreconditionFailedException"


def test_versions_and_aliases_route_by_weight(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": "def handler(e, c):\n    return 1\n"})
    first = client.publish_version(FunctionName=name)
    assert first["Version"] == "1"
    assert client.publish_version(FunctionName=name)["Version"] == "1"  # nothing changed
    client.update_function_code(FunctionName=name,
                                ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 2\n"}))
    assert client.publish_version(FunctionName=name)["Version"] == "2"
    versions = [v["Version"] for v in client.list_versions_by_function(
        FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1", "2"]

    alias = client.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                                RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    assert alias["AliasArn"].endswith(f":function:{name}:live")
    assert client.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "1"
    seen = {invoke(client, name, Qualifier="live")[0]["ExecutedVersion"] for _ in range(40)}
    assert seen == {"1", "2"}
    client.update_alias(FunctionName=name, Name="live", FunctionVersion="2",
                        RoutingConfig={"AdditionalVersionWeights": {}})
    reply, body = invoke(client, f"{name}:live")
    assert (reply["ExecutedVersion"], body) == ("2", 2)
    assert [a["Name"] for a in client.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
    with pytest.raises(ClientError) as excinfo:
        client.delete_function(FunctionName=name, Qualifier="2")
    assert error_of(excinfo)[0] == "ResourceConflictException"
    client.delete_alias(FunctionName=name, Name="live")
    client.delete_function(FunctionName=name, Qualifier="2")
    with pytest.raises(ClientError) as excinfo:
        client.get_function(FunctionName=name, Qualifier="2")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_layers_put_their_python_folder_on_the_path(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    layer_name = unique("layer")
    published = client.publish_layer_version(
        LayerName=layer_name, CompatibleRuntimes=["python3.11"],
        Content={"ZipFile": zip_of({"python/shared_util.py": "VALUE = 'from layer'\n"})})
    assert published["Version"] == 1
    arn = published["LayerVersionArn"]
    assert client.get_layer_version(LayerName=layer_name, VersionNumber=1)[
        "LayerVersionArn"] == arn
    assert [v["Version"] for v in client.list_layer_versions(LayerName=layer_name)[
        "LayerVersions"]] == [1]
    assert layer_name in [layer["LayerName"] for layer in client.list_layers()["Layers"]]
    name = create_function(client, {"app.py": """
        import shared_util
        def handler(event, context):
            return shared_util.VALUE
    """}, Layers=[arn])
    assert client.get_function_configuration(FunctionName=name)["Layers"][0]["Arn"] == arn
    assert invoke(client, name)[1] == "from layer"
    with pytest.raises(ClientError) as excinfo:
        create_function(client, HELLO, Layers=[arn[:-1] + "9"])
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


def test_another_account_s_layer_not_held_here_is_taken_as_empty(
        emulator: EmulatorHandle) -> None:
    """Templates name layers published for every account, such as Powertools'
    arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-{python_version}-
    x86_64:N (https://docs.aws.amazon.com/powertools/python/latest/, "Lambda Layer"; sharing:
    https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html). Such a
    layer deploys here with no content; the caller's own missing layer is still refused."""
    client = emulator.client("lambda")
    public = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPython:9"
    name = create_function(client, HELLO, Layers=[public])
    assert client.get_function_configuration(FunctionName=name)["Layers"] == [
        {"Arn": public, "CodeSize": 0}]
    assert invoke(client, name, {"name": "x"})[1] == {"hello": "x"}
    own = f"arn:aws:lambda:us-east-1:000000000000:layer:{unique('gone')}:1"
    with pytest.raises(ClientError) as excinfo:
        client.update_function_configuration(FunctionName=name, Layers=[own])
    assert error_of(excinfo) == ("InvalidParameterValueException",
                                 f"Layer version {own} does not exist.")


def test_permissions(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, HELLO)
    with pytest.raises(ClientError) as excinfo:
        client.get_policy(FunctionName=name)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    added = client.add_permission(FunctionName=name, StatementId="s3",
                                  Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                                  SourceArn="arn:aws:s3:::bucket")
    statement = json.loads(added["Statement"])
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}
    with pytest.raises(ClientError) as excinfo:
        client.add_permission(FunctionName=name, StatementId="s3",
                              Action="lambda:InvokeFunction", Principal="*")
    assert error_of(excinfo)[0] == "ResourceConflictException"
    policy = json.loads(client.get_policy(FunctionName=name)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    client.remove_permission(FunctionName=name, StatementId="s3")
    with pytest.raises(ClientError) as excinfo:
        client.remove_permission(FunctionName=name, StatementId="s3")
    assert error_of(excinfo) == ("ResourceNotFoundException",
                                 "Statement s3 is not found in resource policy.")


def test_concurrency_and_tags(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, HELLO)
    arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    assert client.get_function_concurrency(FunctionName=name).get(
        "ReservedConcurrentExecutions") is None
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert client.get_function_concurrency(FunctionName=name)[
        "ReservedConcurrentExecutions"] == 5
    with pytest.raises(ClientError) as excinfo:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=950)
    assert error_of(excinfo)[0] == "InvalidParameterValueException"
    client.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(
        FunctionName=name)
    client.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
    client.untag_resource(Resource=arn, TagKeys=["a"])
    assert client.list_tags(Resource=arn)["Tags"] == {"b": "2"}
