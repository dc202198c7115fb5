"""What the parts of the Pipes provider share: tables, ARNs, lookups and the hooks the
running part offers the others (start and stop a pipe's poller)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.event_sources.checkpoints import CheckpointRecord
from emulator.services.base import Provider, TableOf
from emulator.services.pipes.models import CHECKPOINTS, PIPES, PipeRecord


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def pipe_arn(account: str, region: str, name: str) -> str:
    return arns.build("pipes", region, account, f"pipe/{name}")


class PipesBase(Provider, ABC):
    """Pipes, and the running hooks the data-plane part offers."""

    service_name = "pipes"
    not_found_code = "NotFoundException"
    conflict_code = "ConflictException"

    pipes = TableOf(PIPES, PipeRecord)
    checkpoints = TableOf(CHECKPOINTS, CheckpointRecord)

    @abstractmethod
    def run(self, pipe: PipeRecord, *, fresh: bool) -> None:
        """(Re)start reading the pipe's source; ``fresh`` starts a stream at its
        StartingPosition instead of the stored checkpoints."""

    @abstractmethod
    def halt(self, pipe: PipeRecord) -> None:
        """Stop reading the pipe's source (batches under way finish)."""

    def require_pipe(self, ctx: RequestContext, name: str) -> PipeRecord:
        return self.found(self.pipes(ctx).get(name), f"Pipe {name} does not exist.")


__all__ = ["PipesBase", "pipe_arn", "validation"]
