"""AWS WAF's rule engine: web ACLs, rule groups and their statements evaluated against one web
request, with no HTTP and no storage (the wafv2 service keeps the resources, the gateway
hands over requests)."""
