"""Which AWS SDK for JavaScript clients a Node.js function gets beside its code, as Lambda's
Node.js 18+ runtimes carry the SDK (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html):
the clients its sources name and neither it nor a layer bundles, installed once with npm."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from emulator.runtime import node_sdk
from emulator.runtime.executors.runtime_api import launch_for
from emulator.runtime.spec import FunctionSpec

FAKE_NPM = """#!/bin/sh
# npm install ... --prefix DIR pkg...: record the call and make each package's folder.
echo "$@" >> "$NPM_CALLS"
prefix=""; take=0
for arg in "$@"; do
  if [ "$take" = 1 ]; then prefix="$arg"; take=0; continue; fi
  case "$arg" in --prefix) take=1;; --*|install) ;; *)
    name="${arg%@2}"
    mkdir -p "$prefix/node_modules/$name" && echo '{}' > "$prefix/node_modules/$name/package.json";;
  esac
done
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("NPM_CALLS", str(calls))
    return calls


def _code(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    (code / "lib").mkdir(parents=True)
    (code / "index.js").write_text(
        'const { S3Client } = require("@aws-sdk/client-s3");\n'
        "import('@aws-sdk/lib-dynamodb');\n")
    (code / "lib" / "x.mjs").write_text("import { STS } from '@aws-sdk/client-sts';\n")
    (code / "node_modules" / "other").mkdir(parents=True)
    (code / "node_modules" / "other" / "index.js").write_text('require("@aws-sdk/client-sqs")')
    return code


def test_the_clients_a_function_names(tmp_path: Path) -> None:
    assert node_sdk.named_packages(_code(tmp_path)) == {
        "@aws-sdk/client-s3", "@aws-sdk/lib-dynamodb", "@aws-sdk/client-sts"}


def test_missing_clients_are_installed_once(tmp_path: Path, fake_npm: Path) -> None:
    code = _code(tmp_path)
    bundled = code / "node_modules" / "@aws-sdk" / "client-sts"
    bundled.mkdir(parents=True)
    (bundled / "package.json").write_text("{}")
    modules = node_sdk.provide(tmp_path / "sdk", code, (), 20)
    assert modules == tmp_path / "sdk" / "node_modules"
    assert (modules / "@aws-sdk" / "client-s3" / "package.json").is_file()
    assert not (modules / "@aws-sdk" / "client-sts").exists()  # the function bundles it
    first = fake_npm.read_text().splitlines()
    assert len(first) == 1 and first[0].endswith("@aws-sdk/client-s3 @aws-sdk/lib-dynamodb")
    # A registry out of reach is given up on in seconds, not after npm's minute of retries.
    assert "--prefer-offline" in first[0] and "--fetch-retries=1" in first[0]
    assert node_sdk.provide(tmp_path / "sdk", code, (), 20) == modules
    assert len(fake_npm.read_text().splitlines()) == 1  # nothing more to install


def test_the_sdk_sits_on_node_path_where_lambda_puts_it(tmp_path: Path) -> None:
    spec = FunctionSpec(account="000000000000", region="us-east-1", function_name="f",
                        function_arn="arn", version="$LATEST", runtime="nodejs20.x",
                        handler="index.handler", code_dir=tmp_path / "code",
                        layer_dirs=(tmp_path / "layer",))
    launch = launch_for(spec, tmp_path / "sdk")
    if launch.fault is not None:
        pytest.skip("no node here")
    node_path = launch.environment["NODE_PATH"].split(os.pathsep)
    assert node_path == [str(tmp_path / "layer/nodejs/node20/node_modules"),
                         str(tmp_path / "layer/nodejs/node_modules"), str(tmp_path / "sdk"),
                         str(tmp_path / "code")]


def test_turned_off_or_before_node_18_no_v3_client_is_offered(tmp_path: Path,
                                                                fake_npm: Path) -> None:
    code = _code(tmp_path)
    assert node_sdk.provide(tmp_path / "sdk", code, (), 16) is None
    assert node_sdk.provide(None, code, (), 20) is None
    assert not fake_npm.exists()


def test_node_16_functions_get_the_v2_sdk_and_later_ones_do_not(tmp_path: Path,
                                                                fake_npm: Path) -> None:
    """Node.js 16 and earlier runtimes include the AWS SDK for JavaScript v2 ("aws-sdk"), 18
    and later only v3 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html);
    serverless-patterns' s3-sqs-lambda/src/app.js (nodejs16.x) requires 'aws-sdk' unbundled.
    The v2 SDK gets a folder of its own, never on a Node.js 18+ function's path."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.js").write_text("const AWS = require('aws-sdk');\n"
                                 "const S3 = require('aws-sdk/clients/s3');\n")
    assert node_sdk.named_packages(code) == {"aws-sdk"}
    modules = node_sdk.provide(tmp_path / "sdk", code, (), 16)
    assert modules is not None and (modules / "aws-sdk" / "package.json").is_file()
    assert modules != tmp_path / "sdk" / "node_modules"
    assert fake_npm.read_text().split()[-1] == "aws-sdk@2"
    assert node_sdk.provide(tmp_path / "sdk", code, (), 20) is None
    assert len(fake_npm.read_text().splitlines()) == 1


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert node_sdk.folder(None) == tmp_path / "localcloud" / "nodejs-sdk"
    assert node_sdk.folder(tmp_path / "mine") == tmp_path / "mine"


def test_only_packages_the_code_loads_are_named(tmp_path: Path) -> None:
    """A bundle (esbuild inlines the SDK) quotes package names it never loads: in error text,
    in code shown inside a message, as a symbol key. Only module specifiers count."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.js").write_text(
        'var d0=Symbol.for("@aws-sdk/reviver");'
        'throw new Error("@aws-sdk/util-endpoint - endpointProvider is not a function");'
        'console.warn("See @aws-sdk/credential-providers README");'
        "m='by calling [require(\"@aws-sdk/signature-v4a\");] or [import \"@aws-sdk/x-crt\";]';"
        'var s=__require("@aws-sdk/client-s3");'
        'import{marshall as m}from"@aws-sdk/util-dynamodb";'
        "export * from '@aws-sdk/lib-storage';"
        'import "@aws-sdk/client-sqs";'
        'const q = require( "@aws-sdk/core/protocols" );\n')
    assert node_sdk.named_packages(code) == {
        "@aws-sdk/client-s3", "@aws-sdk/util-dynamodb", "@aws-sdk/lib-storage",
        "@aws-sdk/client-sqs", "@aws-sdk/core"}


def test_a_name_the_registry_lacks_does_not_keep_the_others_out(
        tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """npm installs all or nothing; the clients npm can find are still installed, and the
    one it cannot is not asked for again."""
    npm = Path(os.environ["PATH"].split(os.pathsep)[0]) / "npm"
    npm.write_text(FAKE_NPM.replace(
        'echo "$@" >> "$NPM_CALLS"\n',
        'echo "$@" >> "$NPM_CALLS"\n'
        'case "$*" in *@aws-sdk/no-such*) echo "npm error code E404" >&2; exit 1;; esac\n'))
    monkeypatch.setattr(node_sdk, "_failed", set())
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.js").write_text(
        'require("@aws-sdk/client-s3"); require("@aws-sdk/no-such-package");\n')
    modules = node_sdk.provide(tmp_path / "sdk", code, (), 20)
    assert modules is not None
    assert (modules / "@aws-sdk" / "client-s3" / "package.json").is_file()
    calls = fake_npm.read_text().splitlines()
    assert len(calls) == 3  # the batch, then each on its own
    node_sdk.provide(tmp_path / "sdk", code, (), 20)
    assert len(fake_npm.read_text().splitlines()) == 3
