"""CloudFront key value stores: created and versioned through the CloudFront API, their keys
written and read through the cloudfront-keyvaluestore API with its ETags, and read by a
CloudFront Function (``cf.kvs()``) at the viewer endpoint and through TestFunction.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_UpdateKeys.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudfront_support import behaviour, config, listed, s3_origin, viewer

from emulator.testing import EmulatorHandle

pytest.importorskip("awscrt", reason="cloudfront-keyvaluestore calls are signed with SigV4A")

# A viewer-request function that sends paths listed in the store elsewhere, the documented
# use of cf.kvs(): get() with the json format, exists(), meta().
REDIRECTS = b"""
import cf from 'cloudfront';
const kvs = cf.kvs();

async function handler(event) {
    const request = event.request;
    if (await kvs.exists(request.uri)) {
        const target = await kvs.get(request.uri, { format: 'json' });
        return { statusCode: target.status, statusDescription: 'Moved',
                 headers: { location: { value: target.location } } };
    }
    const meta = await kvs.meta();
    request.headers['x-kvs-keys'] = { value: String(meta.keyCount) };
    try {
        await kvs.get('/missing');
    } catch (error) {
        console.log('no /missing');
    }
    return request;
}
"""


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_key_value_store_config_with_etags(fresh_emulator: EmulatorHandle) -> None:
    cloudfront = fresh_emulator.client("cloudfront")
    created = cloudfront.create_key_value_store(Name="routes", Comment="first")
    store = created["KeyValueStore"]
    assert store["Name"] == "routes" and store["Status"] == "READY"
    assert store["ARN"] == "arn:aws:cloudfront::000000000000:key-value-store/" \
        f"{store['Id']}"
    described = cloudfront.describe_key_value_store(Name="routes")
    assert described["ETag"] == created["ETag"]
    with pytest.raises(ClientError) as caught:
        cloudfront.update_key_value_store(Name="routes", Comment="x", IfMatch="EWRONG")
    assert _code(caught) == "PreconditionFailed"
    updated = cloudfront.update_key_value_store(Name="routes", Comment="second",
                                                IfMatch=created["ETag"])
    assert updated["KeyValueStore"]["Comment"] == "second"
    assert updated["ETag"] != created["ETag"]
    with pytest.raises(ClientError) as caught:
        cloudfront.create_key_value_store(Name="routes")
    assert _code(caught) == "EntityAlreadyExists"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as caught:
        cloudfront.describe_key_value_store(Name="nothing")
    assert _code(caught) == "EntityNotFound"
    with pytest.raises(ClientError) as caught:  # names are [a-zA-Z0-9-_]{1,64}
        cloudfront.create_key_value_store(Name="not a name")
    assert _code(caught) == "InvalidArgument"
    listing = cloudfront.list_key_value_stores()["KeyValueStoreList"]
    assert [item["Name"] for item in listing["Items"]] == ["routes"]
    cloudfront.delete_key_value_store(Name="routes", IfMatch=updated["ETag"])
    assert cloudfront.list_key_value_stores()["KeyValueStoreList"]["Quantity"] == 0


def test_keys_through_the_key_value_store_api(fresh_emulator: EmulatorHandle) -> None:
    cloudfront = fresh_emulator.client("cloudfront")
    arn = cloudfront.create_key_value_store(Name="flags")["KeyValueStore"]["ARN"]
    kvs = fresh_emulator.client("cloudfront-keyvaluestore")
    empty = kvs.describe_key_value_store(KvsARN=arn)
    assert (empty["ItemCount"], empty["TotalSizeInBytes"], empty["Status"]) == (0, 0, "READY")
    with pytest.raises(ClientError) as caught:  # a stale ETag: the write is refused
        kvs.put_key(KvsARN=arn, Key="beta", Value="on", IfMatch="KVSTALE")
    assert _code(caught) == "ConflictException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    put = kvs.put_key(KvsARN=arn, Key="beta", Value="on", IfMatch=empty["ETag"])
    assert (put["ItemCount"], put["TotalSizeInBytes"]) == (1, len("beta") + len("on"))
    assert put["ETag"] != empty["ETag"]
    batch = kvs.update_keys(KvsARN=arn, IfMatch=put["ETag"],
                            Puts=[{"Key": f"k{i}", "Value": str(i)} for i in range(5)],
                            Deletes=[{"Key": "beta"}])
    assert batch["ItemCount"] == 5
    got = kvs.get_key(KvsARN=arn, Key="k3")
    assert (got["Key"], got["Value"], got["ItemCount"]) == ("k3", "3", 5)
    first = kvs.list_keys(KvsARN=arn, MaxResults=2)
    rest = kvs.list_keys(KvsARN=arn, NextToken=first["NextToken"])
    assert [i["Key"] for i in first["Items"] + rest["Items"]] == [f"k{i}" for i in range(5)]
    assert "NextToken" not in rest
    gone = kvs.delete_key(KvsARN=arn, Key="k0", IfMatch=batch["ETag"])
    assert gone["ItemCount"] == 4
    with pytest.raises(ClientError) as caught:
        kvs.get_key(KvsARN=arn, Key="k0")
    assert _code(caught) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:  # values are 1,024 characters at most
        kvs.put_key(KvsARN=arn, Key="big", Value="x" * 1025, IfMatch=gone["ETag"])
    assert _code(caught) == "ValidationException"
    assert kvs.describe_key_value_store(KvsARN=arn)["ItemCount"] == 4  # nothing half-done
    with pytest.raises(ClientError) as caught:
        kvs.describe_key_value_store(
            KvsARN=arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000")
    assert _code(caught) == "ResourceNotFoundException"


def test_a_store_imported_from_s3(fresh_emulator: EmulatorHandle) -> None:
    # The file format AWS documents (kvs-with-functions-create-s3-kvp.html).
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="seed")
    s3.put_object(Bucket="seed", Key="keys.json", Body=json.dumps({"data": [
        {"key": "a", "value": "1"}, {"key": "b", "value": "2"}]}).encode())
    s3.put_object(Bucket="seed", Key="twice.json", Body=json.dumps({"data": [
        {"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}).encode())
    cloudfront = fresh_emulator.client("cloudfront")
    arn = cloudfront.create_key_value_store(Name="seeded", ImportSource={
        "SourceType": "S3", "SourceARN": "arn:aws:s3:::seed/keys.json"})["KeyValueStore"]["ARN"]
    kvs = fresh_emulator.client("cloudfront-keyvaluestore")
    assert [i["Key"] for i in kvs.list_keys(KvsARN=arn)["Items"]] == ["a", "b"]
    for key in ("twice.json", "missing.json"):
        with pytest.raises(ClientError) as caught:
            cloudfront.create_key_value_store(Name="bad", ImportSource={
                "SourceType": "S3", "SourceARN": f"arn:aws:s3:::seed/{key}"})
        assert _code(caught) == "InvalidArgument"
    assert cloudfront.list_key_value_stores()["KeyValueStoreList"]["Quantity"] == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_a_function_reads_its_store(fresh_emulator: EmulatorHandle) -> None:
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="index.html", Body=b"home")
    cloudfront = fresh_emulator.client("cloudfront")
    store = cloudfront.create_key_value_store(Name="redirects")
    arn = store["KeyValueStore"]["ARN"]
    kvs = fresh_emulator.client("cloudfront-keyvaluestore")
    kvs.put_key(KvsARN=arn, Key="/old", IfMatch=kvs.describe_key_value_store(KvsARN=arn)["ETag"],
                Value=json.dumps({"status": 301, "location": "/new"}))
    function_config: dict[str, Any] = {
        "Comment": "", "Runtime": "cloudfront-js-2.0",
        "KeyValueStoreAssociations": listed([{"KeyValueStoreARN": arn}])}
    created = cloudfront.create_function(Name="redirects", FunctionConfig=function_config,
                                         FunctionCode=REDIRECTS)
    published = cloudfront.publish_function(Name="redirects", IfMatch=created["ETag"])
    function_arn = published["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]

    event = {"version": "1.0", "context": {"eventType": "viewer-request"},
             "viewer": {"ip": "198.51.100.11"},
             "request": {"method": "GET", "uri": "/old", "querystring": {}, "headers": {},
                         "cookies": {}}}
    tested = cloudfront.test_function(Name="redirects", IfMatch=created["ETag"],
                                      EventObject=json.dumps(event).encode())["TestResult"]
    assert tested["FunctionErrorMessage"] == ""
    output = json.loads(tested["FunctionOutput"])["response"]
    assert output["statusCode"] == 301 and output["headers"]["location"] == {"value": "/new"}

    distribution = cloudfront.create_distribution(DistributionConfig=config(
        [s3_origin("site")], behaviour("bucket", FunctionAssociations=listed(
            [{"EventType": "viewer-request", "FunctionARN": function_arn}]))))
    with viewer(fresh_emulator, distribution["Distribution"]["Id"]) as client:
        moved = client.get("/old")
        assert moved.status_code == 301 and moved.headers["location"] == "/new"
        assert client.get("/index.html").content == b"home"
        # A key written later is read by the next request.
        kvs.put_key(KvsARN=arn, Key="/index.html",
                    IfMatch=kvs.describe_key_value_store(KvsARN=arn)["ETag"],
                    Value=json.dumps({"status": 302, "location": "/elsewhere"}))
        assert client.get("/index.html").headers["location"] == "/elsewhere"
    with pytest.raises(ClientError) as caught:
        cloudfront.delete_key_value_store(Name="redirects", IfMatch=store["ETag"])
    assert _code(caught) == "CannotDeleteEntityWhileInUse"
