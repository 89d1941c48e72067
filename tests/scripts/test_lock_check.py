"""The test and run commands refuse a lock that no longer matches pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import scaled

ROOT = Path(__file__).resolve().parent.parent.parent


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "venv.sh", project / "scripts" / "venv.sh")
    shutil.copytree(ROOT / "requirements", project / "requirements")
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, project / name)
    (project / ".tools").symlink_to(ROOT / ".tools")  # the pinned uv the test command installed
    return project


def _venv_sh(project: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    return subprocess.run(
        ["bash", "scripts/venv.sh", "--dry-run"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=scaled(120),
        check=False,
    )


def test_a_lock_out_of_date_stops_the_install_with_a_message(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert '"numpy>=1.26,<3"' in text
    pyproject.write_text(text.replace('"numpy>=1.26,<3"', '"numpy>=1.26,<2.1"'))
    proc = _venv_sh(project)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "uv.lock is out of date with pyproject.toml" in proc.stderr
    assert not (project / ".venv").exists()  # nothing was installed


def test_the_committed_lock_matches_pyproject(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    proc = subprocess.run(
        [str(project / ".tools" / "bin" / "uv"), "lock", "--check", "--offline", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=scaled(120),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
