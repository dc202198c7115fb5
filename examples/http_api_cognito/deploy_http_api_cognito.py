"""Deploy the tasks API: an HTTP API protected by a Cognito user pool through a JWT
authorizer.

* ``GET /tasks`` - any signed-in user, with an ID token or an access token;
* ``DELETE /tasks/{id}`` - only with an access token: the route requires the
  ``aws.cognito.signin.user.admin`` scope, which ID tokens do not carry.

The authorizer trusts the pool's issuer (``{endpoint}/{userPoolId}``) and the app client as
audience. Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_http_api_cognito.py``; it prints the
invoke URL and the app client id. Running it again keeps the pool and its users, and makes
the API afresh.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import new_v2_api, print_invoke_urls, put_function, user_pool, user_pool_client

FUNCTION_DIR = Path(__file__).parent / "function"
ROLE = "arn:aws:iam::000000000000:role/tasks-role"
ADMIN_SCOPE = "aws.cognito.signin.user.admin"


@dataclass
class Deployed:
    api_id: str
    pool_id: str
    client_id: str


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTION_DIR / "tasks_service.py", "tasks_service.py")
    return buffer.getvalue()


def deploy(endpoint_url: str, cognito: Any, apis: Any, lambdas: Any,
           prefix: str = "tasks") -> Deployed:
    """Create the user pool and its app client, the function and the HTTP API."""
    pool_id = user_pool(cognito, prefix)
    client_id = user_pool_client(
        cognito, pool_id, f"{prefix}-web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    function = put_function(lambdas, f"{prefix}-service", code={"ZipFile": package()},
                            Runtime="python3.12", Role=ROLE, Handler="tasks_service.handler")
    api_id = new_v2_api(apis, prefix, ProtocolType="HTTP", CorsConfiguration={
        "AllowOrigins": ["https://tasks.example"], "AllowMethods": ["GET", "DELETE"],
        "AllowHeaders": ["authorization"], "MaxAge": 300})
    authorizer = apis.create_authorizer(
        ApiId=api_id, Name="cognito", AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": f"{endpoint_url.rstrip('/')}/{pool_id}",
                          "Audience": [client_id]})["AuthorizerId"]
    integration = apis.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=function,
        PayloadFormatVersion="2.0")["IntegrationId"]
    for key, scopes in (("GET /tasks", []), ("DELETE /tasks/{id}", [ADMIN_SCOPE])):
        apis.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}",
                          AuthorizationType="JWT", AuthorizerId=authorizer,
                          AuthorizationScopes=scopes)
    apis.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return Deployed(api_id, pool_id, client_id)


if __name__ == "__main__":
    import os

    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
    options = {"endpoint_url": endpoint, "region_name": "us-east-1",
               "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    made = deploy(endpoint, boto3.client("cognito-idp", **options),
                  boto3.client("apigatewayv2", **options), boto3.client("lambda", **options))
    print_invoke_urls(endpoint, made.api_id, "$default", "tasks")
    print(f"app client {made.client_id}")
