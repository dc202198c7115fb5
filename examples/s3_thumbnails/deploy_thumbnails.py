"""Deploy the thumbnail pipeline: an uploads bucket whose new ``incoming/*.pgm`` objects invoke
the ``thumbnail`` function, which writes to a thumbnails bucket. The function's code is itself
uploaded to a deployments bucket first and created from there, as ``sam deploy`` does.

Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_thumbnails.py``.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import allow, put_function

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::000000000000:role/thumbnails"
UPLOADS, THUMBNAILS, DEPLOYMENTS = "photo-uploads", "photo-thumbnails", "photo-deployments"


@dataclass
class Pipeline:
    uploads: str
    thumbnails: str
    function_arn: str


def _package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTIONS / "thumbnail.py", "thumbnail.py")
    return buffer.getvalue()


def deploy(client: Any) -> Pipeline:
    """``client(service)`` gives a boto3 client for the target endpoint."""
    s3, lam = client("s3"), client("lambda")
    for bucket in (UPLOADS, THUMBNAILS, DEPLOYMENTS):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=DEPLOYMENTS, Key="thumbnail/v1.zip", Body=_package())
    arn = put_function(lam, "thumbnail", Runtime="python3.12", Role=ROLE,
                       Handler="thumbnail.handler", Timeout=30,
                       code={"S3Bucket": DEPLOYMENTS, "S3Key": "thumbnail/v1.zip"},
                       Environment={"Variables": {"OUTPUT_BUCKET": THUMBNAILS}})
    allow(lam, "thumbnail", "s3-invokes", Action="lambda:InvokeFunction",
          Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{UPLOADS}")
    s3.put_bucket_notification_configuration(Bucket=UPLOADS, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{
            "Id": "make-thumbnails", "LambdaFunctionArn": arn,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"},
                                               {"Name": "suffix", "Value": ".pgm"}]}}}]})
    return Pipeline(UPLOADS, THUMBNAILS, arn)


def main() -> None:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    pipeline = deploy(lambda service: boto3.client(service, endpoint_url=endpoint,
                                                   region_name=region))
    print(f"upload .pgm images to s3://{pipeline.uploads}/incoming/; thumbnails appear in "
          f"s3://{pipeline.thumbnails}/thumbnails/")


if __name__ == "__main__":
    main()
