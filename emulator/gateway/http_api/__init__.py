"""The data plane of HTTP APIs (apigatewayv2, protocol HTTP): routes by route key, Lambda
proxy payloads 1.0 and 2.0, HTTP proxy and AWS service integrations, parameter mapping, CORS,
JWT and Lambda authorizers, throttling."""
