"""Authorizers of the data plane: Lambda authorizers (their call, answer and policy), the
result cache, Cognito user pool tokens and SigV4 signatures.

``lambda_``, ``cache`` and ``policy`` know nothing of REST APIs, so HTTP APIs use them too;
``rest`` is the REST API pipeline step that puts them together.
"""
