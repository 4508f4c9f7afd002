"""Checks of the packaged template that no linter makes: each function runs with its own role
whose policy is the least-privilege one of infra/ (not Chalice's placeholder), no `*` action,
no `*` resource but X-Ray's, and the functions are the ones infra/resources.py declares.

    python -m infra.check_package build/STAGE/package/sam.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from . import resources
from .template.naming import function_id

NO_RESOURCE_LEVEL = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def problems(template: dict) -> list[str]:
    found = []
    items = template["Resources"]
    functions = {
        name: r
        for name, r in items.items()
        if r["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    declared = {function_id(f.name): f for f in resources.FUNCTIONS}
    if set(functions) != set(declared):
        found.append(
            f"functions {sorted(functions)} differ from those declared in "
            f"infra/resources.py {sorted(declared)}"
        )
    roles = Counter()
    for name, function in functions.items():
        role = function["Properties"].get("Role")
        if not (isinstance(role, dict) and "Fn::GetAtt" in role):
            found.append(f"{name} does not run with a role of the stack")
            continue
        roles[role["Fn::GetAtt"][0]] += 1
        if name in declared:
            properties = function["Properties"]
            if (properties.get("Timeout"), properties.get("MemorySize")) != (
                declared[name].timeout,
                declared[name].memory,
            ):
                found.append(f"{name}: timeout or memory differs from infra/resources.py")
    found += [f"role {role} is shared by {n} functions" for role, n in roles.items() if n > 1]
    for role in roles:
        for policy in items.get(role, {}).get("Properties", {}).get("Policies", []):
            found += _statement_problems(role, policy["PolicyDocument"]["Statement"])
    return found


def _statement_problems(role: str, statements: list[dict]) -> list[str]:
    found = []
    for statement in statements:
        actions = _as_list(statement["Action"])
        if statement["Effect"] != "Allow":
            found.append(
                f"{role}: a {statement['Effect']} statement (Chalice's placeholder "
                "policy was not replaced)"
            )
            continue
        found += [f"{role}: wildcard action {a}" for a in actions if "*" in a]
        if "*" in _as_list(statement["Resource"]) and not set(actions) <= NO_RESOURCE_LEVEL:
            found.append(f"{role}: resource * for {', '.join(actions)}")
    return found


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


if __name__ == "__main__":
    path = sys.argv[1]
    with open(path, encoding="utf-8") as file:
        listed = problems(json.load(file))
    for problem in listed:
        print(f"{path}: {problem}", file=sys.stderr)
    if listed:
        sys.exit(1)
    print(f"{path}: one least-privilege role per function, no wildcard")
