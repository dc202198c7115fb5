"""The event-pattern language, case by case: every operator, with events that must match and
events that must not, and the patterns AWS refuses."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.event_patterns import PatternError, compile_pattern

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "count": 5,
        "price": 10.5,
        "flag": True,
        "nothing": None,
        "empty": "",
        "ip": "10.0.0.255",
        "tags": ["blue", "green"],
        "location": {"city": "Seattle", "zip": "98101"},
        "items": [{"sku": "a1", "qty": 2}, {"sku": "b2", "qty": 0}],
        "file": "reports/2024/q1.PDF",
    },
}

# (name, pattern, expected match against EVENT)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    # exact values
    ("string", {"source": ["aws.ec2"]}, True),
    ("string other", {"source": ["aws.s3"]}, False),
    ("string is case sensitive", {"source": ["AWS.EC2"]}, False),
    ("one of several", {"source": ["aws.s3", "aws.ec2"]}, True),
    ("nested", {"detail": {"state": ["terminated"]}}, True),
    ("nested other", {"detail": {"state": ["running"]}}, False),
    ("deeper", {"detail": {"location": {"city": ["Seattle"]}}}, True),
    ("deeper other", {"detail": {"location": {"city": ["Paris"]}}}, False),
    ("number", {"detail": {"count": [5]}}, True),
    ("number as float", {"detail": {"count": [5.0]}}, True),
    ("number is not its string", {"detail": {"count": ["5"]}}, False),
    ("string is not a number", {"detail": {"zip": [98101]}}, False),
    ("boolean", {"detail": {"flag": [True]}}, True),
    ("boolean other", {"detail": {"flag": [False]}}, False),
    ("null", {"detail": {"nothing": [None]}}, True),
    ("null is not missing", {"detail": {"absent": [None]}}, False),
    ("empty string", {"detail": {"empty": [""]}}, True),
    ("empty string is not null", {"detail": {"nothing": [""]}}, False),
    ("missing field", {"detail": {"absent": ["x"]}}, False),
    ("all fields must match", {"source": ["aws.ec2"], "detail": {"state": ["x"]}}, False),
    # arrays in the event
    ("array element", {"detail": {"tags": ["green"]}}, True),
    ("array no element", {"detail": {"tags": ["red"]}}, False),
    ("array in resources", {"resources": [
        "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}, True),
    ("array of objects", {"detail": {"items": {"sku": ["b2"]}}}, True),
    ("array of objects other", {"detail": {"items": {"sku": ["c3"]}}}, False),
    ("array of objects numeric", {"detail": {"items": {"qty": [{"numeric": [">", 1]}]}}}, True),
    # prefix and suffix
    ("prefix", {"detail": {"instance-id": [{"prefix": "i-12"}]}}, True),
    ("prefix other", {"detail": {"instance-id": [{"prefix": "i-99"}]}}, False),
    ("prefix on a number", {"detail": {"count": [{"prefix": "5"}]}}, False),
    ("prefix ignoring case", {"source": [{"prefix": {"equals-ignore-case": "AWS."}}]}, True),
    ("prefix ignoring case other", {"source": [{"prefix": {"equals-ignore-case": "X"}}]}, False),
    ("suffix", {"detail": {"file": [{"suffix": ".PDF"}]}}, True),
    ("suffix is case sensitive", {"detail": {"file": [{"suffix": ".pdf"}]}}, False),
    ("suffix ignoring case", {"detail": {"file": [{"suffix": {"equals-ignore-case": ".pdf"}}]}},
     True),
    # equals-ignore-case
    ("equals-ignore-case", {"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}, True),
    ("equals-ignore-case other", {"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}},
     False),
    # anything-but
    ("anything-but", {"detail": {"state": [{"anything-but": "running"}]}}, True),
    ("anything-but same", {"detail": {"state": [{"anything-but": "terminated"}]}}, False),
    ("anything-but list", {"detail": {"state": [{"anything-but": ["a", "terminated"]}]}}, False),
    ("anything-but list other", {"detail": {"state": [{"anything-but": ["a", "b"]}]}}, True),
    ("anything-but number", {"detail": {"count": [{"anything-but": [1, 2]}]}}, True),
    ("anything-but number same", {"detail": {"count": [{"anything-but": 5}]}}, False),
    ("anything-but missing", {"detail": {"absent": [{"anything-but": "x"}]}}, False),
    ("anything-but prefix", {"detail": {"state": [{"anything-but": {"prefix": "run"}}]}}, True),
    ("anything-but prefix same", {"detail": {"state": [{"anything-but": {"prefix": "ter"}}]}},
     False),
    ("anything-but suffix", {"detail": {"file": [{"anything-but": {"suffix": ".PDF"}}]}}, False),
    ("anything-but ignoring case", {"detail": {"state": [
        {"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}}, False),
    ("anything-but wildcard", {"detail": {"file": [
        {"anything-but": {"wildcard": "reports/*"}}]}}, False),
    ("anything-but wildcard other", {"detail": {"file": [
        {"anything-but": {"wildcard": "images/*"}}]}}, True),
    # numeric
    ("numeric range", {"detail": {"price": [{"numeric": [">", 10, "<=", 11]}]}}, True),
    ("numeric below", {"detail": {"price": [{"numeric": ["<", 10]}]}}, False),
    ("numeric equals", {"detail": {"count": [{"numeric": ["=", 5]}]}}, True),
    ("numeric equals other", {"detail": {"count": [{"numeric": ["=", 6]}]}}, False),
    ("numeric bounds exclusive", {"detail": {"count": [{"numeric": [">", 5]}]}}, False),
    ("numeric bounds inclusive", {"detail": {"count": [{"numeric": [">=", 5]}]}}, True),
    ("numeric on a string", {"detail": {"zip": [{"numeric": [">", 0]}]}}, False),
    # exists
    ("exists", {"detail": {"state": [{"exists": True}]}}, True),
    ("exists missing", {"detail": {"absent": [{"exists": True}]}}, False),
    ("not exists", {"detail": {"absent": [{"exists": False}]}}, True),
    ("not exists present", {"detail": {"state": [{"exists": False}]}}, False),
    ("exists null", {"detail": {"nothing": [{"exists": True}]}}, True),
    ("exists on an object", {"detail": {"location": [{"exists": True}]}}, False),
    ("not exists under a missing parent", {"nowhere": {"deep": [{"exists": False}]}}, True),
    # wildcard
    ("wildcard", {"detail": {"file": [{"wildcard": "reports/*/q1.PDF"}]}}, True),
    ("wildcard two stars", {"detail": {"file": [{"wildcard": "rep*2024*"}]}}, True),
    ("wildcard other", {"detail": {"file": [{"wildcard": "images/*"}]}}, False),
    ("wildcard is anchored", {"detail": {"file": [{"wildcard": "2024*"}]}}, False),
    ("wildcard escaped star", {"detail": {"file": [{"wildcard": "reports\\*"}]}}, False),
    # cidr
    ("cidr", {"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ("cidr other", {"detail": {"ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ("cidr on text", {"detail": {"state": [{"cidr": "10.0.0.0/8"}]}}, False),
    # $or
    ("or", {"$or": [{"source": ["aws.s3"]}, {"detail": {"count": [5]}}]}, True),
    ("or none", {"$or": [{"source": ["aws.s3"]}, {"detail": {"count": [6]}}]}, False),
    ("or nested", {"detail": {"$or": [{"state": ["x"]}, {"count": [{"numeric": ["<", 9]}]}]}},
     True),
    ("or with other fields", {"source": ["aws.s3"],
                              "$or": [{"region": ["us-west-1"]}, {"account": ["1"]}]}, False),
    # mixed entries in one leaf
    ("mixed entries", {"detail": {"state": ["x", {"prefix": "term"}]}}, True),
    ("mixed entries none", {"detail": {"state": ["x", {"prefix": "run"}]}}, False),
]


@pytest.mark.parametrize(("pattern", "expected"), [(p, e) for _, p, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_pattern_against_the_event(pattern: dict[str, Any], expected: bool) -> None:
    assert compile_pattern(pattern).matches(EVENT) is expected


INVALID: list[tuple[str, Any]] = [
    ("not an object", ["a"]),
    ("not JSON", "{source: x"),
    ("scalar leaf", {"source": "aws.ec2"}),
    ("empty array", {"source": []}),
    ("unknown operator", {"source": [{"prefx": "a"}]}),
    ("two operators", {"source": [{"prefix": "a", "suffix": "b"}]}),
    ("prefix not text", {"source": [{"prefix": 5}]}),
    ("numeric odd terms", {"n": [{"numeric": [">"]}]}),
    ("numeric bad operator", {"n": [{"numeric": ["!=", 1]}]}),
    ("numeric not a number", {"n": [{"numeric": [">", "1"]}]}),
    ("numeric two lower bounds", {"n": [{"numeric": [">", 1, ">=", 2]}]}),
    ("numeric too large", {"n": [{"numeric": [">", 1e10]}]}),
    ("exists not boolean", {"n": [{"exists": "yes"}]}),
    ("anything-but null", {"n": [{"anything-but": [None]}]}),
    ("anything-but unknown", {"n": [{"anything-but": {"numeric": [">", 1]}}]}),
    ("wildcard consecutive stars", {"n": [{"wildcard": "a**"}]}),
    ("cidr malformed", {"n": [{"cidr": "10.0.0/x"}]}),
    ("or one option", {"$or": [{"a": ["b"]}]}),
    ("or not a list", {"$or": {"a": ["b"]}}),
]


@pytest.mark.parametrize("pattern", [p for _, p in INVALID], ids=[n for n, _ in INVALID])
def test_invalid_patterns_are_refused(pattern: Any) -> None:
    import json

    with pytest.raises(PatternError):
        compile_pattern(pattern if isinstance(pattern, str) else json.dumps(pattern))
