"""Deploy the notes API: a REST API whose methods a caching Lambda authorizer protects.

* ``GET /notes`` and ``GET /notes/{id}`` - for every signed-in user;
* ``DELETE /notes/{id}`` - for admins only (the authorizer's policy denies the others).

The authorizer's answer is cached for five minutes under the caller's token, so repeated calls
skip the authorizer function. Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_auth_api.py``; it prints the invoke URL
and a token for the admin ``ada``. Running it again updates the same API.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import empty_rest_api, print_invoke_urls, put_function

FUNCTION_DIR = Path(__file__).parent / "function"
ROLE = "arn:aws:iam::000000000000:role/notes-role"
SECRET = "notes-demo-secret"
CACHE_SECONDS = 300


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("notes_authorizer.py", "notes_service.py"):
            archive.write(FUNCTION_DIR / name, name)
    return buffer.getvalue()


def _uri(region: str, arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"


def deploy(apigateway: Any, lambdas: Any, region: str, prefix: str = "notes") -> str:
    """Create the functions, the authorizer and the API; returns the REST API's id."""
    code = package()
    arns = {}
    for name, handler in (("authorizer", "notes_authorizer.handler"),
                          ("notes", "notes_service.handler")):
        arns[name] = put_function(
            lambdas, f"{prefix}-{name}", code={"ZipFile": code}, Runtime="python3.12",
            Role=ROLE, Handler=handler, Environment={"Variables": {"TOKEN_SECRET": SECRET}})
    api_id, root = empty_rest_api(apigateway, prefix)
    authorizer = apigateway.create_authorizer(
        restApiId=api_id, name="tokens", type="TOKEN",
        authorizerUri=_uri(region, arns["authorizer"]),
        identitySource="method.request.header.Authorization",
        identityValidationExpression=r"^Bearer [a-z]+\.[0-9a-f]{16}$",
        authorizerResultTtlInSeconds=CACHE_SECONDS)["id"]
    notes = apigateway.create_resource(restApiId=api_id, parentId=root, pathPart="notes")["id"]
    note = apigateway.create_resource(restApiId=api_id, parentId=notes, pathPart="{id}")["id"]
    for resource, verb in ((notes, "GET"), (note, "GET"), (note, "DELETE")):
        apigateway.put_method(restApiId=api_id, resourceId=resource, httpMethod=verb,
                              authorizationType="CUSTOM", authorizerId=authorizer)
        apigateway.put_integration(restApiId=api_id, resourceId=resource, httpMethod=verb,
                                   type="AWS_PROXY", integrationHttpMethod="POST",
                                   uri=_uri(region, arns["notes"]))
    apigateway.create_deployment(restApiId=api_id, stageName="prod")
    return str(api_id)


if __name__ == "__main__":
    import boto3

    sys.path.insert(0, str(FUNCTION_DIR))
    from notes_authorizer import sign

    session = boto3.session.Session()
    api_id = deploy(session.client("apigateway"), session.client("lambda"),
                    session.region_name or "us-east-1")
    print_invoke_urls(session.client("apigateway").meta.endpoint_url, api_id, "prod", "notes")
    print(f"Authorization: Bearer ada.{sign('ada', SECRET)}")
