"""Charts as inline SVG: matplotlib for the real charts, a few lines of SVG for sparklines.

matplotlib is driven through its object API with the SVG canvas (no pyplot, so no
global figure registry, no interactive backend, nothing left open). Text stays
text in the SVG (DejaVu Sans), maths parsing is off so a ``$`` in a title is just
a dollar sign, and every id in a chart is prefixed so several charts can live in
one HTML document.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence

from markupsafe import Markup

INK = "#1d2939"
MUTED = "#667085"
GRID = "#eaecf0"
PRIMARY = "#1f3a5f"
ACCENT = "#d97706"
BAD = "#b42318"
GOOD = "#067647"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "svg.fonttype": "none",
    "svg.hashsalt": "rca-report",
    "text.parse_math": False,
    "text.usetex": False,
    "axes.edgecolor": GRID,
    "axes.labelcolor": MUTED,
    "axes.titlesize": 8,
    "axes.titleweight": "bold",
    "axes.titlecolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.major.size": 0,
    "ytick.major.size": 0,
    "svg.image_inline": True,
}

_counter = itertools.count(1)
_ID = re.compile(r'\bid="([^"]+)"')


def _figure(width_mm: float, height_mm: float):
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4))
    FigureCanvasSVG(figure)
    return figure


def _to_svg(figure) -> Markup:
    """The figure as an <svg> element with ids unique in the page; the figure is then released."""
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        figure.clear()
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = f"c{next(_counter)}-"
    for old in set(_ID.findall(svg)):
        svg = svg.replace(f'id="{old}"', f'id="{prefix}{old}"').replace(f"#{old})", f"#{prefix}{old})") \
            .replace(f'href="#{old}"', f'href="#{prefix}{old}"')
    # matplotlib escapes all text it writes; the SVG is ours, so it is safe markup.
    return Markup(svg)


def _rc():
    import matplotlib

    return matplotlib.rc_context(RC)


def pareto_chart(keys: Sequence[str], counts: Sequence[int], cumulative: Sequence[float],
                 width_mm: float = 178, height_mm: float = 62) -> Markup | None:
    """Bars: complaints per cause, biggest first; line: cumulative share of all complaints."""
    if not keys:
        return None
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    with _rc():
        figure = _figure(width_mm, height_mm)
        axes = figure.add_axes((0.06, 0.2, 0.87, 0.74))
        positions = range(len(keys))
        axes.bar(positions, counts, color=PRIMARY, width=0.65, zorder=2)
        axes.set_xticks(list(positions), list(keys), rotation=45, ha="right", rotation_mode="anchor")
        axes.set_xlim(-0.6, len(keys) - 0.4)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):,}"))
        axes.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
        axes.set_ylabel("complaints")
        share = axes.twinx()
        share.plot(positions, [c * 100 for c in cumulative], color=ACCENT, marker="o", markersize=2.5,
                   linewidth=1.4, zorder=3)
        share.set_ylim(0, 105)
        share.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        share.yaxis.set_major_locator(MaxNLocator(nbins=4))
        share.spines["right"].set_visible(True)
        share.tick_params(axis="y", colors=ACCENT)
        for spine in ("top", "left", "bottom"):
            share.spines[spine].set_visible(False)
        share.spines["right"].set_color(GRID)
        return _to_svg(figure)


def trend_multiples(panels: Sequence[tuple[str, Sequence[int]]], week_labels: Sequence[str],
                    columns: int = 3, width_mm: float = 178, panel_height_mm: float = 34) -> Markup | None:
    """One small chart per cause (own scale, zero-based), weeks along the bottom."""
    if not panels or not week_labels:
        return None
    from matplotlib.ticker import MaxNLocator

    rows = -(-len(panels) // columns)
    with _rc():
        figure = _figure(width_mm, panel_height_mm * rows)
        grid = figure.subplots(rows, columns, squeeze=False)
        figure.subplots_adjust(left=0.045, right=0.975, top=1 - 0.2 / rows, bottom=0.22 / rows,
                               wspace=0.28, hspace=0.75)
        x = list(range(len(week_labels)))
        short = [label.split("-")[-1] for label in week_labels]
        for axes, (title, values) in itertools.zip_longest(grid.flat, panels, fillvalue=(None, None)):
            if title is None:
                axes.set_visible(False)
                continue
            values = list(values)
            axes.fill_between(x, values, color=PRIMARY, alpha=0.12, linewidth=0)
            axes.plot(x, values, color=PRIMARY, linewidth=1.3)
            axes.plot([x[-1]], [values[-1]], "o", color=ACCENT, markersize=3)
            axes.set_title(title, loc="left", pad=3, fontsize=7)
            axes.set_ylim(0, max(max(values) * 1.15, 1))
            axes.set_xlim(0, len(x) - 1)
            axes.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
            axes.set_xticks([0, len(x) - 1], [short[0], short[-1]])
            axes.grid(axis="y", color=GRID, linewidth=0.5)
            axes.annotate(f"{values[-1]:,}", (x[-1], values[-1]), xytext=(-4, 4), textcoords="offset points",
                          ha="right", color=ACCENT, fontsize=7, fontweight="bold")
        return _to_svg(figure)


def sparkline(values: Sequence[int], width: float = 64, height: float = 16) -> Markup:
    """A tiny line of the weekly counts, the last week marked. Numbers only, no text."""
    values = list(values) or [0]
    peak = max(values) or 1
    step = width / max(len(values) - 1, 1)
    pad = 2.0
    points = [(round(i * step, 2), round(height - pad - (v / peak) * (height - 2 * pad), 2))
              for i, v in enumerate(values)]
    line = " ".join(f"{x},{y}" for x, y in points)
    area = f"0,{height} {line} {points[-1][0]},{height}"
    last_x, last_y = points[-1]
    return Markup(
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width + 3}pt" height="{height}pt" '
        f'viewBox="-1 0 {width + 3} {height}">'
        f'<polygon points="{area}" fill="{PRIMARY}" fill-opacity="0.10"/>'
        f'<polyline points="{line}" fill="none" stroke="{PRIMARY}" stroke-width="1.1" '
        f'stroke-linejoin="round"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="1.8" fill="{ACCENT}"/></svg>')


def sparkbars(values: Sequence[int], width: float = 150, height: float = 26) -> Markup:
    """Weekly counts as small bars (the last week in the accent colour)."""
    values = list(values) or [0]
    peak = max(values) or 1
    slot = width / len(values)
    bars = []
    for i, value in enumerate(values):
        h = 0 if value == 0 else max(1.0, value / peak * (height - 1))
        colour = ACCENT if i == len(values) - 1 else PRIMARY
        bars.append(f'<rect x="{i * slot + slot * 0.15:.2f}" y="{height - h:.2f}" width="{slot * 0.7:.2f}" '
                    f'height="{h:.2f}" fill="{colour}"/>')
    return Markup(f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
                  f'viewBox="0 0 {width} {height}"><line x1="0" y1="{height}" x2="{width}" y2="{height}" '
                  f'stroke="{GRID}" stroke-width="1"/>{"".join(bars)}</svg>')
