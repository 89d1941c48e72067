"""Refusals carry codes from enums: the check finds a string code, and the
project has none."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from check_error_codes import literal_codes  # noqa: E402


def test_the_project_raises_no_refusal_with_a_string_code() -> None:
    assert literal_codes(ROOT) == []


def _app(tmp_path: Path, source: str) -> Path:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "errors.py").write_text("class DomainError(Exception): ...\n")
    (tmp_path / "meetings").mkdir()
    (tmp_path / "meetings" / "services.py").write_text(source)
    return tmp_path


def test_a_literal_an_f_string_and_a_subclass_are_all_found(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        "from core.errors import DomainError\n"
        "class Refused(DomainError):\n"
        "    def __init__(self):\n"
        "        super().__init__('refused', 'No.')\n"
        "class Later(Refused): ...\n"
        "def f(kind):\n"
        "    raise DomainError('not_open', 'Closed.')\n"
        "def g(kind):\n"
        "    raise Later(code=f'bad_{kind}')\n",
    )
    found = literal_codes(root)
    assert sorted(line.split(": ", 1)[0] for line in found) == [
        "meetings/services.py:4",
        "meetings/services.py:7",
        "meetings/services.py:9",
    ]


def test_enum_codes_pass(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        "from core.errors import DomainError\n"
        "from meetings.error_codes import MeetingErrorCode as Code\n"
        "def f():\n"
        "    raise DomainError(Code.NOT_OPEN, 'Closed.')\n",
    )
    assert literal_codes(root) == []
