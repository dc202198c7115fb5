"""Files each queued note in the table, stamped with the stage."""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    for record in event["Records"]:
        note = json.loads(record["body"])
        table.put_item(Item={**note, "stage": os.environ["STAGE"]})
