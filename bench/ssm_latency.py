"""Parameter Store round trips through boto3: GetParameter of a SecureString with decryption,
the call applications make at every cold start, against a canned endpoint."""

from __future__ import annotations

from bench import servers
from bench.clients import ONE_TRY, client
from bench.results import Result, summary
from bench.timing import alternate

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
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        alternate(ours.get, floor.get, warmup)
        got = alternate(ours.get, floor.get, calls)
    return summary("SSM GetParameter (SecureString, decrypted) via boto3", *got, TARGET, calls)
