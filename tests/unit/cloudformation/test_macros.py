"""The macro processing order and event, with fake Lambda and S3 calls.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html
("Macros are evaluated in order, based on their location in the template, from the most
deeply nested outward to the most general. Macros at the same location in the template are
evaluated serially based on the order in which they're listed"; AWS::Include is treated the
same as any other macro), and template-macros-author.html for the event.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.macros import MacroError, Macros, uses_macros


class Registry:
    def __init__(self, *names: str) -> None:
        self.names = set(names)

    def function(self, name: str) -> str | None:
        return f"fn-{name}" if name in self.names else None

    def register(self, name: str, definition: dict[str, Any], owner: str) -> bool:
        return True

    def unregister(self, name: str, owner: str) -> None:
        return None


class Calls:
    """Each macro's function tags what it is given with its name; S3 answers files."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.files = files or {}

    async def __call__(self, service: str, operation: str,
                       params: dict[str, Any]) -> dict[str, Any]:
        if service == "s3":
            return {"Body": self.files[params["Key"]].encode()}
        event = json.loads(params["Payload"])
        self.events.append(event)
        name = event["transformId"].split("::")[1]
        fragment = event["fragment"]
        if isinstance(fragment, dict) and "Resources" in fragment:
            fragment["Resources"][name] = {"Type": "AWS::SNS::Topic"}
        else:
            fragment = {"by": name, "got": fragment, "params": event["params"]}
        return {"Payload": json.dumps({"requestId": event["requestId"], "status": "success",
                                       "fragment": fragment}).encode()}


def _macros(calls: Calls, *names: str) -> Macros:
    return Macros(calls, Registry(*names), account="123456789012", region="eu-west-1",
                  parameter_values={"Size": "3"},
                  pseudo={"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"})


def _process(macros: Macros, template: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(macros.process(template))


def test_snippets_go_deepest_first_and_serially_where_listed() -> None:
    calls = Calls()
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "Tags": {"Fn::Transform": [{"Name": "Outer"}, {"Name": "Second"}],
                 "Inner": {"Fn::Transform": {"Name": "Inner",
                                             "Parameters": {"N": {"Ref": "Size"},
                                                            "Keep": {"Ref": "Other"}}}}}}}}}
    out = _process(_macros(calls, "Outer", "Second", "Inner"), template)
    assert [e["transformId"] for e in calls.events] == [
        "123456789012::Inner", "123456789012::Outer", "123456789012::Second"]
    inner = {"by": "Inner", "got": {}, "params": {"N": "3", "Keep": {"Ref": "Other"}}}
    assert out["Resources"]["Q"]["Properties"]["Tags"] == {
        "by": "Second", "params": {},
        "got": {"by": "Outer", "params": {}, "got": {"Inner": inner}}}
    assert calls.events[0]["templateParameterValues"] == {"Size": "3"}
    assert calls.events[0]["region"] == "eu-west-1"


def test_the_transform_section_runs_after_snippets_in_its_order() -> None:
    calls = Calls({"extra.json": json.dumps({"Resources": {"Included": {
        "Type": "AWS::SQS::Queue"}}})})
    template = {
        "Transform": [{"Name": "AWS::Include",
                       "Parameters": {"Location": "s3://bucket/extra.json"}}, "First", "Last"],
        "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": {"Fn::Transform": {"Name": "Snippet"}}}}}}
    out = _process(_macros(calls, "First", "Last", "Snippet"), template)
    ids = [e["transformId"].split("::")[1] for e in calls.events]
    assert ids == ["Snippet", "First", "Last"]
    first = calls.events[1]["fragment"]
    assert "Transform" not in first and "Included" in first["Resources"]
    assert calls.events[1]["params"] == {}
    assert set(out["Resources"]) == {"T", "Included", "First", "Last"}
    assert "Transform" not in out


def test_unknown_macros_and_names_that_are_not_strings() -> None:
    with pytest.raises(MacroError, match=r"^No transform named 123456789012::Nope found\.$"):
        _process(_macros(Calls()), {"Transform": "Nope", "Resources": {}})
    with pytest.raises(TemplateError, match="Key Name of transform definition must be a "
                                            "string"):
        _process(_macros(Calls()), {"Resources": {"Fn::Transform": {"Name": {"Ref": "X"}}}})


def test_auto_expand_covers_snippets_too() -> None:
    assert uses_macros({"Resources": {"A": {"Properties": {"Fn::Transform": {}}}}})
    assert uses_macros({"Transform": "M"})
    assert not uses_macros({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}})
