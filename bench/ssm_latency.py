"""Parameter Store round trips through boto3: GetParameter of a SecureString with decryption,
the call applications make at every cold start, against a canned endpoint."""

from __future__ import annotations

from bench.clients import ONE_TRY, client
from bench.one_read import compare
from bench.results import Result

TARGET = 1.5
FLOOR_MODULE = "bench.ssm_floor"
NAME = "/bench/database/password"


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        self.client = client("ssm", endpoint_url, retries=ONE_TRY)
        self.client.put_parameter(Name=NAME, Value="x" * 64, Type="SecureString",
                                  Overwrite=True)

    def get(self) -> None:
        self.client.get_parameter(Name=NAME, WithDecryption=True)


def run(calls: int, warmup: int) -> list[Result]:
    return compare("SSM GetParameter (SecureString, decrypted) via boto3", FLOOR_MODULE,
                   lambda url: _Target(url).get, TARGET, calls, warmup)
