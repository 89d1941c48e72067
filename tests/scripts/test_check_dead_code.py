"""The dead-code lint (scripts/check_dead_code.py) reports an unused function,
and lets framework conventions and whitelisted names pass. No database.
The project itself is checked once, by the lint step in scripts/test.sh."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
spec = importlib.util.spec_from_file_location("check_dead_code", ROOT / "scripts" / "check_dead_code.py")
assert spec and spec.loader
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)

MODULE = textwrap.dedent(
    '''
    from django import forms


    class NameForm(forms.Form):
        def clean_name(self) -> str:  # Django calls clean_<field>: a convention
            return ""


    def used() -> int:
        return len(NameForm().fields) + len([Cache])


    def never_called() -> int:
        """Defined, never used: dead."""
        return used()


    def called_by_a_framework() -> None:
        """Named in a settings string, say: whitelisted."""


    class Cache:
        def touch(self) -> None:
            """Called by a framework on the class: whitelisted as Cache.touch."""
    '''
)

# Another module with functions of the whitelisted names, which nothing calls.
OTHER = textwrap.dedent(
    '''
    def touch() -> None:
        """Same name as the whitelisted method, but unused: dead."""


    def called_by_a_framework() -> None:
        """Same name as the whitelisted function, in another module: dead."""
    '''
)

WHITELIST = (
    "WHITELIST = [\n    # why: a framework calls them\n"
    '    "app/module.py: called_by_a_framework",\n    "app/module.py: Cache.touch",\n]\n'
)


def _unused(tmp_path: Path, whitelist: Path | None, *, other: bool = False) -> set[str]:
    """Each unused object as its whitelist entry would name it."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "module.py").write_text(MODULE)
    if other:
        (app / "other.py").write_text(OTHER)
    report = lint.find_dead_code([app], whitelist=whitelist, root=tmp_path)
    assert report.readable
    assert report.stale == []
    return {lint.entry(item, root=tmp_path) for item in report.unused}


def _unused_names(tmp_path: Path, whitelist: Path | None) -> set[str]:
    return {name.split(": ")[1] for name in _unused(tmp_path, whitelist)}


def test_an_unused_function_is_reported(tmp_path: Path) -> None:
    unused = _unused_names(tmp_path, whitelist=None)
    assert "never_called" in unused
    assert "called_by_a_framework" in unused
    assert "Cache.touch" in unused
    assert "used" not in unused
    assert "clean_name" not in unused  # a framework convention, ignored by name


def test_a_whitelisted_object_is_not_reported(tmp_path: Path) -> None:
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text(WHITELIST)
    assert lint.whitelist_entries(whitelist) == ["app/module.py: called_by_a_framework", "app/module.py: Cache.touch"]
    unused = _unused_names(tmp_path, whitelist=whitelist)
    assert unused == {"never_called"}


def test_an_unused_function_sharing_a_whitelisted_name_is_still_reported(tmp_path: Path) -> None:
    """An entry names module and object: ``touch`` and ``called_by_a_framework``
    elsewhere are not excused by it (a vulture ``_.touch`` line excused
    every ``touch`` in the project)."""
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text(WHITELIST)
    unused = _unused(tmp_path, whitelist=whitelist, other=True)
    assert unused == {"app/module.py: never_called", "app/other.py: touch", "app/other.py: called_by_a_framework"}


def test_a_stale_entry_is_reported(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "module.py").write_text(MODULE)
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text('WHITELIST = ["app/module.py: called_by_a_framework", "app/module.py: used"]\n')
    report = lint.find_dead_code([app], whitelist=whitelist, root=tmp_path)
    assert report.stale == ["app/module.py: used"]  # used: no excuse needed, so the entry must go


def test_the_command_fails_with_vulture_lines_and_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "module.py").write_text(MODULE)
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text(WHITELIST)
    monkeypatch.setattr(lint, "PATHS", [str(app)])
    monkeypatch.setattr(lint, "ROOT", tmp_path)
    monkeypatch.setattr(lint, "WHITELIST", whitelist)
    assert lint.main() == 1
    out, err = capsys.readouterr()
    assert "module.py:14: unused function 'never_called' (60% confidence)" in out
    assert "called_by_a_framework" not in out
    assert "dead code: remove it, or if a framework calls it, add it to scripts/dead_code_whitelist.py" in err
