"""The deployment engine with fake resource types: order, parallelism, rollback, updates."""

from __future__ import annotations

import asyncio
import logging

import pytest

from emulator.cloudformation.update import REPLACING, Updater
from tests.unit.cloudformation.cfn_fakes import Reporter, World, deployment, prepared, world

__all__ = ["world"]

CHAIN = """
Resources:
  First: {Type: AWS::SQS::Queue, Properties: {Name: first}}
  Second: {Type: AWS::SQS::Queue, Properties: {Name: second, Peer: !GetAtt First.Arn}}
  Third: {Type: AWS::SNS::Topic, Properties: {Name: third, Peer: !Ref Second}}
"""


def test_create_follows_the_graph_and_delete_reverses_it(world: World) -> None:
    reporter = Reporter()
    d = deployment(reporter)
    assert asyncio.run(d.create(prepared(CHAIN)))
    assert world.log == ["create First", "create Second", "create Third"]
    assert world.objects["second"]["Peer"] == "arn:fake:first"
    assert world.objects["third"]["Peer"] == "second"
    assert reporter.status == "CREATE_COMPLETE"
    assert ("First", "CREATE_COMPLETE") in reporter.trail()
    assert asyncio.run(d.delete())
    assert world.log[3:] == ["delete Third", "delete Second", "delete First"]
    assert world.objects == {} and d.resources == {}
    assert reporter.status == "DELETE_COMPLETE"


def test_a_failure_rolls_back_everything_created_with_the_service_error(world: World) -> None:
    world.fail_on.add("third")
    reporter = Reporter()
    d = deployment(reporter)
    assert not asyncio.run(d.create(prepared(CHAIN)))
    assert world.objects == {}
    assert reporter.status == "ROLLBACK_COMPLETE"
    failed = [e for e in reporter.events if e.status == "CREATE_FAILED"]
    assert [e.logical_id for e in failed] == ["Third"]
    assert failed[0].reason.startswith('Resource handler returned message: "third is not allowed'
                                       " (Service: Sqs, Status Code: 400")
    assert failed[0].reason.endswith("HandlerErrorCode: InvalidRequest)")
    rollback = [e for e in reporter.events if e.logical_id == "teststack"]
    assert rollback[1].status == "ROLLBACK_IN_PROGRESS"
    assert rollback[1].reason == ("The following resource(s) failed to create: [Third]. "
                                  "Rollback requested by user.")


def test_disable_rollback_keeps_what_was_made(world: World) -> None:
    world.fail_on.add("third")
    reporter = Reporter()
    assert not asyncio.run(deployment(reporter).create(prepared(CHAIN), disable_rollback=True))
    assert set(world.objects) == {"first", "second"}
    assert reporter.status == "CREATE_FAILED"


def test_independent_resources_are_created_together(world: World) -> None:
    body = "Resources:\n" + "".join(
        f"  Q{i}: {{Type: AWS::SQS::Queue}}\n" for i in range(20))
    d = deployment(Reporter())
    assert asyncio.run(d.create(prepared(body)))
    assert len(world.objects) == 20
    assert all(name.startswith("teststack-Q") for name in world.objects)


def test_update_in_place_replacement_and_removal(world: World) -> None:
    reporter = Reporter()
    d = deployment(reporter)
    old = prepared(CHAIN)
    asyncio.run(d.create(old))
    new = prepared("""
Resources:
  First: {Type: AWS::SQS::Queue, Properties: {Name: first, Size: 2}}
  Second: {Type: AWS::SQS::Queue, Properties: {Name: second2, Peer: !GetAtt First.Arn}}
""")
    world.log.clear()
    assert asyncio.run(Updater(d, old, new).run())
    assert world.log == ["update First", "create Second", "delete Third", "delete Second"]
    assert set(world.objects) == {"first", "second2"}
    assert reporter.status == "UPDATE_COMPLETE"
    assert ("Second", "UPDATE_IN_PROGRESS") in reporter.trail()
    assert any(e.reason == REPLACING for e in reporter.events)


def test_a_named_resource_cannot_be_replaced(world: World) -> None:
    reporter = Reporter()
    d = deployment(reporter)
    old = prepared("Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {Name: q}}\n")
    asyncio.run(d.create(old))
    new = prepared("Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {Name: q, Fifo: true}}\n")
    assert not asyncio.run(Updater(d, old, new).run())
    failed = [e for e in reporter.events if e.status == "UPDATE_FAILED"]
    assert failed[0].reason == ("CloudFormation cannot update a stack when a custom-named "
                                "resource requires replacing. Rename q and update the stack "
                                "again.")
    assert reporter.status == "UPDATE_ROLLBACK_COMPLETE"
    assert world.objects == {"q": {"Name": "q"}}


def test_update_failure_rolls_back_updates_and_creations(world: World) -> None:
    reporter = Reporter()
    d = deployment(reporter)
    old = prepared(CHAIN)
    asyncio.run(d.create(old))
    new = prepared("""
Resources:
  First: {Type: AWS::SQS::Queue, Properties: {Name: first, Size: 5}}
  Second: {Type: AWS::SQS::Queue, Properties: {Name: second, Peer: !GetAtt First.Arn}}
  Third: {Type: AWS::SNS::Topic, Properties: {Name: third, Peer: !Ref Second, Fail: true}}
  Fourth: {Type: AWS::SNS::Topic, Properties: {Name: fourth}}
""")
    assert not asyncio.run(Updater(d, old, new).run())
    assert reporter.status == "UPDATE_ROLLBACK_COMPLETE"
    assert world.objects["first"] == {"Name": "first"}
    assert "fourth" not in world.objects
    assert set(d.resources) == {"First", "Second", "Third"}


def test_change_sets_name_additions_modifications_replacements_and_removals(
        world: World) -> None:
    from emulator.cloudformation.changes import resource_changes

    d = deployment(Reporter())
    old = prepared(CHAIN)
    asyncio.run(d.create(old))
    new = prepared("""
Resources:
  First: {Type: AWS::SQS::Queue, Properties: {Name: first, Size: 2}}
  Second: {Type: AWS::SQS::Queue, Properties: {Name: second2, Peer: !GetAtt First.Arn}}
  Third: {Type: AWS::SNS::Topic, Properties: {Name: third, Peer: !Ref Second}}
  Fourth: {Type: AWS::SNS::Topic}
""")
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
               for c in resource_changes(old, new, d.resources)}
    assert changes["Fourth"]["Action"] == "Add"
    assert changes["First"]["Replacement"] == "False"
    assert changes["First"]["Details"][0]["Target"] == {
        "Attribute": "Properties", "Name": "Size", "RequiresRecreation": "Never"}
    assert changes["Second"]["Replacement"] == "True"
    assert changes["Second"]["PhysicalResourceId"] == "second"
    assert changes["Third"]["Replacement"] == "False"
    assert changes["Third"]["Details"][0]["Evaluation"] == "Dynamic"
    assert changes["Third"]["Details"][0]["ChangeSource"] == "ResourceReference"


def test_placeholders_stand_in_for_types_the_emulator_lacks(world: World) -> None:
    body = ("Resources:\n  Db: {Type: AWS::RDS::DBCluster, Properties: {Port: 5432}}\n"
            "  Q: {Type: AWS::SQS::Queue, Properties: {Peer: !Ref Db, "
            "Cidr: !GetAtt Db.DBClusterArn}}\n")
    refused = Reporter()
    assert not asyncio.run(deployment(refused).create(prepared(body)))
    reason = next(e.reason for e in refused.events if e.status == "CREATE_FAILED")
    assert reason.startswith("Resource type AWS::RDS::DBCluster is not supported by this emulator")
    allowed = Reporter()
    d = deployment(allowed)
    d.placeholders = True
    assert asyncio.run(d.create(prepared(body)))
    done = next(e for e in allowed.events if e.logical_id == "Db" and
                e.status == "CREATE_COMPLETE")
    assert done.reason == "Not emulated: AWS::RDS::DBCluster created as a placeholder"
    made = world.objects[d.resources["Q"].physical_id]
    assert made["Peer"] == made["Cidr"] == d.resources["Db"].physical_id


def test_stack_events_stream_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    from emulator.cloudformation.state import StackEvent
    from emulator.services.cloudformation.models import StackRecord
    from emulator.services.cloudformation.runner import StackReporter

    stack = StackRecord(stack_id="arn:stack/app/1", name="app")
    reporter = StackReporter(stack, lambda: None, lambda: 0.0)
    with caplog.at_level(logging.INFO, logger="emulator.cloudformation"):
        reporter.event(StackEvent("Queue", "", "AWS::SQS::Queue", "CREATE_FAILED", 0.0,
                                  "queue name taken"))
    assert caplog.messages == [
        "stack app: Queue AWS::SQS::Queue CREATE_FAILED (queue name taken)"]
    assert stack.events[0]["ResourceStatusReason"] == "queue name taken"
