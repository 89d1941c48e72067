"""Every refusal's code comes from an enum, never a string typed in place.

A client acts on a refusal's ``code``; a code typed as a string literal at
the raise is one typo away from a code no client knows, and cannot be
listed. This walks the project's Python and reports each construction of
``DomainError`` or one of its subclasses (``NotPermitted``, ``NotFound``,
``Conflict``, ``MFARefusal``, ``RollRowsInvalid``, …) whose code (the first
argument, or ``code=``) is a string: a literal or an f-string. Codes come
from ``core.errors.ErrorCode`` or the app's ``error_codes`` enums.

Usage: ``python scripts/check_error_codes.py [root]``; exit status 1 when
any is found, each printed as ``path:line: Class("code")``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "ballots", "config", "core", "governance", "meetings", "portal")
BASE = "DomainError"


def _python_files(root: Path) -> Iterator[Path]:
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """``DomainError`` and every class that inherits from it, by name, to a fixed point."""
    classes = {BASE}
    while True:
        found = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and any(_name(base) in classes for base in node.bases)
        }
        if found <= classes:
            return classes
        classes |= found


def _code_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "code":
            return keyword.value
    return call.args[0] if call.args else None


def _is_super_init(call: ast.Call, tree: ast.Module, classes: set[str]) -> bool:
    """``super().__init__(code, …)`` in the body of an error class."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and _name(func.value.func) == "super"
    ):
        return False
    return any(
        isinstance(node, ast.ClassDef) and node.name in classes and any(inner is call for inner in ast.walk(node))
        for node in ast.walk(tree)
    )


def literal_codes(root: Path) -> list[str]:
    """``path:line: Class("code")`` for each error built with a string code."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in _python_files(root)}
    classes = error_classes(trees)
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not (
                _name(node.func) in classes or _is_super_init(node, tree, classes)
            ):
                continue
            code = _code_argument(node)
            if isinstance(code, ast.JoinedStr) or (isinstance(code, ast.Constant) and isinstance(code.value, str)):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {_name(node.func)}({ast.unparse(code)})")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else ROOT
    found = literal_codes(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} refusal(s) with a string code: use an error-code enum.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
