"""Functions: create, read, list, update, delete; reserved concurrency; tags; account settings.

Function states follow AWS: CreateFunction answers ``State: Pending`` and the updates answer
``LastUpdateStatus: InProgress``; the work is done before the answer is sent, so every later
read reports ``Active`` and ``Successful`` and boto3's waiters return at their first poll.
"""

from __future__ import annotations

import base64
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.lambda_ import settings as checks
from emulator.services.lambda_.common import LambdaBase, logging_settings
from emulator.services.lambda_.models import HOT_RELOAD_BUCKET, CodeRef, FunctionRecord
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    new_revision,
    scope_of,
    split_function_name,
    user_error,
)
from emulator.services.lambda_.vpc import vpc_settings

UNRESERVED_MINIMUM = 100


def image_refused() -> Exception:
    return invalid_parameter(
        "Container image functions (PackageType Image) are not supported by this emulator, "
        "which runs functions without Docker. Deploy the function as a .zip package (or a "
        "hot-reload folder) with a Python, Node.js or provided runtime instead.")


class FunctionsApi(LambdaBase):
    # -- code ------------------------------------------------------------------------------

    def _code(self, code: dict[str, Any], operation: str) -> CodeRef:
        if code.get("ZipFile") is not None:
            return self.code.put_zip(code["ZipFile"], operation)
        if code.get("S3Bucket") == HOT_RELOAD_BUCKET and code.get("S3Key"):
            return self.code.hot_reload(code["S3Key"])
        if code.get("S3Bucket"):
            return self.code_from_s3(code, operation)
        if code.get("ImageUri"):
            raise image_refused()
        raise invalid_parameter("Please provide a source for function code.")

    def _check_layers(self, scope: Scope, layers: list[str]) -> list[str]:
        layers = checks.layer_list(layers)
        for arn in layers:
            self.layer_folder(scope, arn)
        return layers

    # -- create, read, list, delete --------------------------------------------------------

    def create_function(
            self, ctx: RequestContext, *, function_name: str, role: str, code: dict[str, Any],
            runtime: str | None = None, handler: str | None = None, description: str = "",
            timeout: int = 3, memory_size: int = 128, publish: bool = False,
            package_type: str = "Zip", environment: dict[str, Any] | None = None,
            layers: list[str] | None = None, tags: dict[str, str] | None = None,
            architectures: list[str] | None = None, ephemeral_storage: dict[str, Any] | None = None,
            tracing_config: dict[str, Any] | None = None,
            dead_letter_config: dict[str, Any] | None = None, kms_key_arn: str | None = None,
            logging_config: dict[str, Any] | None = None,
            vpc_config: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = split_function_name(function_name)
        if qualifier:
            raise invalid_parameter("Function name cannot be qualified when creating it.")
        checks.check_role(role)
        checks.check_runtime(runtime)
        if package_type == "Image":
            raise image_refused()
        if package_type == "Zip" and (not runtime or not handler):
            raise invalid_parameter(
                "Runtime and Handler are mandatory parameters for functions created with "
                "deployment packages."
            )
        variables = checks.environment_variables(environment)
        vpc = vpc_settings(self.ports, scope.account, scope.region, vpc_config or {})
        layer_arns = self._check_layers(scope, layers or [])
        tables = self.tables(scope)
        if name in tables.functions:
            raise self.conflict(f"Function already exist: {name}")
        now = self.clock.now()
        record = FunctionRecord(
            name=name,
            account=scope.account,
            region=scope.region,
            runtime=runtime,
            role=role,
            handler=handler,
            description=description,
            timeout=timeout,
            memory_size=memory_size,
            environment=variables,
            layers=layer_arns,
            architectures=architectures or ["x86_64"],
            ephemeral_storage=(ephemeral_storage or {}).get("Size", 512),
            tracing_mode=(tracing_config or {}).get("Mode", "PassThrough"),
            dead_letter_target=(dead_letter_config or {}).get("TargetArn"),
            kms_key_arn=kms_key_arn,
            vpc_config=vpc,
            logging_config=logging_settings({}, logging_config or {}),
            package_type=package_type,
            code=self._code(code, "CreateFunction"),
            revision_id=new_revision(),
            last_modified=now,
            created=now,
            tags=dict(tags or {}),
        )
        tables.functions.put(name, record)
        shown = record
        if publish:
            shown = self.publish(scope, record, description)
        config = self.configuration(scope, shown)
        config.pop("LastUpdateStatus", None)
        config.update(State="Pending", StateReason="The function is being created.",
                      StateReasonCode="Creating")
        return config

    def get_function(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = split_function_name(function_name, qualifier)
        record = self.version_record(scope, name, qualifier)
        latest = self.latest(scope, name)
        result: dict[str, Any] = {
            "Configuration": self.configuration(scope, record),
            "Code": {
                "RepositoryType": "S3",
                "Location": f"{ctx.endpoint_url}/_aws/lambda-code/{name}/"
                f"{base64.b64decode(record.code.sha256).hex()}.zip",
            },
        }
        if latest.tags:
            result["Tags"] = dict(latest.tags)
        if latest.reserved_concurrency is not None:
            result["Concurrency"] = {"ReservedConcurrentExecutions": latest.reserved_concurrency}
        return result

    def get_function_configuration(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = split_function_name(function_name, qualifier)
        return self.configuration(scope, self.version_record(scope, name, qualifier))

    def list_functions(self, ctx: RequestContext, *, function_version: str | None = None,
                       marker: str | None = None, max_items: int | None = None, **_: Any
                       ) -> dict[str, Any]:
        scope = scope_of(ctx)
        tables = self.tables(scope)
        records: list[FunctionRecord] = []
        for record in tables.functions.values():
            records.append(record)
            if function_version == "ALL":
                records.extend(
                    version for key, version in tables.versions.items()
                    if key.startswith(f"{record.name}:")
                )
        return paging.answer("Functions", records, marker, max_items or 50,
                             token_member="NextMarker",
                             shape=lambda r: self.configuration(scope, r))

    def delete_function(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = split_function_name(function_name, qualifier)
        self.latest(scope, name)
        tables = self.tables(scope)
        if qualifier == "$LATEST":
            raise invalid_parameter(
                "$LATEST version cannot be deleted without deleting the function."
            )
        if qualifier is not None:
            if not qualifier.isdigit() or f"{name}:{qualifier}" not in tables.versions:
                raise self.not_found(f"Function not found: {function_arn(scope, name, qualifier)}")
            using = [a.name for a in tables.aliases.values()
                     if a.function_name == name and (a.function_version == qualifier
                                                     or qualifier in a.additional_weights)]
            if using:
                raise self.conflict("Unable to delete version because the following aliases "
                               f"reference it: [{', '.join(using)}]")
            tables.versions.delete(f"{name}:{qualifier}")
            return {}
        for table in (tables.versions, tables.aliases, tables.urls, tables.policies):
            for key in list(table):
                if key.startswith(f"{name}:"):
                    table.delete(key)
        tables.functions.delete(name)
        self.runtime.retire(function_arn(scope, name))
        return {}

    # -- updates ---------------------------------------------------------------------------

    def _check_revision(self, record: FunctionRecord, revision_id: str | None) -> None:
        if revision_id is not None and revision_id != record.revision_id:
            raise self.precondition_failed()

    @staticmethod
    def precondition_failed() -> Exception:
        return user_error(
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id",
        )

    def _updated(
        self, scope: Scope, record: FunctionRecord, publish: bool = False
    ) -> dict[str, Any]:
        record.revision_id = new_revision()
        record.last_modified = self.clock.now()
        self.tables(scope).functions.put(record.name, record)
        shown = self.publish(scope, record, "") if publish else record
        config = self.configuration(scope, shown)
        config.update(LastUpdateStatus="InProgress",
                      LastUpdateStatusReason="The function is being created.",
                      LastUpdateStatusReasonCode="Creating")
        return config

    def update_function_code(
            self, ctx: RequestContext, *, function_name: str, zip_file: bytes | None = None,
            s3_bucket: str | None = None, s3_object_version: str | None = None,
            s3_key: str | None = None, image_uri: str | None = None, publish: bool = False,
            dry_run: bool = False, revision_id: str | None = None,
            architectures: list[str] | None = None, **_: Any) -> dict[str, Any]:
        scope, _name, record = self.named_function(ctx, function_name)
        self._check_revision(record, revision_id)
        code = self._code({"ZipFile": zip_file, "S3Bucket": s3_bucket, "S3Key": s3_key,
                           "S3ObjectVersion": s3_object_version, "ImageUri": image_uri},
                          "UpdateFunctionCode")
        if dry_run:
            return self.configuration(scope, record)
        record.code = code
        if architectures:
            record.architectures = list(architectures)
        return self._updated(scope, record, publish)

    def update_function_configuration(self, ctx: RequestContext, *, function_name: str,
                                      revision_id: str | None = None, **changes: Any
                                      ) -> dict[str, Any]:
        scope, _name, record = self.named_function(ctx, function_name)
        self._check_revision(record, revision_id)
        logging_config = None
        if changes.get("logging_config") is not None:
            logging_config = logging_settings(record.logging_config, changes["logging_config"])
        checks.check_runtime(changes.get("runtime"))
        if changes.get("role") is not None:
            checks.check_role(changes["role"])
            record.role = changes["role"]
        if changes.get("environment") is not None:
            record.environment = checks.environment_variables(changes["environment"])
        if changes.get("layers") is not None:
            record.layers = self._check_layers(scope, changes["layers"])
        for field in ("handler", "description", "timeout", "memory_size", "runtime",
                      "kms_key_arn"):
            if changes.get(field) is not None:
                setattr(record, field, changes[field])
        if changes.get("tracing_config") is not None:
            record.tracing_mode = changes["tracing_config"].get("Mode", record.tracing_mode)
        if changes.get("dead_letter_config") is not None:
            record.dead_letter_target = changes["dead_letter_config"].get("TargetArn") or None
        if changes.get("vpc_config") is not None:
            record.vpc_config = vpc_settings(self.ports, scope.account, scope.region,
                                             changes["vpc_config"])
        if changes.get("ephemeral_storage") is not None:
            record.ephemeral_storage = changes["ephemeral_storage"].get("Size", 512)
        if logging_config is not None:
            record.logging_config = logging_config
        return self._updated(scope, record)

    # -- concurrency -----------------------------------------------------------------------

    def put_function_concurrency(
        self, ctx: RequestContext, *, function_name: str, reserved_concurrent_executions: int,
        **_: Any,
    ) -> dict[str, Any]:
        scope, name, record = self.named_function(ctx, function_name)
        limit = self.settings.lambda_account_concurrency
        others = self.reserved_total(scope) - (record.reserved_concurrency or 0)
        minimum = UNRESERVED_MINIMUM if limit > UNRESERVED_MINIMUM else 0
        if limit - others - reserved_concurrent_executions < minimum:
            raise invalid_parameter(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{minimum}]."
            )
        record.reserved_concurrency = reserved_concurrent_executions
        self.tables(scope).functions.put(name, record)
        return {"ReservedConcurrentExecutions": reserved_concurrent_executions}

    def get_function_concurrency(
        self, ctx: RequestContext, *, function_name: str, **_: Any
    ) -> dict[str, Any]:
        name, _qualifier = split_function_name(function_name)
        record = self.latest(scope_of(ctx), name)
        if record.reserved_concurrency is None:
            return {}
        return {"ReservedConcurrentExecutions": record.reserved_concurrency}

    def delete_function_concurrency(
        self, ctx: RequestContext, *, function_name: str, **_: Any
    ) -> dict[str, Any]:
        scope, name, record = self.named_function(ctx, function_name)
        record.reserved_concurrency = None
        self.tables(scope).functions.put(name, record)
        return {}

    def get_account_settings(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        functions = self.tables(scope).functions.values()
        limit = self.settings.lambda_account_concurrency
        return {
            "AccountLimit": {
                "TotalCodeSize": 80530636800,
                "CodeSizeUnzipped": 262144000,
                "CodeSizeZipped": 52428800,
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit - self.reserved_total(scope),
            },
            "AccountUsage": {
                "TotalCodeSize": sum(record.code.size for record in functions),
                "FunctionCount": len(functions),
            },
        }

    # -- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, resource: str) -> FunctionRecord:
        scope = scope_of(ctx)
        try:
            parsed = arns.parse(resource)
        except ValueError:
            raise invalid_parameter(f"Invalid ARN: {resource}") from None
        name, qualifier = split_function_name(resource)
        if parsed.service != "lambda" or qualifier:
            raise invalid_parameter(f"Tags can only be set on an unqualified function ARN: "
                                    f"{resource}")
        return self.latest(scope, name)

    def tag_resource(
        self, ctx: RequestContext, *, resource: str, tags: dict[str, str], **_: Any
    ) -> dict[str, Any]:
        record = self._tagged(ctx, resource)
        record.tags.update(tags)
        self.tables(scope_of(ctx)).functions.put(record.name, record)
        return {}

    def untag_resource(
        self, ctx: RequestContext, *, resource: str, tag_keys: list[str], **_: Any
    ) -> dict[str, Any]:
        record = self._tagged(ctx, resource)
        for key in tag_keys:
            record.tags.pop(key, None)
        self.tables(scope_of(ctx)).functions.put(record.name, record)
        return {}

    def list_tags(self, ctx: RequestContext, *, resource: str, **_: Any) -> dict[str, Any]:
        return {"Tags": dict(self._tagged(ctx, resource).tags)}



__all__ = ["FunctionsApi"]
