"""Lint: the project uses third-party libraries through their public API only.

A library's ``internal`` package and its underscore names change without
notice between minor versions; a fresh install that resolves a newer version
then breaks (allauth's ``internal.flows`` did exactly that). This check walks
every Python file of the project and refuses:

* ``import``/``from`` of a third-party module with a path component named
  ``internal`` / ``_internal`` or starting with an underscore;
* importing a name starting with an underscore from a third-party module;
* a dotted string naming such a module (``mock.patch("lib.internal.x")``);
* ``super()._name(...)``: leaning on a base class's private method, which in
  this project's classes only ever comes from a library's base class.

Exit 1 with one ``path:line: reason`` per finding. A line may opt out with a
``# public-api: <why>`` comment when a library offers no public hook; the
reason is then in the code next to the call.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"accounts", "ballots", "bench", "config", "core", "governance", "meetings", "scripts", "tests"}
SKIP_DIRS = {".venv", ".tools", "node_modules", "var", ".git", "migrations"}
DOTTED = re.compile(r"^([a-z][a-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in PROJECT and top not in sys.stdlib_module_names


def _private_part(module: str) -> str | None:
    for part in module.split(".")[1:]:
        if part in {"internal", "_internal"} or (part.startswith("_") and not part.startswith("__")):
            return part
    return None


def findings(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out: list[str] = []

    def report(node: ast.AST, reason: str) -> None:
        lineno = getattr(node, "lineno", 0)
        if "# public-api:" in (lines[lineno - 1] if 0 < lineno <= len(lines) else ""):
            return
        out.append(f"{path.relative_to(ROOT)}:{lineno}: {reason}")

    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _third_party(alias.name) and (part := _private_part(alias.name)):
                    report(node, f"imports {alias.name} ('{part}' is not public)")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and _third_party(node.module):
            if part := _private_part(node.module):
                report(node, f"imports from {node.module} ('{part}' is not public)")
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    report(node, f"imports private name {alias.name} from {node.module}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "super"
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            report(node, f"calls the base class's private method {node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and DOTTED.match(node.value)
            and _third_party(node.value)
            and (part := _private_part(node.value))
        ):
            report(node, f"names {node.value} ('{part}' is not public)")
    return out


def main() -> int:
    problems: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        problems.extend(findings(path))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} use(s) of a library's non-public API; see scripts/check_public_api.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
