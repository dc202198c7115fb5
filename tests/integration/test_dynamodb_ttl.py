"""Time to live through boto3: an expired item is deleted once the emulator clock passes its
expiry (the developer guide's "Using time to live", https://docs.aws.amazon.com/amazondynamodb/
latest/developerguide/TTL.html: the attribute holds epoch seconds; items expired more than
five years ago are not deleted)."""

from __future__ import annotations

from dynamodb_support import resource, table

from emulator.testing.handle import EmulatorHandle


def test_expired_items_are_deleted_after_the_clock_moves(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires_at"})
    t = resource(emulator).Table(name)
    now = int(emulator.clock.now())
    t.put_item(Item={"pk": "session", "sk": "1", "expires_at": now + 3600})
    t.put_item(Item={"pk": "session", "sk": "2", "expires_at": now + 7200})
    t.put_item(Item={"pk": "session", "sk": "forever"})
    t.put_item(Item={"pk": "session", "sk": "not-a-number", "expires_at": "tomorrow"})
    emulator.clock.advance(3601)
    emulator.wait_idle()
    left = sorted(item["sk"] for item in t.scan()["Items"])
    assert left == ["2", "forever", "not-a-number"]
    # An update that pushes the expiry out keeps the item.
    t.update_item(Key={"pk": "session", "sk": "2"}, UpdateExpression="SET expires_at = :e",
                  ExpressionAttributeValues={":e": now + 99_999})
    emulator.clock.advance(3600)
    emulator.wait_idle()
    assert "Item" in t.get_item(Key={"pk": "session", "sk": "2"})
