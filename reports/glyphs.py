"""Text the report's font cannot draw is named, never printed as empty boxes.

The PDF is set in DejaVu Sans, the copy matplotlib ships (a dependency, so
every machine that renders a report has exactly this file; the PDF embeds it
through @font-face).  DejaVu covers Latin, Greek, Cyrillic and many symbols,
but not CJK, Arabic, Devanagari, Thai …: a Japanese tweet would come out as a
row of boxes.  :func:`displayable` reads the font's own character map
(fontTools, which WeasyPrint itself depends on) and replaces each run of
letters the font lacks with a marker that names the script, such as
"[Japanese text not shown]"; pictographs it lacks (emoji) are left out.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from pathlib import Path

from rca.errors import RcaError

# The family the CSS and the charts (matplotlib SVG text) name: the embedded files serve it.
FONT_FAMILY = "DejaVu Sans"
FONT_FILES = {("normal", "normal"): "DejaVuSans.ttf", ("bold", "normal"): "DejaVuSans-Bold.ttf",
              ("normal", "italic"): "DejaVuSans-Oblique.ttf", ("bold", "italic"): "DejaVuSans-BoldOblique.ttf"}
# Unicode name prefixes -> the words the marker uses (a script, or the language it writes).
_SCRIPT_WORDS = {"CJK": "Chinese or Japanese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
                 "HALFWIDTH KATAKANA": "Japanese", "HANGUL": "Korean", "FULLWIDTH": "full-width"}
_JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}  # zero-width joiner, variation selectors, keycap


@functools.lru_cache(maxsize=1)
def _font_folder() -> Path:
    # Found without importing matplotlib (seconds, and the team report draws no matplotlib chart).
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RcaError("matplotlib is not installed: reinstall rca (pip install -e .)")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


def font_paths() -> dict[tuple[str, str], Path]:
    """(weight, style) -> the font file the PDF embeds."""
    return {key: _font_folder() / name for key, name in FONT_FILES.items()}


@functools.lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points every face of the report font draws (regular and bold alike)."""
    from fontTools.ttLib import TTFont

    faces = []
    for key in (("normal", "normal"), ("bold", "normal")):
        with TTFont(str(font_paths()[key]), lazy=True) as font:
            faces.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*faces))


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for prefix, words in _SCRIPT_WORDS.items():
        if name.startswith(prefix):
            return words
    return name.split(" ")[0].capitalize() if name else "some"


_SPACE = re.compile(r"[ \t]{2,}")


@functools.lru_cache(maxsize=1)
def _missing() -> re.Pattern:
    """A regex that finds any character the font lacks (one C-speed scan per string)."""
    ranges, points = [], sorted(covered() | {ord(c) for c in " \t\n\r\f\v"})
    start = previous = points[0]
    for point in points[1:] + [None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}" if previous > start
                      else re.escape(chr(start)))
        if point is not None:
            start = previous = point
    return re.compile(f"[^{''.join(ranges)}]")


def displayable(text: str) -> str:
    """``text`` with what the report font lacks replaced by a marker (letters) or left out (pictographs)."""
    if not _missing().search(text):
        return text
    have = covered()
    out: list[str] = []
    run_script: str | None = None  # the script of the run of missing letters being read
    space_in_run = False
    for ch in text:
        if run_script is not None and (ch.isspace() or ch in _JOINERS):
            space_in_run = space_in_run or ch.isspace()
            continue  # words of one script separated by spaces are one run
        if ord(ch) in have or ch.isspace():
            if run_script is not None:
                out.append(f"[{run_script} text not shown]" + (" " if space_in_run else ""))
                run_script, space_in_run = None, False
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category[0] in "LMN":
            script = _script(ch)
            # Kana beside kanji: the run is Japanese, whichever came first.
            run_script = script if run_script in (None, _SCRIPT_WORDS["CJK"]) and script != "full-width" \
                else run_script or script
            space_in_run = False
        # Punctuation of that script (、。) belongs to the run; pictographs and symbols
        # the font lacks (emoji) are left out.
    if run_script is not None:
        out.append(f"[{run_script} text not shown]")
    return _SPACE.sub(" ", "".join(out)).strip()
