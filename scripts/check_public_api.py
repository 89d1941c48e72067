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
  this project's classes only ever comes from a library's base class;
* ``obj._name``: reading or setting an underscore attribute that the
  project's own code never defines (as a function, class, variable,
  parameter or ``self._name = ...``), so it can only be a library's private
  attribute (DRF's ``request._request``, django-redis's
  ``_ignore_exceptions``). The few underscore names a library documents as
  public (Django's ``_meta``, a named tuple's ``_asdict``...) are listed in
  ``DOCUMENTED``.

Exit 1 with one ``path:line: reason`` per finding. A line may opt out with a
``# public-api: <why>`` comment when a library offers no public hook; the
reason is then in the code next to the call.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
from collections.abc import Set
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"accounts", "ballots", "bench", "config", "core", "governance", "meetings", "portal", "scripts", "tests"}
SKIP_DIRS = {".venv", ".tools", "node_modules", "var", ".git", "migrations"}
# Underscore attributes their library documents as public API.
DOCUMENTED = {
    "_meta",  # Django: the Model _meta API
    "_default_manager",  # Django: Model._default_manager
    "_base_manager",  # Django: Model._base_manager
    "_state",  # Django: Model._state (instance.adding / db)
    "_asdict",  # collections.namedtuple / typing.NamedTuple
    "_replace",
    "_fields",
    "_make",
    "_exit",  # os._exit
    "_getframe",  # sys._getframe
}
UNDERSCORE_WORD = re.compile(r"\b_[A-Za-z0-9][A-Za-z0-9_]*")
DOTTED = re.compile(r"^([a-z][a-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in PROJECT and top not in sys.stdlib_module_names


def _private_part(module: str) -> str | None:
    for part in module.split(".")[1:]:
        if part in {"internal", "_internal"} or (part.startswith("_") and not part.startswith("__")):
            return part
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@functools.cache
def _library_words(package: str) -> frozenset[str]:
    """Every underscore word in an installed package's Python source."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return frozenset()
    folder = Path(spec.origin).parent
    files = folder.rglob("*.py") if spec.submodule_search_locations else [Path(spec.origin)]
    words: set[str] = set()
    for file in files:
        words |= set(UNDERSCORE_WORD.findall(file.read_text(encoding="utf-8", errors="replace")))
    return frozenset(words)


def _library_bases(tree: ast.AST) -> dict[ast.ClassDef, set[str]]:
    """For each class of a module with a third-party base, the packages those bases come from."""
    origin: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and _third_party(node.module):
            for alias in node.names:
                origin[alias.asname or alias.name] = node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _third_party(alias.name):
                    origin[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
    found: dict[ast.ClassDef, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            roots = {ast.unparse(base).split(".")[0] for base in node.bases}
            if packages := {origin[root] for root in roots if root in origin}:
                found[node] = packages
    return found


def defined_names(tree: ast.AST) -> set[str]:
    """The underscore names a module defines itself: functions, classes,
    variables, parameters, import aliases and attributes it assigns. An
    attribute assigned inside a class with a library base does not count
    when that library's source uses the name: it is then the library's own
    private attribute being overwritten (``self._ignore_exceptions = False``
    in a ``RedisCache`` subclass)."""
    names: set[str] = set()
    overriding: set[int] = set()
    for cls, packages in _library_bases(tree).items():
        library = frozenset().union(*(_library_words(package) for package in packages))
        overriding |= {
            id(node)
            for node in ast.walk(cls)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in library
        }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            if id(node) not in overriding:
                names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return {name for name in names if _private(name)}


def _project_files() -> list[Path]:
    return [path for path in sorted(ROOT.rglob("*.py")) if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)]


@functools.cache
def project_defined() -> frozenset[str]:
    """Every underscore name the project's own code defines (read once)."""
    names: set[str] = set()
    for path in _project_files():
        names |= defined_names(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return frozenset(names)


def findings(path: Path, *, defined: Set[str] | None = None) -> list[str]:
    """The private uses in one file. ``defined``: the underscore names the
    project defines (by default, read from the whole project; a file's own
    definitions always count)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out: list[str] = []

    def report(node: ast.AST, reason: str) -> None:
        lineno = getattr(node, "lineno", 0)
        if "# public-api:" in (lines[lineno - 1] if 0 < lineno <= len(lines) else ""):
            return
        out.append(f"{path.relative_to(ROOT)}:{lineno}: {reason}")

    tree = ast.parse(source, filename=str(path))
    own = set(project_defined() if defined is None else defined) | defined_names(tree) | DOCUMENTED
    for node in ast.walk(tree):
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
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
            report(node, f"uses the private attribute {node.attr}, which the project never defines")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and node.args[1].value not in own
        ):
            report(node, f"uses the private attribute {node.args[1].value}, which the project never defines")
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
    for path in _project_files():
        problems.extend(findings(path))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} use(s) of a library's non-public API; see scripts/check_public_api.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
