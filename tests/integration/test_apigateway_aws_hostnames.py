"""An API's invoke URL under AWS's own name, ``https://{apiId}.execute-api.{region}.amazonaws.com
/{stage}/...``, reaches the API: a function that calls the URL its stack outputs (the runtime
sends ``amazonaws.com`` names to the emulator, keeping the Host) gets the API's answer, not an
S3 error for a bucket named after the stage.

aws-samples/serverless-test-samples' typescript-test-samples/apigw-lambda-external (a function
calling ``https://${MockApi}.execute-api.${AWS::Region}.amazonaws.com/Volatile/{city}``, its
integration test expecting 200) got ``InvalidBucketName`` before.

Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html
(a REST API's invoke URL: ``https://{restapi_id}.execute-api.{region}.amazonaws.com/{stage_name}/``).
"""

from __future__ import annotations

import json
import shutil

import httpx
import pytest
from apigateway_support import new_api
from lambda_support import ROLE, unique, zip_of

from emulator.testing import EmulatorHandle

NODE_GET = """
const https = require('https');
exports.handler = (event) => new Promise((resolve, reject) => {
  https.get(event.url, (res) => {
    let body = '';
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => resolve({ status: res.statusCode, body }));
  }).on('error', reject);
});
"""


def _aws_host(api_id: str, region: str) -> str:
    return f"{api_id}.execute-api.{region}.amazonaws.com"


def test_rest_api_answers_at_its_aws_host_name(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "aws-host-name")
    api.mock("/ping", body='{"pong": true}')
    api.deploy("Volatile")
    host = _aws_host(api.id, emulator.region)
    reply = httpx.get(f"{emulator.endpoint_url}/Volatile/ping", headers={"Host": host})
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"pong": True}
    # A path the API lacks answers as API Gateway does, not as S3.
    missing = httpx.get(f"{emulator.endpoint_url}/Volatile/nowhere", headers={"Host": host})
    assert missing.status_code == 403
    assert missing.json() == {"message": "Missing Authentication Token"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_function_calls_the_api_by_its_aws_invoke_url(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "aws-url-from-function")
    api.mock("/weather/{city}", body='{"temperature": "+8"}')
    api.deploy("Volatile")
    name = unique("aws-url")
    lam = emulator.client("lambda")
    lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE,
                        Handler="index.handler", Code={"ZipFile": zip_of({"index.js": NODE_GET})})
    url = f"https://{_aws_host(api.id, emulator.region)}/Volatile/weather/London"
    got = lam.invoke(FunctionName=name, Payload=json.dumps({"url": url}).encode())
    result = json.loads(got["Payload"].read())
    assert "FunctionError" not in got, result
    assert result["status"] == 200, result
    assert json.loads(result["body"]) == {"temperature": "+8"}
