"""The AWS CDK CLI against the emulator, end to end: bootstrap, deploy a Node.js function
behind a LambdaRestApi that reads and writes a DynamoDB table, call the API, destroy. Slow
(a real CLI) and skipped unless ``cdk`` and ``aws-cdk-lib`` are installed (``npm install -g
aws-cdk aws-cdk-lib constructs``, or on PATH and NODE_PATH). Also, without the CLI: a Node.js
function using the AWS SDK v3 it does not bundle, as Lambda's Node.js 18+ runtimes allow.

- https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
- https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html (the SDK in the runtime)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow

HANDLER = """
const { DynamoDBClient, PutItemCommand, GetItemCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async (event) => {
  const id = (event.queryStringParameters || {}).id || 'none';
  await client.send(new PutItemCommand({ TableName: process.env.TABLE_NAME,
                                         Item: { pk: { S: id } } }));
  const got = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME,
                                                     Key: { pk: { S: id } } }));
  return { statusCode: 200, body: JSON.stringify({ stored: got.Item.pk.S, path: event.path }) };
};
"""

APP = """
const path = require('path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const apigw = require('aws-cdk-lib/aws-apigateway');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const s3 = require('aws-cdk-lib/aws-s3');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'EmulatorTrial');
const table = new dynamodb.Table(stack, 'Items', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  removalPolicy: cdk.RemovalPolicy.DESTROY });
new s3.Bucket(stack, 'Uploads', { removalPolicy: cdk.RemovalPolicy.DESTROY,
                                  autoDeleteObjects: true });
const fn = new lambda.Function(stack, 'Handler', {
  runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler',
  code: lambda.Code.fromAsset(path.join(__dirname, 'handler')),
  environment: { TABLE_NAME: table.tableName } });
table.grantReadWriteData(fn);
const api = new apigw.LambdaRestApi(stack, 'Api', { handler: fn });
new cdk.CfnOutput(stack, 'ApiId', { value: api.restApiId });
"""


def _cdk(folder: Path) -> list[str]:
    cdk = shutil.which("cdk")
    if cdk is None:
        pytest.skip("the AWS CDK CLI is not installed")
    node = need("node")
    found = subprocess.run([node, "-e", "require.resolve('aws-cdk-lib')"], cwd=folder,
                           capture_output=True, check=False)
    if found.returncode != 0:
        pytest.skip("aws-cdk-lib is not installed")
    return [cdk]


def test_cdk_bootstrap_deploy_call_and_destroy(emulator: EmulatorHandle,
                                               tmp_path: Path) -> None:
    need("npm")
    (tmp_path / "handler").mkdir()
    (tmp_path / "handler" / "index.js").write_text(HANDLER)
    (tmp_path / "app.js").write_text(APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "node app.js"}))
    cdk = _cdk(tmp_path)
    environment = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint_url,
                   "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                   "CDK_DISABLE_VERSION_CHECK": "1"}

    def run(*args: str) -> str:
        done = subprocess.run([*cdk, *args], cwd=tmp_path, env=environment,
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    account = emulator.client("sts").get_caller_identity()["Account"]
    run("bootstrap", f"aws://{account}/us-east-1")
    run("deploy", "--require-approval", "never")
    cfn = emulator.client("cloudformation")
    stack = cfn.describe_stacks(StackName="EmulatorTrial")["Stacks"][0]
    api_id = next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "ApiId")
    reply = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/{api_id}/prod/items",
                      params={"id": "abc"}, timeout=60)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"stored": "abc", "path": "/items"}
    run("destroy", "--force")
    assert not [s for s in cfn.list_stacks()["StackSummaries"]
                if s["StackName"] == "EmulatorTrial" and s["StackStatus"] != "DELETE_COMPLETE"]


SDK_HANDLERS = {
    "index.js": """
        const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
        exports.handler = async () => {
          const identity = await new STSClient({}).send(new GetCallerIdentityCommand({}));
          return { account: identity.Account };
        };
    """,
    # ES modules never read NODE_PATH; Lambda's runtime still lets them import the SDK.
    "index.mjs": """
        import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
        export const handler = async () => {
          const identity = await new STSClient({}).send(new GetCallerIdentityCommand({}));
          return { account: identity.Account };
        };
    """,
}


@pytest.mark.parametrize("source", sorted(SDK_HANDLERS))
def test_a_node_function_uses_the_runtime_sdk(emulator: EmulatorHandle, source: str) -> None:
    need("node")
    need("npm")
    name = unique("node-sdk")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
        Timeout=60, Code={"ZipFile": zip_of({source: SDK_HANDLERS[source]})})
    reply = emulator.client("lambda").invoke(FunctionName=name)
    assert "FunctionError" not in reply, reply["Payload"].read()
    assert json.loads(reply["Payload"].read()) == {"account": "000000000000"}
