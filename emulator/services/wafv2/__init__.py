"""AWS WAF (wafv2): web ACLs, IP sets, regex pattern sets and rule groups, enforced on REST
API stages."""
