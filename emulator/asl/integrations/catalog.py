"""What Step Functions can call: its optimized integrations and the AWS SDK services.

The optimized table lists AWS's integrations with the patterns each supports (request-response
is ""). AWS SDK integrations name a service by its SDK client name in lower case (``sfn``,
``eventbridge``, ``cloudwatchlogs``) and an action in camel case; both are looked up in
botocore's models, which this module reads directly (the engine does not use the wire layer).
"""

from __future__ import annotations

import re
from functools import cache

import botocore.session

RR, SYNC, SYNC2, CALLBACK = "", ".sync", ".sync:2", ".waitForTaskToken"
_RR_CB = frozenset({RR, CALLBACK})
_RR_SYNC = frozenset({RR, SYNC})
_ALL = frozenset({RR, SYNC, CALLBACK})
_RR = frozenset({RR})

# service -> action -> patterns, as AWS's optimized integrations table lists them.
OPTIMIZED: dict[str, dict[str, frozenset[str]]] = {
    "lambda": {"invoke": _RR_CB},
    "sqs": {"sendMessage": _RR_CB},
    "sns": {"publish": _RR_CB},
    "events": {"putEvents": _RR_CB},
    "states": {"startExecution": frozenset({RR, SYNC, SYNC2, CALLBACK})},
    "http": {"invoke": _RR},
    "apigateway": {"invoke": _RR_CB},
    "dynamodb": {"getItem": _RR, "putItem": _RR, "updateItem": _RR, "deleteItem": _RR},
    "athena": {"startQueryExecution": _RR_SYNC, "stopQueryExecution": _RR,
               "getQueryExecution": _RR, "getQueryResults": _RR},
    "batch": {"submitJob": _RR_SYNC},
    "bedrock": {"invokeModel": _RR, "createModelCustomizationJob": frozenset({RR, SYNC})},
    "codebuild": {"startBuild": _RR_SYNC, "stopBuild": _RR, "batchDeleteBuilds": _RR,
                  "batchGetReports": _RR, "startBuildBatch": _RR_SYNC},
    "ecs": {"runTask": _ALL},
    "eks": {"createCluster": _RR_SYNC, "deleteCluster": _RR_SYNC,
            "createNodegroup": _RR_SYNC, "deleteNodegroup": _RR_SYNC,
            "createFargateProfile": _RR_SYNC, "deleteFargateProfile": _RR_SYNC,
            "runJob": _RR_SYNC, "call": _RR},
    "elasticmapreduce": {"createCluster": _RR_SYNC, "terminateCluster": _RR_SYNC,
                         "addStep": _RR_SYNC, "cancelStep": _RR,
                         "setClusterTerminationProtection": _RR,
                         "modifyInstanceFleetByName": _RR, "modifyInstanceGroupByName": _RR},
    "emr-containers": {"startJobRun": _RR_SYNC, "createVirtualCluster": _RR,
                       "deleteVirtualCluster": _RR_SYNC},
    "emr-serverless": {"createApplication": _RR_SYNC, "startApplication": _RR_SYNC,
                       "stopApplication": _RR_SYNC, "deleteApplication": _RR_SYNC,
                       "startJobRun": _RR_SYNC, "cancelJobRun": _RR_SYNC},
    "glue": {"startJobRun": _RR_SYNC},
    "databrew": {"startJobRun": _RR_SYNC},
    "mediaconvert": {"createJob": _RR_SYNC},
    "sagemaker": {"createTrainingJob": _RR_SYNC, "createTransformJob": _RR_SYNC,
                  "createProcessingJob": _RR_SYNC, "createEndpoint": _RR,
                  "createEndpointConfig": _RR, "createHyperParameterTuningJob": _RR_SYNC,
                  "createLabelingJob": _RR_SYNC, "createModel": _RR, "updateEndpoint": _RR},
}

# Optimized integrations: the error-name prefix, and the SDK's generic exception for errors
# the service does not model (Step Functions' optimized integrations use the SDK for Java 1.x).
OPTIMIZED_ERRORS: dict[str, tuple[str, str]] = {
    "lambda": ("Lambda", "AWSLambdaException"),
    "sqs": ("SQS", "AmazonSQSException"),
    "sns": ("SNS", "AmazonSNSException"),
    "events": ("EventBridge", "AmazonEventBridgeException"),
    "states": ("StepFunctions", "AWSStepFunctionsException"),
    "dynamodb": ("DynamoDB", "AmazonDynamoDBException"),
    "apigateway": ("ApiGateway", "AmazonApiGatewayException"),
}

# The SDK for Java 1.x's service names, in its error messages, where they are not the generic
# exception's name without "Exception".
_SDK_V1_SERVICE_NAMES = {"dynamodb": "AmazonDynamoDBv2"}


def sdk_v1_service_name(service: str, generic: str) -> str:
    """The service name an optimized integration's cause quotes: ``AmazonDynamoDBv2``."""
    return _SDK_V1_SERVICE_NAMES.get(service, generic.removesuffix("Exception"))


# Optimized actions run through the same code as their AWS SDK equivalent.
OPTIMIZED_AS_SDK = {"dynamodb": "dynamodb"}

# SDK client names whose botocore name is not the client name without hyphens.
_SDK_NAMES = {
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "cognitoidentityprovider": "cognito-idp",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "databasemigration": "dms",
    "costexplorer": "ce",
    "configservice": "config",
    "emrcontainers": "emr-containers",
    "emrserverless": "emr-serverless",
}


def optimized_supports(service: str, action: str, pattern: str) -> bool:
    return pattern in OPTIMIZED.get(service, {}).get(action, frozenset())


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def _available() -> frozenset[str]:
    loader = _session().get_component("data_loader")
    return frozenset(loader.list_available_services("service-2"))


@cache
def botocore_service(sdk_name: str) -> str | None:
    """The botocore name of an AWS SDK integration's service (``sfn`` -> ``stepfunctions``)."""
    if sdk_name in _SDK_NAMES:
        return _SDK_NAMES[sdk_name]
    if sdk_name in _available():
        return sdk_name
    matches = [name for name in _available() if name.replace("-", "") == sdk_name]
    return matches[0] if len(matches) == 1 else None


@cache
def _operations(service: str) -> dict[str, str]:
    model = _session().get_service_model(service)
    return {name[0].lower() + name[1:]: name for name in model.operation_names}


def sdk_operation(sdk_name: str, action: str) -> tuple[str, str] | None:
    """(botocore service, operation name) for ``aws-sdk:<sdk_name>:<action>``, or None."""
    service = botocore_service(sdk_name)
    if service is None or not action[:1].islower():
        return None
    operation = _operations(service).get(action)
    return None if operation is None else (service, operation)


@cache
def service_id(service: str) -> str:
    return str(_session().get_service_model(service).metadata.get("serviceId", service))


_UPPER_RUN = re.compile(r"([A-Z])([A-Z]+)$")


def pascal_name(service_id_text: str) -> str:
    """The SDK client's name for a service id: ``SQS`` -> ``Sqs``, ``DynamoDB`` -> ``DynamoDb``,
    ``CloudWatch Logs`` -> ``CloudWatchLogs``; errors of AWS SDK integrations start with it."""
    out = []
    for word in re.split(r"[\s_-]+", service_id_text):
        if not word:
            continue
        if word.isupper():
            out.append(word[0] + word[1:].lower())
        else:
            out.append(_UPPER_RUN.sub(lambda m: m.group(1) + m.group(2).lower(),
                                      word[0].upper() + word[1:]))
    return "".join(out)


def sdk_error_prefix(sdk_name: str) -> str:
    service = botocore_service(sdk_name)
    if service is None:
        return sdk_name.capitalize()
    return pascal_name(service_id(service))


def exception_name(prefix: str, code: str) -> str:
    """``Prefix.CodeException``: Step Functions adds the suffix when the code lacks it."""
    return f"{prefix}.{code}" if code.endswith("Exception") else f"{prefix}.{code}Exception"


def optimized_operation(service: str, action: str, pattern: str = "") -> tuple[str, str] | None:
    """The botocore (service, operation) an optimized integration calls (for .sync, the
    operation whose response the task returns)."""
    if service == "states" and pattern in (SYNC, SYNC2):
        return "stepfunctions", "DescribeExecution"
    names = {"states": "stepfunctions", "elasticmapreduce": "emr"}
    botocore_name = names.get(service, service)
    if botocore_name not in _available():
        return None
    operation = _operations(botocore_name).get(action)
    return None if operation is None else (botocore_name, operation)


__all__ = [
    "CALLBACK", "OPTIMIZED", "OPTIMIZED_AS_SDK", "OPTIMIZED_ERRORS", "RR", "SYNC", "SYNC2",
    "botocore_service", "exception_name", "optimized_operation", "optimized_supports",
    "pascal_name", "sdk_error_prefix", "sdk_operation", "sdk_v1_service_name", "service_id",
]
