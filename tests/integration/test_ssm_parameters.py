"""Parameter Store through boto3: versions, selectors, labels, SecureString, hierarchies,
filters, pages, tags, and the errors AWS answers bad input with.

References: PutParameter and GetParameter in the AWS Systems Manager API Reference
(https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html),
parameter names (https://docs.aws.amazon.com/systems-manager/latest/userguide/
sysman-parameter-name-constraints.html) and labels (.../sysman-paramstore-labels.html).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from client_errors import code_and_message as _error

from emulator.testing import EmulatorHandle


@pytest.fixture
def ssm(emulator: EmulatorHandle) -> Any:
    return emulator.client("ssm")


@pytest.fixture
def root() -> str:
    """A hierarchy of this test's own."""
    return f"/t{uuid.uuid4().hex[:10]}"


def test_versions_selectors_and_history(ssm: Any, root: str) -> None:
    name = f"{root}/db/url"
    assert ssm.put_parameter(Name=name, Value="one", Type="String")["Version"] == 1
    assert ssm.put_parameter(Name=name, Value="two", Type="String",
                             Overwrite=True)["Version"] == 2
    latest = ssm.get_parameter(Name=name)["Parameter"]
    assert (latest["Value"], latest["Version"], latest["Type"]) == ("two", 2, "String")
    assert latest["ARN"].endswith(f":parameter{name}") and "Selector" not in latest
    first = ssm.get_parameter(Name=f"{name}:1")["Parameter"]
    assert (first["Name"], first["Value"], first["Selector"]) == (name, "one", ":1")
    history = ssm.get_parameter_history(Name=name)["Parameters"]
    assert [(h["Version"], h["Value"], h["Labels"]) for h in history] == [
        (1, "one", []), (2, "two", [])]
    assert _error(ssm.get_parameter, Name=f"{name}:9") == (
        "ParameterVersionNotFound",
        f"Systems Manager could not find version 9 of {name}. Verify the version and try "
        "again.")


def test_labels_move_between_versions_and_select_them(ssm: Any, root: str) -> None:
    name = f"{root}/flag"
    for value in ("a", "b", "c"):
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    labelled = ssm.label_parameter_version(Name=name, ParameterVersion=1,
                                           Labels=["prod", "9lives", "awsy", "ok.1"])
    assert labelled["ParameterVersion"] == 1
    assert labelled["InvalidLabels"] == ["9lives", "awsy"]  # the naming rules
    assert ssm.get_parameter(Name=f"{name}:prod")["Parameter"]["Value"] == "a"
    # Attaching a label to another version moves it; no version given means the latest.
    assert ssm.label_parameter_version(Name=name, Labels=["prod"])["ParameterVersion"] == 3
    chosen = ssm.get_parameter(Name=f"{name}:prod")["Parameter"]
    assert (chosen["Value"], chosen["Selector"]) == ("c", ":prod")
    labels = {h["Version"]: h["Labels"] for h in ssm.get_parameter_history(
        Name=name)["Parameters"]}
    assert labels == {1: ["ok.1"], 2: [], 3: ["prod"]}
    removed = ssm.unlabel_parameter_version(Name=name, ParameterVersion=3,
                                            Labels=["prod", "nope"])
    assert (removed["RemovedLabels"], removed["InvalidLabels"]) == (["prod"], ["nope"])
    assert _error(ssm.get_parameter, Name=f"{name}:prod")[0] == "ParameterNotFound"
    many = [f"l{i}" for i in range(10)]
    ssm.label_parameter_version(Name=name, ParameterVersion=2, Labels=many)
    assert _error(ssm.label_parameter_version, Name=name, ParameterVersion=2,
                  Labels=["one-more"])[0] == "ParameterVersionLabelLimitExceeded"


def test_secure_strings_come_back_decrypted_only_when_asked(ssm: Any, root: str) -> None:
    name = f"{root}/secret"
    ssm.put_parameter(Name=name, Value="hunter2", Type="SecureString")
    sealed = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    assert sealed != "hunter2" and "hunter2" not in sealed
    assert ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"] == "hunter2"
    found = ssm.get_parameters(Names=[name], WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in found] == ["hunter2"]
    by_path = ssm.get_parameters_by_path(Path=root)["Parameters"]
    assert [p["Value"] for p in by_path] == [sealed]
    meta = ssm.describe_parameters(ParameterFilters=[
        {"Key": "Name", "Values": [name]}])["Parameters"]
    assert [(m["Type"], m["KeyId"]) for m in meta] == [("SecureString", "alias/aws/ssm")]
    ssm.put_parameter(Name=name, Value="s3cret", Type="SecureString", Overwrite=True,
                      KeyId="alias/custom")
    history = ssm.get_parameter_history(Name=name, WithDecryption=True)["Parameters"]
    assert [(h["Value"], h["KeyId"]) for h in history] == [
        ("hunter2", "alias/aws/ssm"), ("s3cret", "alias/custom")]
    assert _error(ssm.put_parameter, Name=f"{root}/plain", Value="x", Type="String",
                  KeyId="alias/custom")[0] == "ValidationException"


def test_get_parameters_reports_the_names_it_cannot_find(ssm: Any, root: str) -> None:
    ssm.put_parameter(Name=f"{root}/a", Value="1", Type="String")
    ssm.put_parameter(Name=f"{root}/list", Value="x,y,z", Type="StringList")
    found = ssm.get_parameters(Names=[f"{root}/a", f"{root}/list", f"{root}/missing",
                                      f"{root}/a:7"])
    assert [(p["Name"], p["Value"], p["Type"]) for p in found["Parameters"]] == [
        (f"{root}/a", "1", "String"), (f"{root}/list", "x,y,z", "StringList")]
    assert found["InvalidParameters"] == [f"{root}/missing", f"{root}/a:7"]


def test_paths_one_level_recursive_filtered_and_paged(ssm: Any, root: str) -> None:
    for name in ("a", "b", "deep/c", "deep/er/d"):
        ssm.put_parameter(Name=f"{root}/{name}", Value=name, Type="String")
    ssm.put_parameter(Name=f"{root}/s", Value="x", Type="SecureString")

    def names(**options: Any) -> list[str]:
        found: list[str] = []
        for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=root, **options):
            found.extend(p["Name"].removeprefix(root) for p in page["Parameters"])
        return found

    assert names() == ["/a", "/b", "/s"]
    assert names(Recursive=True) == ["/a", "/b", "/deep/c", "/deep/er/d", "/s"]
    assert names(Recursive=True, PaginationConfig={"PageSize": 2}) == [
        "/a", "/b", "/deep/c", "/deep/er/d", "/s"]
    assert names(Recursive=True, ParameterFilters=[
        {"Key": "Type", "Values": ["SecureString"]}]) == ["/s"]
    first = ssm.get_parameters_by_path(Path=root, Recursive=True, MaxResults=2)
    assert len(first["Parameters"]) == 2 and first["NextToken"]
    assert _error(ssm.get_parameters_by_path, Path=root, NextToken="not-ours")[0] == (
        "InvalidNextToken")
    assert _error(ssm.get_parameters_by_path, Path=root, ParameterFilters=[
        {"Key": "Name", "Values": ["x"]}])[0] == "InvalidFilterKey"
    assert _error(ssm.get_parameters_by_path, Path="no-slash")[0] == "ValidationException"


def test_a_label_filter_finds_the_labelled_versions(ssm: Any, root: str) -> None:
    ssm.put_parameter(Name=f"{root}/x", Value="old", Type="String")
    ssm.put_parameter(Name=f"{root}/x", Value="new", Type="String", Overwrite=True)
    ssm.put_parameter(Name=f"{root}/y", Value="other", Type="String")
    ssm.label_parameter_version(Name=f"{root}/x", ParameterVersion=1, Labels=["golden"])
    found = ssm.get_parameters_by_path(Path=root, ParameterFilters=[
        {"Key": "Label", "Option": "Equals", "Values": ["golden"]}])["Parameters"]
    assert [(p["Name"], p["Value"], p["Version"]) for p in found] == [(f"{root}/x", "old", 1)]


def test_describe_parameters_filters(ssm: Any, root: str) -> None:
    ssm.put_parameter(Name=f"{root}/app/one", Value="1", Type="String",
                      Description="first", Tags=[{"Key": "team", "Value": "blue"}])
    ssm.put_parameter(Name=f"{root}/app/two", Value="2", Type="StringList",
                      AllowedPattern="^[0-9,]+$")
    ssm.put_parameter(Name=f"{root}/other", Value="3", Type="String", Tier="Advanced")

    def described(*filters: dict[str, Any]) -> list[str]:
        pages = ssm.get_paginator("describe_parameters").paginate(ParameterFilters=list(filters))
        return [p["Name"].removeprefix(root) for page in pages for p in page["Parameters"]]

    assert described({"Key": "Path", "Values": [root]}) == ["/other"]
    assert described({"Key": "Path", "Option": "Recursive", "Values": [root]}) == [
        "/app/one", "/app/two", "/other"]
    assert described({"Key": "Name", "Option": "BeginsWith", "Values": [f"{root}/app"]}) == [
        "/app/one", "/app/two"]
    assert described({"Key": "Name", "Option": "Contains", "Values": [root]},
                     {"Key": "Type", "Values": ["StringList"]}) == ["/app/two"]
    assert described({"Key": "Path", "Option": "Recursive", "Values": [root]},
                     {"Key": "Tier", "Values": ["Advanced"]}) == ["/other"]
    assert described({"Key": "tag:team", "Values": ["blue"]}) == ["/app/one"]
    [two] = ssm.describe_parameters(ParameterFilters=[
        {"Key": "Name", "Values": [f"{root}/app/two"]}])["Parameters"]
    assert (two["AllowedPattern"], two["Tier"], two["DataType"]) == ("^[0-9,]+$", "Standard",
                                                                      "text")
    assert _error(ssm.describe_parameters, ParameterFilters=[
        {"Key": "Type", "Values": ["Text"]}])[0] == "InvalidFilterValue"
    assert _error(ssm.describe_parameters, ParameterFilters=[
        {"Key": "Name", "Option": "Recursive", "Values": ["x"]}])[0] == "InvalidFilterOption"
    assert _error(ssm.describe_parameters, Filters=[{"Key": "Name", "Values": ["x"]}],
                  ParameterFilters=[{"Key": "Name", "Values": ["x"]}])[0] == (
        "ValidationException")


def test_tags(ssm: Any, root: str) -> None:
    name = f"{root}/tagged"
    ssm.put_parameter(Name=name, Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId=name,
                             Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "3"), ("b", "2")]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId=name, TagKeys=["a"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)[
        "TagList"] == [{"Key": "b", "Value": "2"}]
    assert _error(ssm.list_tags_for_resource, ResourceType="Parameter",
                  ResourceId=f"{root}/none")[0] == "InvalidResourceId"
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert _error(ssm.add_tags_to_resource, ResourceType="Parameter", ResourceId=name,
                  Tags=too_many)[0] == "TooManyTagsError"
    assert _error(ssm.put_parameter, Name=name, Value="w", Type="String", Overwrite=True,
                  Tags=[{"Key": "c", "Value": "1"}])[0] == "ValidationException"


def test_delete_one_and_many(ssm: Any, root: str) -> None:
    for name in ("a", "b"):
        ssm.put_parameter(Name=f"{root}/{name}", Value="v", Type="String")
    ssm.delete_parameter(Name=f"{root}/a")
    assert _error(ssm.get_parameter, Name=f"{root}/a") == ("ParameterNotFound", "")
    assert _error(ssm.delete_parameter, Name=f"{root}/a") == ("ParameterNotFound", "")
    deleted = ssm.delete_parameters(Names=[f"{root}/a", f"{root}/b"])
    assert (deleted["DeletedParameters"], deleted["InvalidParameters"]) == (
        [f"{root}/b"], [f"{root}/a"])
    # A deleted name starts again at version 1.
    assert ssm.put_parameter(Name=f"{root}/b", Value="v", Type="String")["Version"] == 1


@pytest.mark.parametrize(("name", "code"), [
    ("awsName", "ValidationException"),
    ("/ssm/x", "ValidationException"),
    ("has space", "ValidationException"),
    ("no/leading/slash", "ValidationException"),
    ("/bad*char", "ValidationException"),
    ("/" + "/".join(["l"] * 16), "HierarchyLevelLimitExceededException"),
])
def test_names_aws_refuses(ssm: Any, name: str, code: str) -> None:
    assert _error(ssm.put_parameter, Name=name, Value="v", Type="String")[0] == code


def test_bad_values_and_options_are_refused_and_nothing_stored_changes(
        ssm: Any, root: str) -> None:
    name = f"{root}/kept"
    ssm.put_parameter(Name=name, Value="safe", Type="String")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Value": "x"}, "ParameterAlreadyExists"),
        ({"Value": "", "Overwrite": True}, "ValidationException"),
        ({"Value": "x" * 4097, "Overwrite": True}, "ValidationException"),
        ({"Value": "abc", "Overwrite": True, "AllowedPattern": "^[0-9]+$"},
         "ParameterPatternMismatchException"),
        ({"Value": "1", "Overwrite": True, "AllowedPattern": "(["},
         "InvalidAllowedPatternException"),
        ({"Value": "1", "Overwrite": True, "DataType": "number"}, "ValidationException"),
        ({"Value": "img", "Overwrite": True, "DataType": "aws:ec2:image"},
         "ValidationException"),
        ({"Value": "1", "Overwrite": True, "Tier": "Advanced", "Policies": "not json"},
         "InvalidPolicyTypeException"),
        ({"Value": "1", "Overwrite": True, "Policies": '[{"Type": "Expiration"}]'},
         "ValidationException"),
    ]
    for options, code in cases:
        assert _error(ssm.put_parameter, Name=name, Type="String", **options)[0] == code, options
    assert _error(ssm.put_parameter, Name=f"{root}/untyped", Value="v")[0] == (
        "ValidationException")
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "safe"
    assert len(ssm.get_parameter_history(Name=name)["Parameters"]) == 1


def test_tiers_grow_with_the_value_and_never_shrink(ssm: Any, root: str) -> None:
    name = f"{root}/big"
    big = "x" * 5000
    assert ssm.put_parameter(Name=name, Value=big, Type="String",
                             Tier="Intelligent-Tiering")["Tier"] == "Advanced"
    assert ssm.put_parameter(Name=name, Value="small", Type="String",
                             Overwrite=True)["Tier"] == "Advanced"
    assert _error(ssm.put_parameter, Name=name, Value="small", Type="String", Overwrite=True,
                  Tier="Standard")[0] == "ValidationException"
    assert ssm.put_parameter(Name=f"{root}/small", Value="s", Type="String",
                             Tier="Intelligent-Tiering")["Tier"] == "Standard"
    policies = '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01"}}]'
    ssm.put_parameter(Name=f"{root}/expiring", Value="v", Type="String", Tier="Advanced",
                      Policies=policies)
    [meta] = ssm.describe_parameters(ParameterFilters=[
        {"Key": "Name", "Values": [f"{root}/expiring"]}])["Parameters"]
    assert [(p["PolicyType"], p["PolicyStatus"]) for p in meta["Policies"]] == [
        ("Expiration", "Pending")]


def test_a_hundred_versions_then_the_oldest_goes_unless_labelled(ssm: Any, root: str) -> None:
    name = f"{root}/busy"
    for n in range(100):
        ssm.put_parameter(Name=name, Value=str(n), Type="String", Overwrite=True)
    ssm.put_parameter(Name=name, Value="100", Type="String", Overwrite=True)
    history = [h["Version"] for page in ssm.get_paginator("get_parameter_history").paginate(
        Name=name) for h in page["Parameters"]]
    assert (len(history), history[0], history[-1]) == (100, 2, 101)
    assert _error(ssm.get_parameter, Name=f"{name}:1")[0] == "ParameterVersionNotFound"
    ssm.label_parameter_version(Name=name, ParameterVersion=2, Labels=["pinned"])
    assert _error(ssm.put_parameter, Name=name, Value="x", Type="String",
                  Overwrite=True)[0] == "ParameterMaxVersionLimitExceeded"
    assert ssm.get_parameter(Name=name)["Parameter"]["Version"] == 101


def test_parameters_belong_to_their_region(emulator: EmulatorHandle, root: str) -> None:
    east = emulator.client("ssm", region_name="us-east-1")
    west = emulator.client("ssm", region_name="eu-west-1")
    east.put_parameter(Name=f"{root}/r", Value="east", Type="String")
    assert _error(west.get_parameter, Name=f"{root}/r")[0] == "ParameterNotFound"
    found = east.get_parameter(Name=f"arn:aws:ssm:us-east-1:000000000000:parameter{root}/r")
    assert found["Parameter"]["Value"] == "east"


def test_documents_are_listed_empty_with_any_filter(ssm: Any) -> None:
    # https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListDocuments.html
    # https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DocumentKeyValuesFilter.html
    assert ssm.list_documents()["DocumentIdentifiers"] == []
    assert ssm.list_documents(Filters=[
        {"Key": "Owner", "Values": ["Self"]},
        {"Key": "DocumentType", "Values": ["Command"]}], MaxResults=10)[
        "DocumentIdentifiers"] == []
    assert ssm.list_documents(DocumentFilterList=[
        {"key": "Name", "value": "AWS-RunShellScript"}])["DocumentIdentifiers"] == []
    pages = ssm.get_paginator("list_documents").paginate()
    assert [page["DocumentIdentifiers"] for page in pages] == [[]]
    assert _error(ssm.list_documents, NextToken="bm90LWdpdmVu") == (
        "InvalidNextToken", "The specified token isn't valid.")
