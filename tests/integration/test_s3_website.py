"""A bucket's website configuration through boto3, as ``aws s3 website`` writes it and the AWS
CLI's own integration suite reads it back (tests/integration/customizations/s3/test_plugin.py,
TestWebsiteConfiguration: only the parts given come back).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="site")
    return client


def test_index_and_error_documents_are_stored_and_read_back(s3: Any) -> None:
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    parsed = s3.get_bucket_website(Bucket="site")
    assert parsed["IndexDocument"] == {"Suffix": "index.html"}
    for absent in ("ErrorDocument", "RoutingRules", "RedirectAllRequestsTo"):
        assert absent not in parsed
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"},
                          "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]})
    parsed = s3.get_bucket_website(Bucket="site")
    assert parsed["ErrorDocument"] == {"Key": "error.html"}
    assert parsed["RoutingRules"][0]["Redirect"] == {"ReplaceKeyPrefixWith": "documents/"}


def test_redirect_all_requests(s3: Any) -> None:
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}})
    parsed = s3.get_bucket_website(Bucket="site")
    assert parsed["RedirectAllRequestsTo"] == {"HostName": "example.com", "Protocol": "https"}
    assert "IndexDocument" not in parsed


def test_missing_or_deleted_configuration_is_not_found(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_website(Bucket="site")
    assert caught.value.response["Error"]["Code"] == "NoSuchWebsiteConfiguration"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    s3.delete_bucket_website(Bucket="site")
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_website(Bucket="site")
    assert caught.value.response["Error"]["Code"] == "NoSuchWebsiteConfiguration"
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_website(Bucket="no-such-site")
    assert caught.value.response["Error"]["Code"] == "NoSuchBucket"


@pytest.mark.parametrize("configuration", [
    {"ErrorDocument": {"Key": "error.html"}},  # neither an index document nor a redirect
    {"IndexDocument": {"Suffix": "pages/index.html"}},  # the suffix may not hold a slash
    {"RedirectAllRequestsTo": {"HostName": "example.com"},
     "IndexDocument": {"Suffix": "index.html"}},  # a redirect stands alone
])
def test_invalid_configurations_are_refused(s3: Any, configuration: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_website(Bucket="site", WebsiteConfiguration=configuration)
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket="site")  # nothing was stored
