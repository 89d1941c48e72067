"""The import_roll management command: progress on stderr, errors by line, dry run."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from governance.models import Membership
from tests.factories import UnitFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = pytest.mark.django_db


class Tty(StringIO):
    def isatty(self) -> bool:
        return False


def test_imports_with_a_progress_bar_then_reimports_nothing(tmp_path: Path) -> None:
    UnitFactory(slug="stockport", name="Momentum Stockport")
    path = tmp_path / "roll.csv"
    path.write_bytes(roll_csv([person_row(i) for i in range(25)]))
    out, err = StringIO(), StringIO()
    call_command("import_roll", str(path), unit="stockport", stdout=out, stderr=err)
    assert "Imported 25 rows into Momentum Stockport: 25 new people, 25 new memberships" in out.getvalue()
    assert "writing  [##############################] 100% 25/25" in err.getvalue()
    out = StringIO()
    call_command("import_roll", str(path), unit="stockport", stdout=out, stderr=StringIO())
    assert "0 new memberships, 0 updated, 25 unchanged" in out.getvalue()


def test_errors_are_listed_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    UnitFactory(slug="stockport")
    path = tmp_path / "roll.csv"
    path.write_bytes(roll_csv([person_row(1), person_row(2, status="expelled")]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 row\\(s\\) of the file have errors; nothing was imported"):
        call_command("import_roll", str(path), unit="stockport", stdout=StringIO(), stderr=err)
    assert f"{path}: line 3: status “expelled” is not one of" in err.getvalue()
    assert not Membership.objects.exists()


def test_dry_run_and_operator_mistakes(tmp_path: Path) -> None:
    UnitFactory(slug="stockport")
    path = tmp_path / "roll.csv"
    path.write_bytes(roll_csv([person_row(1)]))
    out = StringIO()
    call_command(
        "import_roll", str(path), unit="stockport", dry_run=True, no_progress=True, stdout=out, stderr=StringIO()
    )
    assert "Would import 1 rows" in out.getvalue() and "nothing was written" in out.getvalue()
    assert not Membership.objects.exists()
    with pytest.raises(CommandError, match="no unit with the slug “nowhere”"):
        call_command("import_roll", str(path), unit="nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_roll", str(tmp_path / "missing.csv"), unit="stockport")
