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
from collections.abc import Callable
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


def _runner(emulator: EmulatorHandle, folder: Path) -> Callable[..., str]:
    """Runs the CDK CLI in ``folder`` against the emulator (extra keywords: environment
    variables for the app), asserting it succeeds; returns its output."""
    cdk = _cdk(folder)
    environment = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint_url,
                   "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                   "CDK_DISABLE_VERSION_CHECK": "1"}

    def run(*args: str, **extra: str) -> str:
        done = subprocess.run([*cdk, *args], cwd=folder, env={**environment, **extra},
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr
    return run


def test_cdk_bootstrap_deploy_call_and_destroy(emulator: EmulatorHandle,
                                               tmp_path: Path) -> None:
    need("npm")
    (tmp_path / "handler").mkdir()
    (tmp_path / "handler" / "index.js").write_text(HANDLER)
    (tmp_path / "app.js").write_text(APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "node app.js"}))
    run = _runner(emulator, tmp_path)

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


NOTIFIED_APP = """
const path = require('path');
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const s3 = require('aws-cdk-lib/aws-s3');
const s3n = require('aws-cdk-lib/aws-s3-notifications');
const sqs = require('aws-cdk-lib/aws-sqs');
const cr = require('aws-cdk-lib/custom-resources');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'EmulatorNotified');
const queue = new sqs.Queue(stack, 'Uploads');
const bucket = new s3.Bucket(stack, 'Bucket', { removalPolicy: cdk.RemovalPolicy.DESTROY,
                                              autoDeleteObjects: true });
bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(queue),
                            { prefix: 'uploads/' });
const onEvent = new lambda.Function(stack, 'OnEvent', {
  runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.main',
  code: new lambda.InlineCode(fs.readFileSync(path.join(__dirname, 'handler.py'), 'utf-8')) });
const provider = new cr.Provider(stack, 'Provider', { onEventHandler: onEvent });
const echo = new cdk.CustomResource(stack, 'Echo', { serviceToken: provider.serviceToken,
  properties: { message: process.env.MESSAGE || 'hello', loud: true } });
new cdk.CfnOutput(stack, 'Said', { value: echo.getAttString('Response') });
new cdk.CfnOutput(stack, 'BucketName', { value: bucket.bucketName });
new cdk.CfnOutput(stack, 'QueueUrl', { value: queue.queueUrl });
"""

# A handler that answers with cfn-response itself, then returns nothing: the Provider
# framework answers a second time, and CloudFormation keeps the first answer.
NOTIFIED_HANDLER = """
def main(event, context):
    import cfnresponse
    props = event['ResourceProperties']
    said = props['message'].upper() if props['loud'] == 'true' else props['message']
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {'Response': said}, 'echo')
"""


def test_cdk_s3_notifications_and_a_provider_framework_resource(
        emulator: EmulatorHandle, tmp_path: Path) -> None:
    """The CDK's bucket notifications handler reads its boolean property as the string
    CloudFormation sends; the Provider framework's second answer does not replace the
    handler's first (deployed twice, so the update answers too)."""
    need("npm")
    (tmp_path / "handler.py").write_text(NOTIFIED_HANDLER)
    (tmp_path / "app.js").write_text(NOTIFIED_APP)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "node app.js"}))
    run = _runner(emulator, tmp_path)

    cfn, s3, sqs = (emulator.client(name) for name in ("cloudformation", "s3", "sqs"))
    account = emulator.client("sts").get_caller_identity()["Account"]
    run("bootstrap", f"aws://{account}/us-east-1")
    run("deploy", "--require-approval", "never")

    def outputs() -> dict[str, str]:
        stack = cfn.describe_stacks(StackName="EmulatorNotified")["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    assert outputs()["Said"] == "HELLO"
    out = outputs()
    s3.put_object(Bucket=out["BucketName"], Key="uploads/a.txt", Body=b"a")
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(
        QueueUrl=out["QueueUrl"], MaxNumberOfMessages=10, WaitTimeSeconds=5).get("Messages", [])]
    assert any(record["s3"]["object"]["key"] == "uploads/a.txt"
               for body in bodies for record in body.get("Records", []))
    run("deploy", "--require-approval", "never", MESSAGE="again")
    assert outputs()["Said"] == "AGAIN"
    run("destroy", "--force")
