"""Deploy the shop: two functions and a REST API in front of them.

Routes on the ``prod`` stage:

* ``ANY /products/{proxy+}`` - Lambda proxy integration;
* ``GET /prices/{sku}`` - a non-proxy Lambda integration with request and response mapping
  templates, and a 404 selected from the function's error message;
* ``POST /orders`` - a body validated against the ``Order`` model before the function runs;
* ``GET /catalog`` - cached by the stage for 60 seconds, keyed by ``category``.

Run against a running emulator with ``AWS_ENDPOINT_URL=http://localhost:4566 python
deploy_api.py``; it prints the invoke URL. Running it again updates the same API.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import empty_rest_api, print_invoke_urls, put_function

FUNCTION_DIR = Path(__file__).parent / "function"
ROLE = "arn:aws:iam::000000000000:role/shop-role"
ORDER_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "Order", "type": "object", "required": ["sku", "quantity"],
    "properties": {"sku": {"type": "string"},
                   "quantity": {"type": "integer", "minimum": 1, "maximum": 10}},
}
PRICE_REQUEST = '{"sku": "$input.params(\'sku\')", "currency": "$stageVariables.currency"}'
PRICE_RESPONSE = ('#set($price = $input.path(\'$\'))'
                  '{"sku": "$price.sku", "price": "$price.amount $price.currency"}')
NOT_FOUND = '{"message": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}'


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTION_DIR / "app.py", "app.py")
    return buffer.getvalue()


def _function(lambdas: Any, name: str, handler: str) -> str:
    return put_function(lambdas, name, code={"ZipFile": package()}, Runtime="python3.12",
                        Role=ROLE, Handler=handler)


def _uri(region: str, arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"


def deploy(apigateway: Any, lambdas: Any, region: str, prefix: str = "shop") -> str:
    """Create everything, or bring an earlier deployment up to date; returns the REST API's
    id (the same on every run)."""
    proxy_uri = _uri(region, _function(lambdas, f"{prefix}-proxy", "app.proxy"))
    price_uri = _uri(region, _function(lambdas, f"{prefix}-price", "app.price"))
    api_id, root = empty_rest_api(apigateway, prefix)

    def resource(parent: str, part: str) -> str:
        return str(apigateway.create_resource(restApiId=api_id, parentId=parent,
                                              pathPart=part)["id"])

    def method(resource_id: str, verb: str, integration: dict[str, Any], **options: Any) -> None:
        apigateway.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                              authorizationType="NONE", **options)
        apigateway.put_integration(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                                   **integration)

    lambda_proxy = {"type": "AWS_PROXY", "integrationHttpMethod": "POST", "uri": proxy_uri}
    products = resource(root, "products")
    method(resource(products, "{proxy+}"), "ANY", lambda_proxy)

    prices = resource(resource(root, "prices"), "{sku}")
    method(prices, "GET", {"type": "AWS", "integrationHttpMethod": "POST", "uri": price_uri,
                           "requestTemplates": {"application/json": PRICE_REQUEST}})
    for status, pattern, template in (("200", None, PRICE_RESPONSE),
                                      ("404", "NotFound:.*", NOT_FOUND)):
        apigateway.put_method_response(restApiId=api_id, resourceId=prices, httpMethod="GET",
                                       statusCode=status)
        options = {"selectionPattern": pattern} if pattern else {}
        apigateway.put_integration_response(
            restApiId=api_id, resourceId=prices, httpMethod="GET", statusCode=status,
            responseTemplates={"application/json": template}, **options)

    apigateway.create_model(restApiId=api_id, name="Order", contentType="application/json",
                            schema=json.dumps(ORDER_SCHEMA))
    validator = apigateway.create_request_validator(restApiId=api_id, name="body",
                                                    validateRequestBody=True)
    method(resource(root, "orders"), "POST", lambda_proxy,
           requestValidatorId=validator["id"], requestModels={"application/json": "Order"})

    method(resource(root, "catalog"), "GET",
           {**lambda_proxy, "cacheKeyParameters": ["method.request.querystring.category"]},
           requestParameters={"method.request.querystring.category": False})

    apigateway.create_deployment(restApiId=api_id, stageName="prod",
                                 variables={"currency": "EUR"}, cacheClusterEnabled=True,
                                 cacheClusterSize="0.5")
    apigateway.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/~1catalog/GET/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/~1catalog/GET/caching/ttlInSeconds", "value": "60"}])
    publish(apigateway, api_id, prefix)
    return str(api_id)


# What the developer portal shows: documentation published with the prod stage, and a usage
# plan consumers subscribe an API key to.
DOCUMENTATION = [
    ({"type": "API"}, {"description": "A small shop: products, prices, a cached catalogue "
                                      "and orders.", "info": {"version": "1.0.0"}}),
    ({"type": "METHOD", "path": "/products/{proxy+}", "method": "ANY"},
     {"summary": "Look up a product by id"}),
    ({"type": "METHOD", "path": "/prices/{sku}", "method": "GET"},
     {"summary": "The price of a product"}),
    ({"type": "PATH_PARAMETER", "path": "/prices/{sku}", "method": "GET", "name": "sku"},
     {"description": "The product's SKU, for example p1"}),
    ({"type": "METHOD", "path": "/catalog", "method": "GET"},
     {"summary": "The catalogue", "description": "Cached per category for 60 seconds."}),
    ({"type": "QUERY_PARAMETER", "path": "/catalog", "method": "GET", "name": "category"},
     {"description": "Only products of this category (kitchen, living)"}),
    ({"type": "METHOD", "path": "/orders", "method": "POST"},
     {"summary": "Place an order", "description": "The body must match the Order model."}),
]


def publish(apigateway: Any, api_id: str, prefix: str) -> None:
    """Documentation and a usage plan; a second run replaces the documentation and keeps the
    plan."""
    for part in apigateway.get_documentation_parts(restApiId=api_id, limit=500)["items"]:
        apigateway.delete_documentation_part(restApiId=api_id, documentationPartId=part["id"])
    for location, properties in DOCUMENTATION:
        apigateway.create_documentation_part(restApiId=api_id, location=location,
                                             properties=json.dumps(properties))
    versions = apigateway.get_documentation_versions(restApiId=api_id)["items"]
    if any(v["version"] == "1.0.0" for v in versions):
        apigateway.delete_documentation_version(restApiId=api_id, documentationVersion="1.0.0")
    apigateway.create_documentation_version(restApiId=api_id, documentationVersion="1.0.0",
                                            stageName="prod", description="First release")
    plans = apigateway.get_usage_plans(limit=500)["items"]
    if not any(plan["name"] == f"{prefix}-basic" for plan in plans):
        apigateway.create_usage_plan(
            name=f"{prefix}-basic", description="10 requests a second, 1,000 a day",
            apiStages=[{"apiId": api_id, "stage": "prod"}],
            throttle={"rateLimit": 10.0, "burstLimit": 20},
            quota={"limit": 1000, "period": "DAY"})


if __name__ == "__main__":
    import boto3

    session = boto3.session.Session()
    region = session.region_name or "us-east-1"
    api_id = deploy(session.client("apigateway"), session.client("lambda"), region)
    print_invoke_urls(session.client("apigateway").meta.endpoint_url, api_id, "prod")
