"""POST /notes queues a note for filing and answers its id; GET /notes/{id} reads it."""

import json
import os
import uuid

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
sqs = boto3.client("sqs")


def handler(event, context):
    if event["httpMethod"] == "POST":
        note = json.loads(event.get("body") or "{}")
        note_id = note.get("id") or uuid.uuid4().hex[:8]
        sqs.send_message(QueueUrl=os.environ["INBOX_URL"],
                         MessageBody=json.dumps({"id": note_id, "text": note.get("text", "")}))
        return {"statusCode": 202, "body": json.dumps({"id": note_id})}
    item = table.get_item(Key={"id": event["pathParameters"]["id"]}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"message": "no such note"})}
    return {"statusCode": 200, "body": json.dumps(item)}
