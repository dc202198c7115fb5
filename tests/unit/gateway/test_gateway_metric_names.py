"""The ApiName dimension of API Gateway's metrics: non-ASCII characters dropped, as
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
notes; an ASCII name as it is."""

from __future__ import annotations

from emulator.gateway.metrics import ascii_name, rest_dimensions


def test_api_names_keep_only_ascii() -> None:
    assert ascii_name("orders-api") == "orders-api"
    assert ascii_name("café ✓ api") == "caf  api"
    assert rest_dimensions("ünits", "prod")[1] == (("ApiName", "nits"), ("Stage", "prod"))
