"""AWS::CloudWatch::Alarm, CompositeAlarm and Dashboard through CloudFormation, as SAM
applications declare them beside their functions (alarms on Lambda and API Gateway metrics
that notify an SNS topic, a dashboard whose body is an Fn::Sub), read back through boto3.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html:
Ref is the alarm's name, Fn::GetAtt Arn its ARN; an update "completely overwrites the previous
configuration of the alarm" (in place: the alarm keeps its name).
"""

from __future__ import annotations

import json

from cloudformation_support import create, delete, outputs, physical_ids, stack_name, update

from emulator.testing import EmulatorHandle

TEMPLATE = """
Parameters:
  Threshold: {Type: Number, Default: 1}
Resources:
  Topic: {Type: AWS::SNS::Topic}
  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions: [!Ref Topic]
      ComparisonOperator: GreaterThanOrEqualToThreshold
      Dimensions: [{Name: FunctionName, Value: my-function}]
      EvaluationPeriods: 1
      MetricName: Errors
      Namespace: AWS/Lambda
      Period: 60
      Statistic: Sum
      Threshold: !Ref Threshold
      Tags: [{Key: team, Value: !Sub "t${Threshold}"}]
  Named:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: !Sub "${AWS::StackName}-throttles"
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 2
      MetricName: Throttles
      Namespace: AWS/Lambda
      Period: 300
      Statistic: Maximum
      Threshold: 0
  Either:
    Type: AWS::CloudWatch::CompositeAlarm
    Properties:
      AlarmRule: !Sub 'ALARM("${Errors}") OR ALARM("${Named}")'
      AlarmActions: [!Ref Topic]
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties:
      DashboardName: !Sub "${AWS::StackName}-dashboard"
      DashboardBody: !Sub '{"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 6,
        "height": 6, "properties": {"metrics": [["AWS/Lambda", "Errors", "FunctionName",
        "my-function"]], "region": "${AWS::Region}", "title": "${Errors}"}}]}'
Outputs:
  Errors: {Value: !Ref Errors}
  ErrorsArn: {Value: !GetAtt Errors.Arn}
  Named: {Value: !Ref Named}
  Either: {Value: !Ref Either}
  EitherArn: {Value: !GetAtt Either.Arn}
  Board: {Value: !Ref Board}
  Topic: {Value: !Ref Topic}
"""


def _tags(emulator: EmulatorHandle, arn: str) -> dict[str, str]:
    listed = emulator.client("cloudwatch").list_tags_for_resource(ResourceARN=arn)["Tags"]
    return {tag["Key"]: tag["Value"] for tag in listed}


def test_alarms_and_a_dashboard_are_created_updated_in_place_and_deleted(
        emulator: EmulatorHandle) -> None:
    cfn, cw = emulator.client("cloudformation"), emulator.client("cloudwatch")
    name = stack_name("alarms")
    create(cfn, name, TEMPLATE)
    out = outputs(cfn, name)
    assert out["Errors"].startswith(f"{name}-Errors-")  # a generated name
    assert out["Named"] == f"{name}-throttles"
    assert out["ErrorsArn"] == (f"arn:aws:cloudwatch:{emulator.region}:000000000000:alarm:"
                                f"{out['Errors']}")
    assert out["EitherArn"].endswith(f":alarm:{out['Either']}")
    metric = cw.describe_alarms(AlarmNames=[out["Errors"]])["MetricAlarms"][0]
    assert metric["AlarmActions"] == [out["Topic"]]
    assert metric["Dimensions"] == [{"Name": "FunctionName", "Value": "my-function"}]
    assert metric["Threshold"] == 1.0 and metric["StateValue"] == "INSUFFICIENT_DATA"
    tags = _tags(emulator, out["ErrorsArn"])
    assert tags["team"] == "t1" and tags["aws:cloudformation:logical-id"] == "Errors"
    composite = cw.describe_alarms(AlarmNames=[out["Either"]], AlarmTypes=["CompositeAlarm"])[
        "CompositeAlarms"][0]
    assert composite["AlarmRule"] == f'ALARM("{out["Errors"]}") OR ALARM("{out["Named"]}")'
    board = cw.get_dashboard(DashboardName=out["Board"])
    assert json.loads(board["DashboardBody"])["widgets"][0]["properties"]["title"] == (
        out["Errors"])

    before = physical_ids(cfn, name)
    update(cfn, name, TEMPLATE, Parameters=[{"ParameterKey": "Threshold",
                                             "ParameterValue": "5"}])
    assert physical_ids(cfn, name) == before  # changed in place
    metric = cw.describe_alarms(AlarmNames=[out["Errors"]])["MetricAlarms"][0]
    assert metric["Threshold"] == 5.0
    assert _tags(emulator, out["ErrorsArn"])["team"] == "t5"

    delete(cfn, name)
    left = cw.describe_alarms(AlarmNames=[out["Errors"], out["Named"], out["Either"]],
                              AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert left["MetricAlarms"] == [] and left["CompositeAlarms"] == []
    assert [d["DashboardName"] for d in cw.list_dashboards(DashboardNamePrefix=name)[
        "DashboardEntries"]] == []
