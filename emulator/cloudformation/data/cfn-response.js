// The cfn-response helper for Node.js custom resources: send(event, context, status, data).
// CloudFormation puts it beside inline (ZipFile) code; it PUTs the answer to the presigned URL.
exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      Status: responseStatus,
      Reason: "See the details in CloudWatch Log Stream: " + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: noEcho || false,
      Data: responseData,
    });
    const url = new URL(event.ResponseURL);
    const client = url.protocol === "https:" ? require("https") : require("http");
    const request = client.request(url, {
      method: "PUT",
      headers: { "content-type": "", "content-length": Buffer.byteLength(body) },
    }, (response) => { context.done && context.done(); resolve(response.statusCode); });
    request.on("error", (error) => { context.done && context.done(); reject(error); });
    request.write(body);
    request.end();
  });
};
