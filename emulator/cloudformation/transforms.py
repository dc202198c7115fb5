"""Template transforms: ``AWS::LanguageExtensions`` (Fn::ForEach, intrinsic deletion
policies) and ``AWS::Serverless-2016-10-31`` by AWS's own SAM translator."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from emulator.cloudformation.errors import TemplateError, format_error, template_error
from emulator.cloudformation.intrinsics import Evaluator, function_of
from emulator.cloudformation.template import transforms

SERVERLESS = "AWS::Serverless-2016-10-31"
EXTENSIONS = "AWS::LanguageExtensions"
SUPPORTED = (SERVERLESS, EXTENSIONS)
_FOR_EACH = "Fn::ForEach::"

# AWS managed policies SAM templates name without an ARN, under their service-role path.
_SERVICE_ROLE_POLICIES = {
    "AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaRole",
    "AWSLambdaSQSQueueExecutionRole", "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole", "AWSXrayWriteOnlyAccess",
    "AmazonAPIGatewayPushToCloudWatchLogs", "AWSLambdaMSKExecutionRole",
}


class ManagedPolicies(dict[str, str]):
    """Every AWS managed policy name maps to its ARN (IAM is not enforced here)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __missing__(self, name: str) -> str:
        path = "service-role/" if name in _SERVICE_ROLE_POLICIES else ""
        return f"arn:aws:iam::aws:policy/{path}{name}"

    def get(self, name: str, default: Any = None) -> str:
        return self[name]


def _substitute(value: Any, identifier: str, item: str) -> Any:
    if isinstance(value, str):
        return value.replace("${" + identifier + "}", item).replace(
            "&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item))
    if isinstance(value, list):
        return [_substitute(entry, identifier, item) for entry in value]
    if isinstance(value, dict):
        if function_of(value) == "Ref" and value["Ref"] == identifier:
            return item
        return {_substitute(key, identifier, item): _substitute(entry, identifier, item)
                for key, entry in value.items()}
    return value


def _expand(value: Any, evaluator: Evaluator) -> Any:
    if isinstance(value, list):
        return [_expand(item, evaluator) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, entry in value.items():
        if not (isinstance(key, str) and key.startswith(_FOR_EACH)):
            out[key] = _expand(entry, evaluator)
            continue
        if not isinstance(entry, list) or len(entry) != 3 or not isinstance(
                entry[0], str) or not isinstance(entry[2], dict):
            raise template_error(f"{key} must be a list of an identifier, a collection and "
                                 "an output map")
        identifier, collection, output = entry
        items = evaluator.resolve(collection)
        if not isinstance(items, list):
            raise template_error(f"{key}: the collection must be a list")
        for item in items:
            expanded = _expand(_substitute(copy.deepcopy(output), identifier, str(item)),
                               evaluator)
            for name in expanded:
                if name in out:
                    raise template_error(f"{key} produces the key {name} more than once")
            out.update(expanded)
    return out


def _name_attribute_targets(value: Any, evaluator: Evaluator) -> None:
    """Resolve each Fn::GetAtt logical name given as a function of parameters (the transform
    allows functions there), so the dependency graph sees which resource it reads; a name
    that needs a resource's value stays for the deployment to resolve."""
    if isinstance(value, dict):
        target = value.get("Fn::GetAtt") if len(value) == 1 else None
        if isinstance(target, list) and target and function_of(target[0]):
            try:
                name = evaluator.resolve(target[0])
            except TemplateError:
                name = None
            if isinstance(name, str):
                target[0] = name
        for item in value.values():
            _name_attribute_targets(item, evaluator)
    elif isinstance(value, list):
        for item in value:
            _name_attribute_targets(item, evaluator)


def language_extensions(template: dict[str, Any], parameters: Mapping[str, Any],
                        pseudo: Mapping[str, Any]) -> dict[str, Any]:
    evaluator = Evaluator(parameters=parameters, pseudo=pseudo,
                          mappings=template.get("Mappings") or {}, language_extensions=True)
    out = _expand(template, evaluator)
    _name_attribute_targets(out, evaluator)
    for definition in (out.get("Resources") or {}).values():
        if not isinstance(definition, dict):
            continue
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if function_of(definition.get(policy)):
                definition[policy] = evaluator.resolve(definition[policy])
    return dict(out)


def serverless(template: dict[str, Any], parameters: Mapping[str, Any],
               region: str) -> dict[str, Any]:
    """The CloudFormation the SAM translator makes of a SAM template."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException  # type: ignore[import-untyped]
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    session = boto3.session.Session(region_name=region, aws_access_key_id="x",
                                    aws_secret_access_key="x")
    translator = Translator(None, Parser(), boto_session=session)
    try:
        translated = translator.translate(copy.deepcopy(template), dict(parameters),
                                          get_managed_policy_map=ManagedPolicies)
    except InvalidDocumentException as problem:
        causes = " ".join(str(cause) for cause in problem.causes)
        raise TemplateError(f"Transform {SERVERLESS} failed with: Invalid Serverless "
                            f"Application Specification document. Number of errors found: "
                            f"{len(problem.causes)}. {causes}") from None
    return dict(translated)


def apply(template: dict[str, Any], parameters: Mapping[str, Any],
          pseudo: Mapping[str, Any]) -> dict[str, Any]:
    """The template with its declared transforms applied, in the order declared."""
    names = transforms(template)
    for name in names:
        if name not in SUPPORTED:
            raise format_error(f"Transform {name} is not supported by this emulator") if (
                name.startswith("AWS::")) else TemplateError(
                f"Template format error: Unrecognized transform {name}")
    processed = template
    values = {key: value for key, value in parameters.items()}
    for name in names:
        if name == EXTENSIONS:
            processed = language_extensions(processed, values, pseudo)
        else:
            processed = serverless(processed, values, str(pseudo.get("AWS::Region")))
    if SERVERLESS in names and EXTENSIONS in names:
        processed["Transform"] = EXTENSIONS  # Fn::Length and friends stay available
    elif SERVERLESS in names:
        processed.pop("Transform", None)
    return processed


__all__ = ["EXTENSIONS", "SERVERLESS", "ManagedPolicies", "apply", "language_extensions",
           "serverless"]
