"""A fake service world for engine tests: queues and topics kept in dicts, failures on demand."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from emulator.cloudformation import template
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.deploy import Deployment
from emulator.cloudformation.loader import load
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.resources import TYPES, Created, ResourceType
from emulator.cloudformation.state import StackEvent


class World:
    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.fail_on: set[str] = set()  # names whose create fails
        self.log: list[str] = []
        self.counter = itertools.count(1)


class Reporter:
    def __init__(self) -> None:
        self.events: list[StackEvent] = []
        self.status = ""
        self.reason = ""

    def event(self, event: StackEvent) -> None:
        self.events.append(event)

    def stack_status(self, status: str, reason: str = "") -> None:
        self.status, self.reason = status, reason

    def trail(self) -> list[tuple[str, str]]:
        return [(event.logical_id, event.status) for event in self.events]


def fake_type(world: World, type_name: str) -> type[ResourceType]:
    class Fake(ResourceType):
        service = "fake"
        name_property = "Name"

        async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
            name = properties.get("Name") or ctx.physical_name()
            if name in world.fail_on or properties.get("Fail"):
                raise ServiceFailure("sqs", "InvalidParameterValue", f"{name} is not allowed")
            if name in world.objects:
                raise ServiceFailure("sqs", "QueueAlreadyExists", f"{name} already exists")
            world.objects[name] = dict(properties)
            world.log.append(f"create {ctx.logical_id}")
            return Created(name, {"Arn": f"arn:fake:{name}", "QueueName": name})

        async def update(self, ctx: ResourceContext, physical_id: str,
                         properties: dict[str, Any], previous: dict[str, Any],
                         attributes: dict[str, Any]) -> dict[str, Any]:
            if properties.get("Fail"):
                raise ServiceFailure("sqs", "InvalidParameterValue", "update refused")
            world.objects[physical_id] = dict(properties)
            world.log.append(f"update {ctx.logical_id}")
            return attributes

        async def delete(self, ctx: ResourceContext, physical_id: str,
                         properties: dict[str, Any], attributes: dict[str, Any]) -> None:
            world.objects.pop(physical_id, None)
            world.log.append(f"delete {ctx.logical_id}")

    Fake.type_name = type_name
    Fake.extra_replacing = ("Fifo", "Name")
    return Fake


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    made = World()
    for type_name in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
        monkeypatch.setitem(TYPES, type_name, fake_type(made, type_name))
    return made


async def _unused_call(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("the fake types make no calls")


def deployment(reporter: Reporter) -> Deployment:
    return Deployment("teststack", "arn:aws:cloudformation:us-east-1:000000000000:stack/"
                      "teststack/1", "000000000000", "us-east-1", _unused_call, reporter,
                      now=lambda: 0.0)


def prepared(body: str, **given: str) -> template.Prepared:
    pseudo = {"AWS::StackName": "teststack", "AWS::Region": "us-east-1",
              "AWS::AccountId": "000000000000", "AWS::Partition": "aws"}
    return template.prepare(load(body), given, pseudo)
