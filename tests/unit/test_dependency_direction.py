"""The areas depend one way: accounts uses FranceConnect (its client, its identity), never the
reverse, so the protocol can be read, tested and replaced without the accounts behind it; the
webhooks read the files (their events), never the reverse: enrolment and payments only write
what services.py gives them in their transactions."""

import ast
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
FRANCECONNECT = CHALICELIB / "franceconnect"


def _imported_modules(path: Path, area: str = "franceconnect") -> set[str]:
    """Every module a file imports, relative imports resolved against chalicelib.<area>."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ["chalicelib", area][: max(0, 3 - node.level)] if node.level else []
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


def test_enrolment_and_payments_never_import_the_webhooks_area():
    offenders = {
        f"{area}/{path.name}": sorted(
            m for m in _imported_modules(path, area) if m.startswith("chalicelib.webhooks")
        )
        for area in ("enrolment", "payments")
        for path in sorted((CHALICELIB / area).glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}
