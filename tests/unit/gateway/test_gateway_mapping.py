"""Mapping templates on the VTL engine, with examples from AWS's documentation and their
documented outputs, plus $util, $input and AWS's quirks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.gateway.mapping import (
    MappingError,
    escape_javascript,
    render,
    substitute_stage_variables,
)

NO_PARAMS: dict[str, dict[str, str]] = {"path": {}, "querystring": {}, "header": {}}


def _render(template: str, body: Any = "", params: dict[str, dict[str, str]] | None = None,
            context: dict[str, Any] | None = None,
            stage_variables: dict[str, str] | None = None) -> str:
    text = body if isinstance(body, str) else json.dumps(body)
    return render(template, text, params or NO_PARAMS, context or {}, stage_variables or {})


# "Mapping template examples": the photo album.
PHOTOS_INPUT = {"photos": {"page": 1, "pages": "1234", "perpage": 100, "total": "123398",
                           "photo": [
    {"id": "12345678901", "owner": "23456789@A12", "photographer_first_name": "Saanvi",
     "photographer_last_name": "Sarkar", "secret": "abc123d456", "server": "1234", "farm": 1,
     "title": "Sample photo 1", "ispublic": True, "isfriend": False, "isfamily": False},
    {"id": "23456789012", "owner": "34567890@B23", "photographer_first_name": "Mateo",
     "photographer_last_name": "Jackson", "secret": "bcd234e567", "server": "1234", "farm": 1,
     "title": "Sample photo 2", "ispublic": True, "isfriend": False, "isfamily": False}]}}
PHOTOS_TEMPLATE = """#set($inputRoot = $input.path('$'))
{
  "photos": [
#foreach($elem in $inputRoot.photos.photo)
    {
      "id": "$elem.id",
      "photographedBy": "$elem.photographer_first_name $elem.photographer_last_name",
      "title": "$elem.title",
      "ispublic": $elem.ispublic,
      "isfriend": $elem.isfriend,
      "isfamily": $elem.isfamily
    }#if($foreach.hasNext),#end

#end
  ]
}"""
PHOTOS_OUTPUT = {"photos": [
    {"id": "12345678901", "photographedBy": "Saanvi Sarkar", "title": "Sample photo 1",
     "ispublic": True, "isfriend": False, "isfamily": False},
    {"id": "23456789012", "photographedBy": "Mateo Jackson", "title": "Sample photo 2",
     "ispublic": True, "isfriend": False, "isfamily": False}]}

# "Mapping template examples": the pet store.
PETS_INPUT = [{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat",
                                                           "price": 124.99},
              {"id": 3, "type": "fish", "price": 0.99}]
PETS_TEMPLATE = """#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
]"""
PETS_OUTPUT = [{"description": "Item 1 is a dog.", "askingPrice": 249.99},
               {"description": "Item 2 is a cat.", "askingPrice": 124.99},
               {"description": "Item 3 is a fish.", "askingPrice": 0.99}]

# "Examples using variables for mapping template transformations", example 1.
CONTEXT_TEMPLATE = """{
    "stage" : "$context.stage",
    "request_id" : "$context.requestId",
    "api_id" : "$context.apiId",
    "resource_path" : "$context.resourcePath",
    "resource_id" : "$context.resourceId",
    "http_method" : "$context.httpMethod",
    "source_ip" : "$context.identity.sourceIp",
    "user-agent" : "$context.identity.userAgent",
    "account_id" : "$context.identity.accountId",
    "api_key" : "$context.identity.apiKey",
    "caller" : "$context.identity.caller",
    "user" : "$context.identity.user",
    "user_arn" : "$context.identity.userArn"
}"""
CONTEXT = {"stage": "prod", "requestId": "abcdefg-000-000-0000-abcdefg", "apiId": "abcd1234",
           "resourcePath": "/", "resourceId": "efg567", "httpMethod": "GET",
           "identity": {"sourceIp": "192.0.2.1", "userAgent": "curl/7.84.0",
                        "accountId": "111122223333", "apiKey": "MyTestKey",
                        "caller": "ABCD-0000-12345", "user": "ABCD-0000-12345",
                        "userArn": "arn:aws:sts::111122223333:assumed-role/Admin/carlos-salazar"}}
CONTEXT_OUTPUT = {"stage": "prod", "request_id": "abcdefg-000-000-0000-abcdefg",
                  "api_id": "abcd1234", "resource_path": "/", "resource_id": "efg567",
                  "http_method": "GET", "source_ip": "192.0.2.1", "user-agent": "curl/7.84.0",
                  "account_id": "111122223333", "api_key": "MyTestKey",
                  "caller": "ABCD-0000-12345", "user": "ABCD-0000-12345",
                  "user_arn": "arn:aws:sts::111122223333:assumed-role/Admin/carlos-salazar"}

# The same page, example 2: every request parameter through a JSON payload.
ALL_PARAMS_TEMPLATE = """#set($allParams = $input.params())
{
  "params" : {
    #foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
    "$type" : {
      #foreach($paramName in $params.keySet())
      "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
      #if($foreach.hasNext),#end
      #end
    }
    #if($foreach.hasNext),#end
    #end
  }
}"""


@pytest.mark.parametrize(("template", "body", "expected"), [
    (PHOTOS_TEMPLATE, PHOTOS_INPUT, PHOTOS_OUTPUT),
    (PETS_TEMPLATE, PETS_INPUT, PETS_OUTPUT),
], ids=["photos", "pets"])
def test_documented_mapping_examples(template: str, body: Any, expected: Any) -> None:
    assert json.loads(_render(template, body)) == expected


def test_documented_context_variables_example() -> None:
    assert json.loads(_render(CONTEXT_TEMPLATE, context=CONTEXT)) == CONTEXT_OUTPUT


def test_documented_all_parameters_example() -> None:
    params = {"path": {"petId": "7"}, "querystring": {"q": 'a "b"'},
              "header": {"Accept": "*/*"}}
    output = json.loads(_render(ALL_PARAMS_TEMPLATE, params=params))
    assert output == {"params": {"path": {"petId": "7"}, "querystring": {"q": 'a "b"'},
                                 "header": {"Accept": "*/*"}}}


def test_input_json_path_and_params() -> None:
    body = {"name": "rex", "tags": ["a", "b"], "owner": {"id": 5}}
    params = {"path": {"id": "p"}, "querystring": {"id": "q", "only": "q2"},
              "header": {"X-Only": "h"}}
    assert _render("$input.json('$.tags')", body) == '["a","b"]'
    assert _render("$input.json('$')", body) == json.dumps(body, separators=(",", ":"))
    assert _render("$input.path('$.owner.id')", body) == "5"
    assert _render("$input.path('$.tags').size()", body) == "2"
    assert _render("$input.path('$.tags[*]')", body) == "['a', 'b']" or \
        _render("$input.json('$.tags[*]')", body) == '["a","b"]'
    # Path first, then query string, then headers (case-insensitively).
    assert _render("$input.params('id')|$input.params('only')|$input.params('x-only')",
                   params=params) == "p|q2|h"
    assert _render("[$input.params('none')]", params=params) == "[]"
    assert _render("$input.body", "raw text") == "raw text"
    # An empty body is an empty object to $input.json.
    assert _render("$input.json('$')", "") == "{}"


def test_input_path_returns_strings_for_plain_text_bodies() -> None:
    assert _render("$input.path('$')", "plain") == "plain"


def test_json_unsafe_output_is_passed_through() -> None:
    output = _render('{"name": "$input.path(\'$.name\')"}', {"name": 'say "hi"'})
    assert output == '{"name": "say "hi""}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(output)


def test_util_functions() -> None:
    assert _render("$util.escapeJavaScript($input.path('$.s'))",
                   {"s": "it's \"q\" / \\ \n é"}) == "it\\'s \\\"q\\\" \\/ \\\\ \\n \\u00E9"
    assert _render("$util.urlEncode('a b&c=d/é')") == "a+b%26c%3Dd%2F%C3%A9"
    assert _render("$util.urlDecode('a+b%26c')") == "a b&c"
    assert _render("$util.base64Encode('hello')") == "aGVsbG8="
    assert _render("$util.base64Decode('aGVsbG8=')") == "hello"
    assert _render("#set($o = $util.parseJson($input.body))$o.a.b", '{"a": {"b": 3}}') == "3"
    assert _render("$util.toJson($input.path('$'))", {"k": [1]}) == '{"k":[1]}'


def test_set_if_foreach_and_java_methods() -> None:
    template = """#set($items = $input.path('$.items'))#set($total = 0)
#foreach($item in $items)#set($total = $total + $item.n)#end
#if($total > 5)big#{else}small#end $total $items.size() $input.path('$.s').toUpperCase()
$input.params().header.containsKey('A') $input.params().header.keySet().size()"""
    output = _render(template, {"items": [{"n": 2}, {"n": 4}], "s": "up"},
                     params={"path": {}, "querystring": {}, "header": {"A": "1", "B": "2"}})
    assert output.split() == ["big", "6", "2", "UP", "true", "2"]


def test_stage_variables_and_overrides() -> None:
    context: dict[str, Any] = {"requestOverride": {"header": {}, "path": {}, "querystring": {}},
                               "responseOverride": {"header": {}, "status": None}}
    output = _render('#set($context.requestOverride.header.X-Color = $stageVariables.color)'
                     '#set($context.responseOverride.status = 418)$stageVariables.color',
                     context=context, stage_variables={"color": "teal"})
    assert output == "teal"
    assert context["requestOverride"]["header"]["X-Color"] == "teal"
    assert context["responseOverride"]["status"] == 418
    assert substitute_stage_variables("fn-${stageVariables.env}", {"env": "dev"}) == "fn-dev"


def test_template_errors_raise_mapping_error() -> None:
    with pytest.raises(MappingError):
        _render("#foreach($x in $y")
    with pytest.raises(MappingError):
        _render("$util.parseJson('{not json')")


def test_escape_javascript_characters() -> None:
    assert escape_javascript("\t\b\f\r\x01😀") == "\\t\\b\\f\\r\\u0001\\uD83D\\uDE00"
