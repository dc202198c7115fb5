"""User pool domains through boto3: one prefix domain per pool, unique in the region."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def test_prefix_domains(emulator: EmulatorHandle) -> None:
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="domains")["UserPool"]["Id"]
    domain = f"login-{uuid.uuid4().hex[:8]}"
    idp.create_user_pool_domain(Domain=domain, UserPoolId=pool)
    described = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert described["UserPoolId"] == pool and described["Status"] == "ACTIVE"
    assert described["CloudFrontDistribution"] == (
        f"{domain}.auth.{emulator.region}.amazoncognito.com")
    with pytest.raises(ClientError) as taken:
        idp.create_user_pool_domain(Domain=domain, UserPoolId=pool)
    assert taken.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as second:
        idp.create_user_pool_domain(Domain=domain + "-b", UserPoolId=pool)
    assert second.value.response["Error"]["Message"] == (
        "The user pool already has a domain configured.")
    with pytest.raises(ClientError) as bad:
        idp.create_user_pool_domain(Domain="Not_Valid", UserPoolId=pool)
    assert bad.value.response["Error"]["Code"] == "InvalidParameterException"
    idp.delete_user_pool_domain(Domain=domain, UserPoolId=pool)
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}
