"""The areas depend one way: accounts uses FranceConnect (its client, its identity), never the
reverse, so the protocol can be read, tested and replaced without the accounts behind it."""

import ast
from pathlib import Path

FRANCECONNECT = Path(__file__).resolve().parents[2] / "chalicelib" / "franceconnect"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against chalicelib.franceconnect."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ["chalicelib", "franceconnect"][: max(0, 3 - node.level)] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            modules.add(module)
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def test_franceconnect_never_imports_the_accounts_area():
    offenders = {
        path.name: sorted(m for m in _imported_modules(path) if m.startswith("chalicelib.accounts"))
        for path in sorted(FRANCECONNECT.glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}
