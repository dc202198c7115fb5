"""Building and parsing ARNs, in one place."""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "aws"


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"
        )


def build(service: str, region: str, account: str, resource: str) -> str:
    return str(Arn(PARTITION, service, region, account, resource))


def parse(text: str) -> Arn:
    """Parse ``arn:partition:service:region:account:resource``; raises ValueError."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        raise ValueError(f"not an ARN: {text!r}")
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def parse_or_none(text: str) -> Arn | None:
    """The ARN ``text`` holds, or None when it holds none."""
    try:
        return parse(text)
    except ValueError:
        return None


def log_group(text: str) -> str | None:
    """The CloudWatch Logs group a log-group ARN names, without the ``:*`` that
    ``Fn::GetAtt LogGroup.Arn`` ends in; None when the ARN names no log group."""
    marker = ":log-group:"
    if marker not in text:
        return None
    return text.split(marker, 1)[1].removesuffix(":*")


def sqs_queue(region: str, account: str, name: str) -> str:
    return build("sqs", region, account, name)


__all__ = ["PARTITION", "Arn", "build", "log_group", "parse", "parse_or_none", "sqs_queue"]
