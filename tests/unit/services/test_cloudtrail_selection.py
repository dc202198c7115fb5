"""Which calls a trail's event selectors take, as
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html (S3 object
prefixes, exact Lambda ARNs, the ``arn:aws:s3``/``arn:aws:lambda`` wildcards) and
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
(every field selector must hold) describe them."""

from __future__ import annotations

from typing import Any

from emulator.api_calls import ApiCall
from emulator.services.cloudtrail.models import TrailRecord
from emulator.services.cloudtrail.selection import has_data, logs

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:work"


def _call(service: str, operation: str, data: bool = True, **params: Any) -> ApiCall:
    return ApiCall(time=0.0, service=service, operation=operation, account="000000000000",
                   region="us-east-1", access_key="k", source_ip="127.0.0.1", user_agent="u",
                   request_id="r", params=params, result={}, data=data)


def _trail(**selectors: Any) -> TrailRecord:
    return TrailRecord(name="t", arn="arn", home_region="us-east-1", bucket="b", **selectors)


def test_a_trail_without_selectors_logs_management_events_only() -> None:
    trail = _trail()
    assert logs(trail, _call("sqs", "CreateQueue", data=False, QueueName="q"))
    assert not logs(trail, _call("s3", "PutObject", Bucket="b", Key="k"))
    assert not has_data(trail)


def test_basic_selectors_take_bucket_prefixes_and_exact_functions() -> None:
    trail = _trail(event_selectors=[{
        "ReadWriteType": "WriteOnly", "IncludeManagementEvents": False, "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::img/uploads/"]},
            {"Type": "AWS::Lambda::Function", "Values": [FUNCTION]}]}])
    assert has_data(trail)
    assert logs(trail, _call("s3", "PutObject", Bucket="img", Key="uploads/a.png"))
    assert not logs(trail, _call("s3", "PutObject", Bucket="img", Key="other/a.png"))
    assert not logs(trail, _call("s3", "PutObject", Bucket="img2", Key="uploads/a.png"))
    assert logs(trail, _call("lambda", "Invoke", FunctionName="work"))
    assert logs(trail, _call("lambda", "Invoke", FunctionName=FUNCTION))
    assert not logs(trail, _call("lambda", "Invoke", FunctionName="workers"))
    assert not logs(trail, _call("sqs", "CreateQueue", data=False, QueueName="q"))


def test_the_service_wide_values_take_every_resource() -> None:
    trail = _trail(event_selectors=[{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    assert logs(trail, _call("s3", "DeleteObject", Bucket="any", Key="k"))
    assert logs(trail, _call("sqs", "CreateQueue", data=False, QueueName="q"))


def test_a_read_only_selector_skips_writes() -> None:
    trail = _trail(event_selectors=[{"ReadWriteType": "ReadOnly", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    assert not logs(trail, _call("s3", "PutObject", Bucket="b", Key="k"))


def test_advanced_selectors_need_every_field_to_hold() -> None:
    trail = _trail(advanced_event_selectors=[{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::img/"]},
        {"Field": "eventName", "NotEquals": ["DeleteObject"]}]}])
    assert has_data(trail)
    assert logs(trail, _call("s3", "PutObject", Bucket="img", Key="a"))
    assert not logs(trail, _call("s3", "DeleteObject", Bucket="img", Key="a"))
    assert not logs(trail, _call("s3", "PutObject", Bucket="other", Key="a"))
    assert not logs(trail, _call("sqs", "CreateQueue", data=False, QueueName="q"))
