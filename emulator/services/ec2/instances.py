"""DescribeInstances: the emulator runs no instances, so every answer holds no reservations;
ids name instances that do not exist.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base


class InstancesApi(Ec2Base):
    def describe_instances(self, ctx: RequestContext, *,
                           instance_ids: list[str] | None = None,
                           filters: list[dict[str, Any]] | None = None,
                           max_results: int | None = None, next_token: str | None = None,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        if instance_ids:
            listed = "'" + ", ".join(instance_ids) + "'"
            noun = "instance ID" if len(instance_ids) == 1 else "instance IDs"
            verb = "does" if len(instance_ids) == 1 else "do"
            raise ServiceError("InvalidInstanceID.NotFound",
                               f"The {noun} {listed} {verb} not exist", status=400)
        return self.answer("Reservations", [], next_token, max_results, lambda item: item)


__all__ = ["InstancesApi"]
