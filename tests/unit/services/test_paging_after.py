"""Paging by the last item seen (DynamoDB Streams' ExclusiveStartStreamArn and
ExclusiveStartShardId in, LastEvaluatedStreamArn and LastEvaluatedShardId out).

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html
"""

from __future__ import annotations

from emulator.services import paging


def _key(item: str) -> str:
    return item


def test_pages_follow_the_last_item_seen_until_none_is_left() -> None:
    items = ["a", "b", "c", "d", "e"]
    assert paging.after(items, _key, None, 2) == (["a", "b"], "b")
    assert paging.after(items, _key, "b", 2) == (["c", "d"], "d")
    assert paging.after(items, _key, "d", 2) == (["e"], None)
    assert paging.after(items, _key, "c", 2) == (["d", "e"], None)  # exactly full: the last


def test_an_unknown_start_reads_from_the_first_item() -> None:
    assert paging.after(["a", "b"], _key, "zz", 5) == (["a", "b"], None)
    assert paging.after([], _key, None, 5) == ([], None)
