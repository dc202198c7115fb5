"""The supported resource types, one module per service; importing this package registers
every type in ``emulator.cloudformation.resources.TYPES``."""

from emulator.cloudformation.types import (
    apigateway,
    apigatewayv2,
    cloudformation,
    cloudfront,
    cloudtrail,
    cloudwatch,
    cognito,
    custom,
    dynamodb,
    ec2,
    ec2_network,
    ecr,
    events,
    firehose,
    iam,
    iam_users,
    kinesis,
    lambda_,
    logs,
    pipes,
    s3,
    scheduler,
    secrets,
    sns,
    sqs,
    stepfunctions,
    wafv2,
)

__all__ = ["apigateway", "apigatewayv2", "cloudformation", "cloudfront", "cloudtrail", "cloudwatch",
           "cognito", "custom", "dynamodb", "ec2", "ec2_network", "ecr", "events", "firehose",
           "iam", "iam_users", "kinesis", "lambda_",
           "logs", "pipes", "s3", "scheduler", "secrets", "sns", "sqs", "stepfunctions", "wafv2"]
