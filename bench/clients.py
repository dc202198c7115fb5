"""What a benchmark needs to talk to an endpoint: boto3 clients with test credentials, and the
one-file archives of its functions."""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/bench"
# A failed call is not retried: a retry would hide in the timings.
ONE_TRY = {"mode": "standard", "max_attempts": 1}


def client(service: str, endpoint_url: str, **config: Any) -> Any:
    """A boto3 client of ``endpoint_url``; ``config`` are botocore Config options."""
    return boto3.client(
        service, endpoint_url=endpoint_url, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        # A copy: botocore rewrites the retries dict it is given.
        config=Config(**copy.deepcopy(config)) if config else None,
    )


def function_zip(source: str) -> bytes:
    """A deployment package holding ``source`` as app.py."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


__all__ = ["ONE_TRY", "REGION", "ROLE", "client", "function_zip"]
