"""Amazon Cognito user pools, far enough for API Gateway's authorizers: pools, app clients,
users, sign-up, password sign-in, RS256 tokens and the pool's JWKS."""
