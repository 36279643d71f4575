"""The mail app sits above the domain: nothing below it imports it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW = ["complaints", "customers", "teams", "sla", "followups", "notifications"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", BELOW)
def test_the_domain_never_imports_mail(app):
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / app).rglob("*.py")
        if any(m == "mail" or m.startswith("mail.") for m in imported_modules(path))
    ]
    assert offenders == []
