"""Pipes: create, describe, update, delete, list, start and stop them, and their tags.

The answers report states as AWS does (https://docs.aws.amazon.com/eventbridge/latest/
pipes-reference/API_CreatePipe.html): CreatePipe answers CurrentState ``CREATING``,
UpdatePipe ``UPDATING``, StartPipe ``STARTING``, StopPipe ``STOPPING`` and DeletePipe
``DELETING``. The change is made before the answer, so a later DescribePipe reports the
settled state (``RUNNING`` or ``STOPPED``, the DesiredState), and a deleted pipe is gone.
UpdatePipe changes only the members it is given; within SourceParameters,
EnrichmentParameters and TargetParameters each service's object is replaced as a whole
(https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_UpdatePipe.html).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.event_patterns import PatternError
from emulator.services import paging
from emulator.services.pipes.common import PipesBase, pipe_arn, validation
from emulator.services.pipes.models import PipeRecord
from emulator.services.pipes.running import patterns, source_kind, stream_parameters

_NAME = re.compile(r"^[.\-_A-Za-z0-9]+$")
DEFAULT_LIMIT = 100
FIFO_BATCH = 10
PARAMETERS = ("source_parameters", "enrichment_parameters", "target_parameters")


def _bad_token(token: str) -> ServiceError:
    return validation("Invalid NextToken.")


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise validation(f"1 validation error detected: Value '{name}' at 'name' failed to "
                         "satisfy constraint: Member must satisfy regular expression pattern: "
                         "[\\.\\-_A-Za-z0-9]+")


def _check_arn(value: str, member: str) -> None:
    if value and arns.parse_or_none(value) is None:
        raise validation(f"1 validation error detected: Value '{value}' at '{member}' failed "
                         "to satisfy constraint: Member must satisfy regular expression "
                         "pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-]+):([a-z]{2}((-gov)|"
                         "(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.+)")


def _check(pipe: PipeRecord) -> None:
    """What the model cannot say about a pipe's configuration."""
    try:
        patterns(pipe.source_parameters)
    except PatternError:
        raise validation("Invalid filter pattern definition.") from None
    kind = source_kind(pipe.source)
    if kind == "sqs" and pipe.source.endswith(".fifo"):
        size = (pipe.source_parameters.get("SqsQueueParameters") or {}).get("BatchSize")
        if size is not None and int(size) > FIFO_BATCH:
            raise validation(f"BatchSize must be at most {FIFO_BATCH} for a FIFO queue.")
    elif kind not in (None, "sqs") and not stream_parameters(pipe, str(kind)).get(
            "StartingPosition"):
        raise validation("StartingPosition is required for a stream source.")


def _summary(pipe: PipeRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Name": pipe.name, "Arn": pipe.arn, "DesiredState": pipe.desired_state,
        "CurrentState": pipe.current_state, "CreationTime": pipe.created,
        "LastModifiedTime": pipe.last_modified, "Source": pipe.source, "Target": pipe.target,
    }
    if pipe.state_reason:
        shape["StateReason"] = pipe.state_reason
    if pipe.enrichment:
        shape["Enrichment"] = pipe.enrichment
    return shape


def _answer(pipe: PipeRecord, state: str) -> dict[str, Any]:
    return {"Arn": pipe.arn, "Name": pipe.name, "DesiredState": pipe.desired_state,
            "CurrentState": state, "CreationTime": pipe.created,
            "LastModifiedTime": pipe.last_modified}


class PipesApi(PipesBase):
    def create_pipe(self, ctx: RequestContext, *, name: str, source: str, target: str,
                    role_arn: str, description: str | None = None,
                    desired_state: str | None = None,
                    source_parameters: dict[str, Any] | None = None,
                    enrichment: str | None = None,
                    enrichment_parameters: dict[str, Any] | None = None,
                    target_parameters: dict[str, Any] | None = None,
                    tags: dict[str, str] | None = None,
                    log_configuration: dict[str, Any] | None = None,
                    kms_key_identifier: str | None = None, **_: Any) -> dict[str, Any]:
        _check_name(name)
        for value, member in ((source, "source"), (target, "target"),
                              (enrichment or "", "enrichment"), (role_arn, "roleArn")):
            _check_arn(value, member)
        table = self.pipes(ctx)
        if table.get(name) is not None:
            raise self.conflict(f"Pipe {name} already exists.")
        now = self.clock.now()
        state = desired_state or "RUNNING"
        pipe = PipeRecord(
            name=name, arn=pipe_arn(ctx.account_id, ctx.region, name),
            account=ctx.account_id, region=ctx.region, source=source, target=target,
            role_arn=role_arn, description=description, desired_state=state,
            current_state=state, source_parameters=dict(source_parameters or {}),
            enrichment=enrichment or None,
            enrichment_parameters=dict(enrichment_parameters or {}),
            target_parameters=dict(target_parameters or {}),
            log_configuration=log_configuration, kms_key_identifier=kms_key_identifier,
            tags=dict(tags or {}), created=now, last_modified=now)
        _check(pipe)
        table.put(name, pipe)
        if state == "RUNNING":
            self.run(pipe, fresh=True)
        return _answer(pipe, "CREATING")

    def describe_pipe(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        pipe = self.require_pipe(ctx, name)
        shape = _summary(pipe)
        shape.update(RoleArn=pipe.role_arn, Tags=pipe.tags,
                     SourceParameters=pipe.source_parameters,
                     TargetParameters=pipe.target_parameters)
        if pipe.enrichment_parameters:
            shape["EnrichmentParameters"] = pipe.enrichment_parameters
        for key, value in (("Description", pipe.description),
                           ("LogConfiguration", pipe.log_configuration),
                           ("KmsKeyIdentifier", pipe.kms_key_identifier)):
            if value is not None:
                shape[key] = value
        return shape

    def update_pipe(self, ctx: RequestContext, *, name: str, role_arn: str,
                    description: str | None = None, desired_state: str | None = None,
                    source_parameters: dict[str, Any] | None = None,
                    enrichment: str | None = None,
                    enrichment_parameters: dict[str, Any] | None = None,
                    target: str | None = None,
                    target_parameters: dict[str, Any] | None = None,
                    log_configuration: dict[str, Any] | None = None,
                    kms_key_identifier: str | None = None, **_: Any) -> dict[str, Any]:
        current = self.require_pipe(ctx, name)
        for value, member in ((target or "", "target"), (enrichment or "", "enrichment"),
                              (role_arn, "roleArn")):
            _check_arn(value, member)
        pipe = current.model_copy(deep=True)
        pipe.role_arn = role_arn
        if target:
            pipe.target = target
        if enrichment is not None:
            pipe.enrichment = enrichment or None  # "" removes the enrichment
        given = (source_parameters, enrichment_parameters, target_parameters)
        for member, update in zip(PARAMETERS, given, strict=True):
            if update is not None:
                setattr(pipe, member, {**getattr(pipe, member), **update})
        pipe.assign(description=description, desired_state=desired_state,
                    log_configuration=log_configuration,
                    kms_key_identifier=kms_key_identifier)
        _check(pipe)
        pipe.current_state = pipe.desired_state
        pipe.last_modified = self.clock.now()
        pipe.generation += 1
        self.pipes(ctx).put(name, pipe)
        self.halt(current)
        if pipe.desired_state == "RUNNING":
            self.run(pipe, fresh=False)
        return _answer(pipe, "UPDATING")

    def delete_pipe(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        pipe = self.require_pipe(ctx, name)
        self.halt(pipe)
        self.pipes(ctx).delete(name)
        self.checkpoints(ctx).delete(name)
        return _answer(pipe, "DELETING")

    def _switch(self, ctx: RequestContext, name: str, state: str) -> PipeRecord:
        pipe = self.require_pipe(ctx, name)
        pipe.desired_state = pipe.current_state = state
        pipe.last_modified = self.clock.now()
        self.pipes(ctx).put(name, pipe)
        if state == "RUNNING":
            self.run(pipe, fresh=False)
        else:
            self.halt(pipe)
        return pipe

    def start_pipe(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        return _answer(self._switch(ctx, name, "RUNNING"), "STARTING")

    def stop_pipe(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        return _answer(self._switch(ctx, name, "STOPPED"), "STOPPING")

    def list_pipes(self, ctx: RequestContext, *, name_prefix: str | None = None,
                   desired_state: str | None = None, current_state: str | None = None,
                   source_prefix: str | None = None, target_prefix: str | None = None,
                   next_token: str | None = None, limit: int | None = None,
                   **_: Any) -> dict[str, Any]:
        found = sorted((pipe for pipe in self.pipes(ctx).values()
                        if pipe.name.startswith(name_prefix or "")
                        and pipe.source.startswith(source_prefix or "")
                        and pipe.target.startswith(target_prefix or "")
                        and desired_state in (None, pipe.desired_state)
                        and current_state in (None, pipe.current_state)),
                       key=lambda pipe: pipe.name)
        return paging.answer("Pipes", found, next_token, limit or DEFAULT_LIMIT,
                             tokens=paging.BASE64, invalid=_bad_token, shape=_summary)

    # -- tags ----------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, arn: str) -> PipeRecord:
        parsed = arns.parse_or_none(arn)
        if parsed is None or parsed.service != "pipes" or not parsed.resource.startswith(
                "pipe/"):
            raise validation(f"Invalid ARN: {arn}")
        return self.require_pipe(ctx, parsed.resource.removeprefix("pipe/"))

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: Mapping[str, str], **_: Any) -> dict[str, Any]:
        pipe = self._tagged(ctx, resource_arn)
        pipe.tags.update(tags)
        self.pipes(ctx).put(pipe.name, pipe)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str,
                       tag_keys: Sequence[str], **_: Any) -> dict[str, Any]:
        pipe = self._tagged(ctx, resource_arn)
        for key in tag_keys:
            pipe.tags.pop(key, None)
        self.pipes(ctx).put(pipe.name, pipe)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        return {"tags": dict(self._tagged(ctx, resource_arn).tags)}


__all__ = ["PipesApi"]
