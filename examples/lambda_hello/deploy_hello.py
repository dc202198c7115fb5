"""Deploy the greeting function: zipped (as on AWS), or from its folder for hot reload.

Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_hello.py``; add ``--hot-reload`` to
serve the folder in place, so edits apply on the next invocation.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import put_function

FUNCTION_DIR = Path(__file__).parent / "function"
NAME = "hello"
ROLE = "arn:aws:iam::000000000000:role/hello-role"


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(FUNCTION_DIR.glob("*.py")):
            archive.write(path, path.name)
    return buffer.getvalue()


def deploy(client: Any, *, hot_reload: bool = False, name: str = NAME) -> str:
    code = ({"S3Bucket": "hot-reload", "S3Key": str(FUNCTION_DIR.resolve())} if hot_reload
            else {"ZipFile": package()})
    put_function(client, name, code=code, Runtime="python3.12", Role=ROLE,
                 Handler="app.handler", Timeout=5,
                 Environment={"Variables": {"DEFAULT_NAME": "world"}})
    return name


if __name__ == "__main__":
    import boto3

    print(deploy(boto3.client("lambda"), hot_reload="--hot-reload" in sys.argv))
