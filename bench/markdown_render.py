"""Benchmark Markdown rendering on pathological text: runs of one character.

A member's motion, amendment or post is rendered on public pages, so the
renderer must cost time linear in the text. Python-Markdown (used before)
was quadratic on runs of ``[``: 20,000 of them cost 76 s of CPU. This
renders ``[``, ``*``, ``_``, a backtick, ``>`` and ``![`` repeated at sizes
up to the motion text limit (``meetings.limits.MOTION_TEXT``, 50,000), with
the renderer in use (``meetings.markdown.markdown_html``: markdown-it-py and
nh3, no cache) and, where Python-Markdown is still installed, the old path
at the small sizes it can finish (``--old-max``; it took 2.8 s at 4,000 and
11.7 s at 8,000 characters of ``[``).

Run from the repository root::

    .venv/bin/python bench/markdown_render.py
    .venv/bin/python bench/markdown_render.py --sizes 50000 200000   # the minutes' limit too
    .venv/bin/python bench/markdown_render.py --old-max 0            # new renderer only

Figures are CPU seconds of this process (``time.process_time``), the best
of ``--repeat`` runs, so that other work on a shared machine counts less.
``growth`` is the time's ratio to the previous size's over the sizes'
ratio: about 1 is linear, about 2 per doubling is quadratic. Each output
is checked to be non-empty HTML before its figure is printed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meetings.limits import MOTION_TEXT
from meetings.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, RENDERER_VERSION, markdown_html

CHARS = ("[", "*", "_", "`", ">", "![")
SIZES = (1_000, 2_000, 4_000, 12_500, 25_000, MOTION_TEXT)


def _old_renderer() -> Callable[[str], str] | None:
    """Python-Markdown with the old options and the same sanitiser, if installed."""
    import nh3

    try:  # no longer a dependency: by name, so that type checking needs no stubs for it
        python_markdown = importlib.import_module("markdown")
    except ImportError:
        return None

    def render(text: str) -> str:
        html = python_markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)

    return render


def _timed(render: Callable[[str], str], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        html = render(text)
        best = min(best, time.process_time() - start)
        if not html.strip() or "<" not in html:
            sys.exit(f"{render.__module__}: no HTML for {text[:10]!r}… ({len(text):,} characters)")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (new renderer)")
    parser.add_argument("--old-max", type=int, default=4_000, help="largest size given to the old renderer")
    args = parser.parse_args()
    old = _old_renderer() if args.old_max else None
    print(f"new: {RENDERER_VERSION}; old: {'Python-Markdown' if old else 'not run'}")
    print(f"{'text':>6} {'chars':>8} {'new s':>8} {'growth':>7} {'old s':>8} {'old growth':>10}")
    worst = 0.0
    for char in CHARS:
        previous: tuple[int, float, float | None] | None = None
        for size in args.sizes:
            text = (char * size)[:size]
            new = _timed(markdown_html, text, args.repeat)
            worst = max(worst, new) if size <= MOTION_TEXT else worst
            old_s = _timed(old, text, 1) if old and size <= args.old_max else None
            growth = old_growth = ""
            if previous:
                psize, pnew, pold = previous
                growth = f"{(new / max(pnew, 1e-6)) / (size / psize):.2f}"
                if old_s is not None and pold is not None:
                    old_growth = f"{(old_s / max(pold, 1e-6)) / (size / psize):.2f}"
            old_text = f"{old_s:.3f}" if old_s is not None else "-"
            print(f"{char!r:>6} {size:>8,} {new:>8.3f} {growth:>7} {old_text:>8} {old_growth:>10}")
            previous = (size, new, old_s)
    print(f"slowest text of at most {MOTION_TEXT:,} characters (the motion limit): {worst:.3f} s CPU")


if __name__ == "__main__":
    main()
