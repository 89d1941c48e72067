"""The counting engine as a package any observer can install and run.

A result is only as checkable as the code that counted it. The engine
(``ballots/counting/``) imports nothing from Django or the rest of the
project, so it ships on its own: a source archive holding exactly the
modules this server counts with, a ``pyproject.toml`` naming its one
dependency (NumPy), and nothing else. ``pip install`` of the archive gives
``python -m ballots.counting``, the same command the result page prints.

The archive is built from the files on disk in a fixed way (sorted names,
zero timestamps, owner and mode fixed, gzip without a date), so the same
code always gives the same bytes and the same SHA-256: an observer can
compare the hash on the result page with an archive built from the public
repository at the deployed commit. Building it takes milliseconds and
writes nothing; each process keeps the bytes in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "agora-counting"

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "Agora's vote-counting engine: STV (Scottish, ERS97, Meek NZ), IRV, plurality, approval, motions."
requires-python = ">=3.11"
license = {{ text = "AGPL-3.0-or-later" }}
dependencies = ["numpy>=1.26"]

[project.scripts]
agora-count = "ballots.counting.cli:main"

[tool.setuptools]
packages = ["ballots", "ballots.counting"]
"""

README = """\
Agora's counting engine, as used by the server that published the result.

    pip install {name}-{version}.tar.gz
    python -m ballots.counting papers.blt --method scottish-stv --seats 3 --seed SEED

The result page prints the exact command for each question; add --json to
print the count sheet as JSON and compare it with the published one.
"""


@dataclass(frozen=True)
class EngineArchive:
    """The archive's bytes and what the result page says about them."""

    filename: str
    version: str
    data: bytes
    sha256: str


def engine_sources() -> list[Path]:
    """The files that go in: the empty ``ballots/__init__.py`` (so that
    importing the engine loads nothing else) and every engine module."""
    counting = ROOT / "ballots" / "counting"
    return [ROOT / "ballots" / "__init__.py", *sorted(counting.glob("*.py"))]


def engine_version() -> str:
    """The project's version, from its ``pyproject.toml``."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)  # its defaults are fixed: time 0, mode 644, owner 0 with no name
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


@cache
def engine_archive() -> EngineArchive:
    """Build the source archive (once per process)."""
    version = engine_version()
    top = f"{DISTRIBUTION}-{version}"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, f"{top}/pyproject.toml", PYPROJECT.format(name=DISTRIBUTION, version=version).encode())
        _add(tar, f"{top}/README.txt", README.format(name=DISTRIBUTION, version=version).encode())
        for path in engine_sources():
            _add(tar, f"{top}/{path.relative_to(ROOT).as_posix()}", path.read_bytes())
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0) as gz:
        gz.write(raw.getvalue())
    data = packed.getvalue()
    return EngineArchive(filename=f"{top}.tar.gz", version=version, data=data, sha256=hashlib.sha256(data).hexdigest())
