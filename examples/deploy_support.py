"""What the examples' deploy scripts share: each step creates what is missing and updates what
is there, so running a deploy script twice updates the deployment instead of failing on a
name already taken; and the invoke URLs to print.

Everything goes through plain boto3 clients, so the scripts deploy to AWS as well.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit


def put_function(lam: Any, name: str, *, code: dict[str, Any], **config: Any) -> str:
    """Create the function, or update its configuration and code; returns its ARN once it
    is active."""
    try:
        arn = str(lam.create_function(FunctionName=name, Code=code, **config)["FunctionArn"])
    except lam.exceptions.ResourceConflictException:
        lam.update_function_configuration(FunctionName=name, **config)
        lam.get_waiter("function_updated_v2").wait(FunctionName=name)
        arn = str(lam.update_function_code(FunctionName=name, **code)["FunctionArn"])
        lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return arn


def allow(lam: Any, name: str, statement: str, **permission: Any) -> None:
    """Add a resource-based permission unless the statement id is already there."""
    with contextlib.suppress(lam.exceptions.ResourceConflictException):
        lam.add_permission(FunctionName=name, StatementId=statement, **permission)


def put_event_source_mapping(lam: Any, name: str, source_arn: str, **options: Any) -> str:
    """Map ``source_arn`` to the function once; a second run updates the mapping."""
    found = lam.list_event_source_mappings(FunctionName=name, EventSourceArn=source_arn)
    for mapping in found.get("EventSourceMappings", []):
        lam.update_event_source_mapping(UUID=mapping["UUID"], FunctionName=name, **options)
        return str(mapping["UUID"])
    created = lam.create_event_source_mapping(FunctionName=name, EventSourceArn=source_arn,
                                              **options)
    return str(created["UUID"])


def put_event_bus(events: Any, name: str) -> None:
    with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name=name)


def put_state_machine(sfn: Any, name: str, **definition: Any) -> str:
    """Create the state machine, or update the one of that name; returns its ARN."""
    try:
        return str(sfn.create_state_machine(name=name, **definition)["stateMachineArn"])
    except sfn.exceptions.StateMachineAlreadyExists:
        pass
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                updates = {key: value for key, value in definition.items()
                           if key in ("definition", "roleArn", "loggingConfiguration",
                                      "tracingConfiguration")}
                sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], **updates)
                return str(machine["stateMachineArn"])
    raise LookupError(f"state machine {name} exists but is not listed")


def empty_rest_api(apigateway: Any, name: str) -> tuple[str, str]:
    """The REST API of that name with nothing in it (its id, so its URL, kept), or a new one;
    returns ``(api id, root resource id)``."""
    existing = [api for page in apigateway.get_paginator("get_rest_apis").paginate()
                for api in page["items"] if api["name"] == name]
    if not existing:
        created = apigateway.create_rest_api(name=name)
        return str(created["id"]), str(created["rootResourceId"])
    api_id = str(existing[0]["id"])
    resources = apigateway.get_resources(restApiId=api_id, limit=500)["items"]
    root = next(item for item in resources if item["path"] == "/")
    for item in resources:
        if item.get("parentId") == root["id"]:  # a subtree goes with its top resource
            apigateway.delete_resource(restApiId=api_id, resourceId=item["id"])
    for verb in root.get("resourceMethods", {}):
        apigateway.delete_method(restApiId=api_id, resourceId=root["id"], httpMethod=verb)
    for model in apigateway.get_models(restApiId=api_id)["items"]:
        apigateway.delete_model(restApiId=api_id, modelName=model["name"])
    for validator in apigateway.get_request_validators(restApiId=api_id)["items"]:
        apigateway.delete_request_validator(restApiId=api_id,
                                            requestValidatorId=validator["id"])
    for authorizer in apigateway.get_authorizers(restApiId=api_id)["items"]:
        apigateway.delete_authorizer(restApiId=api_id, authorizerId=authorizer["id"])
    return api_id, str(root["id"])


def new_v2_api(apis: Any, name: str, **options: Any) -> str:
    """An HTTP or WebSocket API of that name made afresh (one left by an earlier run is
    deleted first); returns its id."""
    for api in apis.get_apis().get("Items", []):
        if api["Name"] == name:
            apis.delete_api(ApiId=api["ApiId"])
    return str(apis.create_api(Name=name, **options)["ApiId"])


def user_pool(cognito: Any, name: str, **options: Any) -> str:
    """The user pool of that name, created when missing; returns its id."""
    for pool in cognito.list_user_pools(MaxResults=60).get("UserPools", []):
        if pool["Name"] == name:
            return str(pool["Id"])
    return str(cognito.create_user_pool(PoolName=name, **options)["UserPool"]["Id"])


def user_pool_client(cognito: Any, pool_id: str, name: str, **options: Any) -> str:
    """The app client of that name, created when missing, updated when there; returns its id."""
    listed = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)
    for client in listed.get("UserPoolClients", []):
        if client["ClientName"] == name:
            cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"],
                                            ClientName=name, **options)
            return str(client["ClientId"])
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=name, **options)
    return str(created["UserPoolClient"]["ClientId"])


def invoke_urls(endpoint: str, api_id: str, stage: str, path: str = "",
                scheme: str = "") -> list[str]:
    """Where a stage answers: first the path form, which resolves everywhere; then the host
    form (``{api}.execute-api.localhost``), which curl and browsers resolve but Python on a
    plain Linux box may not."""
    parts = urlsplit(endpoint)
    scheme = scheme or parts.scheme
    base = f"{scheme}://{parts.netloc}"
    path, mark, query = path.lstrip("/").partition("?")
    stage_path = stage if stage != "$default" else ""
    tail = "/".join(part for part in (stage_path, path) if part) + mark + query
    path_form = f"{base}/_aws/execute-api/{api_id}/{tail}"
    host_form = f"{scheme}://{api_id}.execute-api.localhost:{parts.port or 80}/{tail}"
    return [path_form, host_form]


def print_invoke_urls(endpoint: str, api_id: str, stage: str, path: str = "",
                      scheme: str = "") -> None:
    path_form, host_form = invoke_urls(endpoint, api_id, stage, path, scheme)
    print(path_form)
    print(f"  (also {host_form} where *.localhost resolves: curl and browsers)")


__all__ = [
    "allow", "empty_rest_api", "invoke_urls", "new_v2_api", "print_invoke_urls",
    "put_event_bus", "put_event_source_mapping", "put_function", "put_state_machine",
    "user_pool", "user_pool_client",
]
