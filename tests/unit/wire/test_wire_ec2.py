"""The ec2 protocol's errors and answers as botocore's EC2 parser reads them (the round trip
covers requests and answers of every operation the provider has; EC2's model names no error
shapes, so its errors are checked here)."""

from __future__ import annotations

from wire_oracle import REQUEST_ID, parser, response_dict

from emulator.errors import ServiceError
from emulator.wire import serialize, specs


def test_an_ec2_error_reads_back_with_its_code_message_and_request_id() -> None:
    model = specs.service_model("ec2")
    operation = model.operation_model("DescribeVpcEndpoints")
    response = serialize.serialize_error(
        "ec2", "ec2", ServiceError("InvalidVpcEndpointId.NotFound",
                                   "The Vpc Endpoint Id 'vpce-1' does not exist", status=400),
        REQUEST_ID, model)
    assert response.status == 400
    assert response.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Response>')
    parsed = parser("ec2").parse(response_dict(response), operation.output_shape)
    assert parsed["Error"] == {"Code": "InvalidVpcEndpointId.NotFound",
                               "Message": "The Vpc Endpoint Id 'vpce-1' does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_an_ec2_answer_has_no_result_wrapper_and_its_request_id_first() -> None:
    operation = specs.service_model("ec2").operation_model("DeleteVpcEndpoints")
    response = serialize.serialize_query(operation, {"Unsuccessful": []}, REQUEST_ID)
    assert response.body.decode().endswith(
        '<DeleteVpcEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>{REQUEST_ID}</requestId><unsuccessful></unsuccessful>"
        "</DeleteVpcEndpointsResponse>")
    parsed = parser("ec2").parse(response_dict(response), operation.output_shape)
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
