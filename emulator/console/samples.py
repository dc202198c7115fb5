"""Sample events for the Lambda test form, shaped as the common sources send them."""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "000000000000"
REGION = "us-east-1"

SAMPLES: dict[str, dict[str, Any]] = {
    "Empty object": {},
    "API Gateway REST proxy": {
        "resource": "/orders/{id}", "path": "/orders/42", "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "abc123.execute-api.localhost"},
        "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": {"verbose": "true"},
        "multiValueQueryStringParameters": {"verbose": ["true"]},
        "pathParameters": {"id": "42"}, "stageVariables": None,
        "requestContext": {"resourcePath": "/orders/{id}", "httpMethod": "GET",
                           "stage": "prod", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                           "accountId": ACCOUNT, "apiId": "abc123",
                           "identity": {"sourceIp": "127.0.0.1"}},
        "body": None, "isBase64Encoded": False,
    },
    "HTTP API (payload 2.0)": {
        "version": "2.0", "routeKey": "POST /orders", "rawPath": "/orders",
        "rawQueryString": "", "headers": {"content-type": "application/json"},
        "requestContext": {"accountId": ACCOUNT, "apiId": "abc123", "stage": "$default",
                           "http": {"method": "POST", "path": "/orders", "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": "curl/8"},
                           "requestId": "JKJaXmPLvHcESHA=", "routeKey": "POST /orders"},
        "body": "{\"item\": \"book\", \"quantity\": 1}", "isBase64Encoded": False,
    },
    "SQS message": {"Records": [{
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": "{\"orderId\": 42}",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183",
                       "SenderId": ACCOUNT, "ApproximateFirstReceiveTimestamp": "1545082649185"},
        "messageAttributes": {}, "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders",
        "awsRegion": REGION}]},
    "SNS notification": {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders:2bcfbf39",
        "Sns": {"Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders", "Subject": "order",
                "Message": "{\"orderId\": 42}", "Timestamp": "2024-01-01T12:00:00.000Z",
                "MessageAttributes": {}}}]},
    "EventBridge event": {
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "Order Submitted", "source": "shop.orders", "account": ACCOUNT,
        "time": "2024-01-01T12:00:00Z", "region": REGION, "resources": [],
        "detail": {"orderId": 42, "total": 99.5}},
    "Scheduled event": {
        "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event", "source": "aws.events", "account": ACCOUNT,
        "time": "2024-01-01T12:00:00Z", "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/every-minute"], "detail": {}},
    "S3 object created": {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": "2024-01-01T12:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "uploads",
                                                     "arn": "arn:aws:s3:::uploads"},
               "object": {"key": "photos/cat.jpg", "size": 1024,
                          "eTag": "d41d8cd98f00b204e9800998ecf8427e"}}}]},
    "DynamoDB stream record": {"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": REGION,
        "dynamodb": {"Keys": {"pk": {"S": "order#42"}},
                     "NewImage": {"pk": {"S": "order#42"}, "total": {"N": "99.5"}},
                     "SequenceNumber": "111", "SizeBytes": 26,
                     "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "eventSourceARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/"
                          "2024-01-01T00:00:00.000"}]},
}


def sample_texts() -> dict[str, str]:
    """Each sample as the JSON text the form shows."""
    return {name: json.dumps(event, indent=2) for name, event in SAMPLES.items()}


__all__ = ["SAMPLES", "sample_texts"]
