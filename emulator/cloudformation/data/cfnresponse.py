"""The cfn-response helper for Python custom resources: send(event, context, status, data).

CloudFormation puts it beside inline (ZipFile) Python code as ``cfnresponse``; it PUTs the
custom resource's answer to the presigned URL in the request, as the documented module does.
"""

import json
import urllib.request
from typing import Any

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event: Any, context: Any, responseStatus: str, responseData: Any,
         physicalResourceId: Any = None, noEcho: bool = False, reason: Any = None) -> None:
    log_stream = getattr(context, "log_stream_name", "")
    body = {
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: " + log_stream,
        "PhysicalResourceId": physicalResourceId or log_stream,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }
    data = json.dumps(body).encode()
    request = urllib.request.Request(event["ResponseURL"], data=data, method="PUT",
                                     headers={"content-type": "", "content-length":
                                              str(len(data))})
    try:
        with urllib.request.urlopen(request) as response:
            print("Status code:", response.status)
    except Exception as problem:
        print("send(..) failed executing request: " + str(problem))
