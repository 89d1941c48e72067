"""Lint: no dead code. vulture over the project's code (not its tests) finds
nothing unused at 60% confidence or more.

Django, DRF, Celery, allauth and the admin call many names that no project
code calls: they are ignored here in two ways.

* ``IGNORE_NAMES`` / ``IGNORE_DECORATORS``: the frameworks' conventions, by
  name or decorator (a Meta option, a DRF view attribute, a ``clean_<field>``
  method, a Celery task...); and every UPPER_CASE name in a settings module.
* ``scripts/dead_code_whitelist.py``: every other name a framework or a
  template uses, grouped by module, each group saying why it is used.

A new unused name fails the test command: remove it, or, if a framework
calls it, add it to the whitelist with the reason. A whitelist entry that no
longer names anything fails too, so the list cannot go stale.
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
PATHS = ["accounts", "ballots", "governance", "meetings", "core", "portal", "config", "bench", "scripts"]
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
    "get",  # HTTP method handlers, dispatched by the request's method
    "post",
    "put",
    "patch",
    "delete",
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


def whitelist_names(whitelist: Path) -> set[str]:
    """The names a whitelist file uses (``name`` or ``_.name``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(whitelist.read_text(encoding="utf-8"), filename=str(whitelist))):
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Name):
                names.add(node.value.id)
            elif isinstance(node.value, ast.Attribute):
                names.add(node.value.attr)
    return names


class Report(NamedTuple):
    unused: list[Item]  # what vulture finds unused, less the settings read by name
    defined: set[str]  # every name defined in the code checked
    readable: bool  # vulture parsed every file


def find_dead_code(
    paths: Iterable[str | Path], *, whitelist: Path | None = WHITELIST, min_confidence: int = MIN_CONFIDENCE
) -> Report:
    """Run vulture over ``paths`` (and the whitelist) with the conventions
    ignored: the checker's core."""
    vulture = Vulture(ignore_names=IGNORE_NAMES, ignore_decorators=IGNORE_DECORATORS)
    vulture.scavenge([str(p) for p in paths], exclude=EXCLUDE)
    if whitelist is not None:
        vulture.scavenge([str(whitelist)])
    found = vulture.get_unused_code(min_confidence=min_confidence, sort_by_size=False)
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
        unused=[item for item in found if not _is_setting(item)],
        defined={item.name for items in definitions for item in items},
        readable=not vulture.exit_code,
    )


def main() -> int:
    report = find_dead_code([ROOT / p for p in PATHS], whitelist=WHITELIST)
    if not report.readable:
        print("vulture could not read every file (see above)", file=sys.stderr)
        return 1
    found = report.unused
    for item in found:
        print(f"{_relative(Path(item.filename))}:{item.first_lineno}: {item.message} ({item.confidence}% confidence)")
    allowed = whitelist_names(WHITELIST)
    stale = sorted(allowed - report.defined)
    for name in stale:
        print(f"scripts/dead_code_whitelist.py: '{name}' is whitelisted but no longer defined: remove the entry")
    if found:
        print(f"{len(found)} unused: {MESSAGE}", file=sys.stderr)
    if found or stale:
        return 1
    checked = len(report.defined)
    print(f"dead code: {checked} names checked, none unused ({len(allowed)} whitelisted in {_relative(WHITELIST)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
