"""Lint: no dead code. vulture over the project's code (not its tests) finds
nothing unused at 60% confidence or more.

Django, DRF, Celery, allauth and the admin call many names that no project
code calls: they are ignored here in two ways.

* ``IGNORE_NAMES`` / ``IGNORE_DECORATORS``: the frameworks' conventions, by
  name or decorator (a Meta option, a DRF view attribute, a ``clean_<field>``
  method, a Celery task...); and every UPPER_CASE name in a settings module.
* ``scripts/dead_code_whitelist.py``: every other object a framework or a
  template uses, each named by its module and qualified name
  (``"core/cache.py: FailoverRedisCache.touch"``), grouped with a comment
  saying why it is used. An entry excuses that one object: an unused
  function of the same name elsewhere is still reported.

A new unused name fails the test command: remove it, or, if a framework
calls it, add it to the whitelist with the reason. A whitelist entry that no
longer names unused code fails too, so the list cannot go stale.
Run once per test run, as a lint step.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from vulture import Vulture
from vulture.core import Item

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["accounts", "ballots", "governance", "meetings", "portal", "core", "config", "bench", "scripts"]
EXCLUDE = ["*/migrations/*", "*/scripts/dead_code_whitelist.py"]  # the whitelist is read on its own
WHITELIST = ROOT / "scripts" / "dead_code_whitelist.py"
MIN_CONFIDENCE = 60

IGNORE_NAMES = [
    # Django: model, form and serializer ``class Meta`` and its options.
    "Meta",
    "abstract",
    "constraints",
    "indexes",
    "ordering",
    "verbose_name",
    "verbose_name_plural",
    "help_texts",
    "widgets",
    "ref_name",  # drf-spectacular's component name for a serializer
    # Django admin: ModelAdmin / inline options and hooks.
    "list_display",
    "list_filter",
    "list_select_related",
    "search_fields",
    "readonly_fields",
    "raw_id_fields",
    "autocomplete_fields",
    "fieldsets",
    "add_fieldsets",
    "inlines",
    "can_delete",
    "show_change_link",
    "get_readonly_fields",
    "has_add_permission",
    "has_change_permission",
    "has_delete_permission",
    "save_model",
    # Django: URLconfs, app configs, management commands, system checks,
    # custom user model, forms and widgets.
    "urlpatterns",
    "app_name",
    "ready",
    "help",
    "add_arguments",
    "handle",
    "app_configs",  # a system check's required argument
    "USERNAME_FIELD",
    "REQUIRED_FIELDS",
    "use_in_migrations",
    "clean_*",
    "input_type",
    "form_template_name",
    "field_template_name",
    # DRF: view and permission attributes and hooks, serializer validators,
    # pagination, parsers, throttles, exceptions.
    "permission_classes",
    "serializer_class",
    "pagination_class",
    "parser_classes",
    "throttle_classes",
    "filter_backends",  # DRF, with django-filter's backend
    "filterset_class",
    "field_class",  # django-filter builds a filter's form field from it
    "lookup_field",
    "page_size",
    "max_page_size",
    "media_type",
    "default_detail",
    "get_permissions",
    "get_queryset",
    "perform_create",
    "has_permission",
    "has_object_permission",
    "to_representation",
    "validate_*",
    # WSGI: the server looks up ``application``.
    "application",
]

IGNORE_DECORATORS = [
    "@admin.register",  # the admin site registers the ModelAdmin
    "@admin.action",
    "@admin.display",
    "@receiver",  # signal receivers
    "@shared_task",  # Celery tasks, run by name (beat schedule, .delay)
    "@register",  # Django system checks (django.core.checks.register)
    "@register.filter",  # template filters and tags, used by name in templates
    "@register.simple_tag",
    "@register.inclusion_tag",
]

SETTINGS_MODULES = ("config/settings/", "bench/settings.py")
MESSAGE = "dead code: remove it, or if a framework calls it, add it to scripts/dead_code_whitelist.py with the reason"


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _is_setting(item: Item) -> bool:
    """An UPPER_CASE name in a settings module: Django reads it by name."""
    path = _relative(Path(item.filename))
    return item.typ == "variable" and item.name.isupper() and path.startswith(SETTINGS_MODULES)


def whitelist_entries(whitelist: Path) -> list[str]:
    """The whitelist's entries: the list of ``"path: Object.name"`` strings
    assigned to ``WHITELIST`` (read, not imported)."""
    tree = ast.parse(whitelist.read_text(encoding="utf-8"), filename=str(whitelist))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "WHITELIST" for target in targets):
            return [" ".join(entry.split()) for entry in ast.literal_eval(value)]
    raise ValueError(f"{whitelist} assigns no WHITELIST list")


def _qualified_name(tree: ast.AST, item: Item) -> str:
    """``Class.name`` for a name defined inside a class (nested classes
    joined by dots), the bare name otherwise: functions do not count, so an
    attribute set on an object inside a function is named by itself."""
    chain: list[str] = []
    node: ast.AST = tree
    while True:
        inner = next(
            (
                child
                for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.stmt | ast.expr | ast.excepthandler)
                and child.lineno <= item.first_lineno <= (child.end_lineno or child.lineno)
                and not (isinstance(child, ast.ClassDef) and child.lineno == item.first_lineno)
            ),
            None,
        )
        if inner is None:
            return ".".join([*chain, item.name])
        if isinstance(inner, ast.ClassDef):
            chain.append(inner.name)
        node = inner


def entry(item: Item, *, root: Path = ROOT, trees: dict[Path, ast.AST] | None = None) -> str:
    """The whitelist entry that names ``item``: ``"path/to/module.py: Class.name"``."""
    trees = {} if trees is None else trees
    path = Path(item.filename).resolve()
    if path not in trees:
        trees[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    try:
        module = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        module = path.as_posix()
    return f"{module}: {_qualified_name(trees[path], item)}"


class Report(NamedTuple):
    unused: list[Item]  # what vulture finds unused, less the settings read by name and the whitelist
    stale: list[str]  # whitelist entries that name nothing vulture finds unused
    checked: int  # how many names vulture looked at
    readable: bool  # vulture parsed every file


def find_dead_code(
    paths: Iterable[str | Path],
    *,
    whitelist: Path | None = WHITELIST,
    min_confidence: int = MIN_CONFIDENCE,
    root: Path = ROOT,
) -> Report:
    """Run vulture over ``paths`` with the conventions ignored, then drop
    what the whitelist names: the checker's core.

    A whitelist entry names one object in one module, so it excuses that
    object only: an unused function elsewhere that happens to share its name
    is still reported (vulture's own whitelists mark a *name* used
    everywhere)."""
    vulture = Vulture(ignore_names=IGNORE_NAMES, ignore_decorators=IGNORE_DECORATORS)
    vulture.scavenge([str(p) for p in paths], exclude=EXCLUDE)
    found = vulture.get_unused_code(min_confidence=min_confidence, sort_by_size=False)
    allowed = set(whitelist_entries(whitelist)) if whitelist is not None else set()
    trees: dict[Path, ast.AST] = {}
    unused: list[Item] = []
    excused: set[str] = set()
    for item in found:
        if _is_setting(item):
            continue
        name = entry(item, root=root, trees=trees)
        if name in allowed:
            excused.add(name)
        else:
            unused.append(item)
    definitions: Sequence[list[Item]] = (
        vulture.defined_attrs,
        vulture.defined_classes,
        vulture.defined_funcs,
        vulture.defined_imports,
        vulture.defined_methods,
        vulture.defined_props,
        vulture.defined_vars,
    )
    return Report(
        unused=unused,
        stale=sorted(allowed - excused),
        checked=len({item.name for items in definitions for item in items}),
        readable=not vulture.exit_code,
    )


def main() -> int:
    report = find_dead_code([ROOT / p for p in PATHS], whitelist=WHITELIST, root=ROOT)
    if not report.readable:
        print("vulture could not read every file (see above)", file=sys.stderr)
        return 1
    for item in report.unused:
        print(f"{_relative(Path(item.filename))}:{item.first_lineno}: {item.message} ({item.confidence}% confidence)")
    for stale in report.stale:
        print(f"{_relative(WHITELIST)}: '{stale}' is whitelisted but is not unused code any more: remove the entry")
    if report.unused:
        print(f"{len(report.unused)} unused: {MESSAGE}", file=sys.stderr)
    if report.unused or report.stale:
        return 1
    allowed = len(whitelist_entries(WHITELIST))
    print(f"dead code: {report.checked} names checked, none unused ({allowed} whitelisted in {_relative(WHITELIST)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
