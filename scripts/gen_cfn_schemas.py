"""Write emulator/cloudformation/data/schemas.json from AWS's resource provider schemas.

The schemas ship with cfn-lint (``pip install cfn-lint``). For every resource type AWS offers
in us-east-1 this keeps what the engine needs: the create-only properties (a change replaces
the resource), the read-only ones (Fn::GetAtt attributes), the primary identifier and whether
the type takes tags. Run it again after upgrading cfn-lint.
"""

from __future__ import annotations

import json
from pathlib import Path

import cfnlint.data.schemas.providers.us_east_1 as provider_index

SCHEMAS = Path(provider_index.__file__).parent.parent / "resources"
OUT = Path(__file__).parent.parent / "emulator" / "cloudformation" / "data" / "schemas.json"


def _names(pointers: list[str]) -> list[str]:
    return sorted({pointer.removeprefix("/properties/").replace("/", ".")
                   for pointer in pointers})


def main() -> None:
    out: dict[str, dict[str, object]] = {}
    for type_name, digest in sorted(provider_index.types.items()):
        schema = json.loads((SCHEMAS / f"{digest}.json").read_text())
        entry: dict[str, object] = {}
        if schema.get("createOnlyProperties"):
            entry["createOnly"] = _names(schema["createOnlyProperties"])
        if schema.get("readOnlyProperties"):
            entry["readOnly"] = _names(schema["readOnlyProperties"])
        tagging = schema.get("tagging", {})
        if tagging.get("taggable", "Tags" in schema.get("properties", {})):
            entry["tags"] = tagging.get("tagProperty", "/properties/Tags").removeprefix(
                "/properties/")
        out[type_name] = entry
    OUT.write_text(json.dumps(out, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {len(out)} resource types to {OUT}")


if __name__ == "__main__":
    main()
