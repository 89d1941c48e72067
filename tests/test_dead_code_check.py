"""The dead-code lint (scripts/check_dead_code.py) reports an unused function,
and lets framework conventions and whitelisted names pass. No database.
The project itself is checked once, by the lint step in scripts/test.sh."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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
        return len(NameForm().fields)


    def never_called() -> int:
        """Defined, never used: dead."""
        return used()


    def called_by_a_framework() -> None:
        """Named in a settings string, say: whitelisted."""
    '''
)


def _unused_names(tmp_path: Path, whitelist: Path | None) -> set[str]:
    app = tmp_path / "app"
    app.mkdir()
    (app / "module.py").write_text(MODULE)
    report = lint.find_dead_code([app], whitelist=whitelist)
    assert report.readable
    return {item.name for item in report.unused}


def test_an_unused_function_is_reported(tmp_path: Path) -> None:
    unused = _unused_names(tmp_path, whitelist=None)
    assert "never_called" in unused
    assert "called_by_a_framework" in unused
    assert "used" not in unused
    assert "clean_name" not in unused  # a framework convention, ignored by name


def test_a_whitelisted_name_is_not_reported(tmp_path: Path) -> None:
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text("from unittest.mock import Mock\n\n_ = Mock()\n_.called_by_a_framework\n")
    assert lint.whitelist_names(whitelist) == {"called_by_a_framework"}
    unused = _unused_names(tmp_path, whitelist=whitelist)
    assert unused == {"never_called"}


def test_the_command_fails_with_vulture_lines_and_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "module.py").write_text(MODULE)
    whitelist = tmp_path / "whitelist.py"
    whitelist.write_text("from unittest.mock import Mock\n\n_ = Mock()\n_.called_by_a_framework\n")
    monkeypatch.setattr(lint, "PATHS", [str(app)])
    monkeypatch.setattr(lint, "WHITELIST", whitelist)
    assert lint.main() == 1
    out, err = capsys.readouterr()
    assert "module.py:14: unused function 'never_called' (60% confidence)" in out
    assert "called_by_a_framework" not in out
    assert "dead code: remove it, or if a framework calls it, add it to scripts/dead_code_whitelist.py" in err
