"""Server-side SVG charts: bars, grouped or stacked bars, lines over years, estimates with intervals.

No JavaScript and no third-party code: each function returns one `<svg>` element as text,
ready to inline in an HTML page or a WeasyPrint PDF. Charts are accessible (`role="img"`,
`<title>`, `<desc>`, every value written as text beside its mark), drawn in colours of
the French State design system (DSFR) that keep at least 3:1 contrast on white, and tell
series apart by pattern as well as colour. A value of None is a suppressed cell: it is
written « s » and draws no mark. The viewBox is 640 units wide, the width of an A4 text
column at 96 dpi; CSS sizes the element (`width: 100%`).

>>> svg = bar_chart("Personnes par sexe", [("femme", 120), ("homme", None)], description="Effectifs protégés.")
>>> "femme" in svg and ">s<" in svg and svg.count('class="bar"') == 1
True
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

Value = float | None  # None: suppressed

WIDTH = 640
FONT_SIZE = 12
ROW_HEIGHT = 22
LABEL_CHARS = 30  # a label wraps beyond this many characters
CHAR_WIDTH = 6.4  # average advance of a 12-unit sans-serif character, for layout only
SUPPRESSED = "s"
TEXT_COLOUR = "#161616"  # DSFR grey-50
AXIS_COLOUR = "#666666"  # DSFR grey-425
# DSFR colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
COLOURS = ("#000091", "#6a6af4", "#006a6f", "#6e445a", "#845d48")
# Series after the first are also hatched, so that colour is never the only difference.
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal")
MARKERS = ("circle", "square", "diamond", "triangle", "circle")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")


@dataclass(frozen=True)
class Series:
    """One named series of values, in the order of the chart's categories."""

    name: str
    values: Sequence[Value]


@dataclass(frozen=True)
class IntervalRow:
    """An estimate with its interval, and the persons already known (the lower bound seen)."""

    label: str
    estimate: float
    low: float
    high: float
    known: float | None = None


def format_number(value: float, decimals: int = 0) -> str:
    """Write a number the French way: no-break space between thousands, comma decimals.

    The plain no-break space, not the narrow one: the State's typeface (Marianne) lacks it.

    >>> format_number(12345), format_number(0.256, 1)
    ('12\xa0345', '0,3')
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def _show(value: Value, unit: str = "") -> str:
    return SUPPRESSED if value is None else format_number(value) + unit


def _chart_id(*parts: object) -> str:
    """Return an id prefix unique to this chart's content, so two charts on a page never share patterns."""
    return "c" + hashlib.sha256(repr(parts).encode()).hexdigest()[:8]


def _wrap(label: str, width: int = LABEL_CHARS) -> list[str]:
    """Split a label into lines of at most `width` characters, on spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, content: str, *, anchor: str = "start", weight: str = "normal", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}"{klass}>{escape(content)}</text>'
    )


def _label(x: float, y: float, label: str, anchor: str = "end") -> str:
    """Write a label, wrapped, vertically centred on `y`."""
    lines = _wrap(label)
    top = y - (len(lines) - 1) * FONT_SIZE / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + i * FONT_SIZE:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" dominant-baseline="middle">{spans}</text>'


def _fill(index: int, chart: str) -> str:
    return COLOURS[index % len(COLOURS)] if index % len(PATTERNS) == 0 else f"url(#{chart}-p{index % len(PATTERNS)})"


def _patterns(count: int, chart: str) -> str:
    """Define the hatching of series 1 to count-1 (series 0 is solid)."""
    shapes = {
        "diagonal": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="{c}" stroke-width="1.6"/>',
        "dots": '<circle cx="3" cy="3" r="1.6" fill="{c}"/>',
        "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="{c}" stroke-width="1.2"/>',
        "horizontal": '<path d="M0,3 H6" stroke="{c}" stroke-width="2"/>',
    }
    defs = []
    for index in range(1, min(count, len(PATTERNS))):
        colour = COLOURS[index % len(COLOURS)]
        shape = shapes[PATTERNS[index]].format(c=colour)
        defs.append(
            f'<pattern id="{chart}-p{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="#ffffff"/>{shape}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _svg(chart: str, title: str, description: str, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart}-t {chart}-d" class="egide-chart" font-family="Marianne, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f'<title id="{chart}-t">{escape(title)}</title><desc id="{chart}-d">{escape(description or title)}</desc>'
        f"{body}</svg>"
    )


def _legend(names: Sequence[str], chart: str, y: float, *, lines: bool = False) -> tuple[str, float]:
    """Draw one legend entry per series from the left; return the markup and the height used."""
    parts, x, first = [], 8.0, y
    for index, name in enumerate(names):
        width = 26 + len(name) * CHAR_WIDTH + 18
        if x + width > WIDTH and x > 8:
            x, y = 8.0, y + ROW_HEIGHT
        if lines:
            colour = COLOURS[index % len(COLOURS)]
            dash = DASHES[index % len(DASHES)]
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x + 20}" y2="{y}" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
            parts.append(_marker(index, x + 10, y, "swatch"))
        else:
            parts.append(
                f'<rect x="{x}" y="{y - 7}" width="20" height="14" fill="{_fill(index, chart)}" '
                f'stroke="{COLOURS[index % len(COLOURS)]}"/>'
            )
        parts.append(_text(x + 26, y + 4, name))
        x += width
    return f'<g class="legend">{"".join(parts)}</g>', ROW_HEIGHT + (y - first)


def _scale_max(values: Sequence[Value]) -> float:
    """Return a round upper bound for the axis: 1, 2 or 5 times a power of ten."""
    top = max((v for v in values if v is not None), default=0.0)
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    return next(float(step * power) for step in (1, 2, 5, 10) if step * power >= top)


def _label_width(labels: Sequence[str]) -> float:
    longest = max((len(line) for label in labels for line in _wrap(label)), default=0)
    return min(longest, LABEL_CHARS) * CHAR_WIDTH + 12


def bar_chart(
    title: str, items: Sequence[tuple[str, Value]], *, description: str = "", unit: str = "", chart_id: str = ""
) -> str:
    """Draw a horizontal bar per item, its value written after the bar; None draws no bar and « s »."""
    return grouped_bar_chart(
        title,
        [label for label, _ in items],
        [Series("", [value for _, value in items])],
        description=description,
        unit=unit,
        chart_id=chart_id,
    )


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    description: str = "",
    unit: str = "",
    stacked: bool = False,
    chart_id: str = "",
) -> str:
    """Draw horizontal bars per category, one per series side by side, or stacked end to end.

    A stacked bar with a suppressed part is drawn without it, and its total is written « s ».

    >>> svg = grouped_bar_chart("Formes", ["sexuelle"], [Series("femmes", [50]), Series("hommes", [None])])
    >>> svg.count('class="bar"'), ">s<" in svg
    (1, True)
    """
    chart = chart_id or _chart_id(title, categories, [(s.name, tuple(s.values)) for s in series], stacked)
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories")
    left = _label_width(categories)
    room = WIDTH - left - 70
    if stacked:
        sums = [sum(float(s.values[i] or 0) for s in series) for i in range(len(categories))]
        hidden = [any(s.values[i] is None for s in series) for i in range(len(categories))]
        totals: list[Value] = [None if h else t for t, h in zip(sums, hidden, strict=True)]
        top = _scale_max(sums)
    else:
        top = _scale_max([v for s in series for v in s.values])
    bars_per_row = 1 if stacked else len(series)
    bar_h = 14.0
    label_lines = max((len(_wrap(c)) for c in categories), default=1)
    row_h = max(bars_per_row * (bar_h + 3) + 8, FONT_SIZE * label_lines + 8)
    named = [s.name for s in series if s.name]
    parts = [_patterns(len(series), chart)]
    legend_h = 0.0
    if named:
        legend, used = _legend(named, chart, 12)
        parts.append(legend)
        legend_h = used + 6
    y = float(legend_h + 4)
    for i, category in enumerate(categories):
        parts.append(_label(left - 8, y + row_h / 2, category))
        if stacked:
            x = left
            for k, s in enumerate(series):
                value = s.values[i]
                if value:
                    w = room * float(value) / top
                    parts.append(_bar(x, y + (row_h - bar_h) / 2, w, bar_h, k, chart, f"{s.name} : {_show(value)}"))
                    x += w
            parts.append(_text(x + 6, y + row_h / 2 + 4, _show(totals[i], unit), cls="value"))
        else:
            by = y + (row_h - bars_per_row * (bar_h + 3) + 3) / 2
            for k, s in enumerate(series):
                value = s.values[i]
                w = 0.0 if value is None else room * float(value) / top
                if value is not None and w > 0:
                    parts.append(_bar(left, by, w, bar_h, k, chart, f"{s.name or category} : {_show(value, unit)}"))
                parts.append(_text(left + w + 6, by + bar_h - 3, _show(value, unit), cls="value"))
                by += bar_h + 3
        y += row_h
    parts.append(f'<line x1="{left}" y1="{legend_h}" x2="{left}" y2="{y + 2:.1f}" stroke="{AXIS_COLOUR}"/>')
    return _svg(chart, title, description, y + 8, "".join(parts))


def _bar(x: float, y: float, w: float, h: float, index: int, chart: str, tip: str) -> str:
    colour = COLOURS[index % len(COLOURS)]
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{_fill(index, chart)}" '
        f'stroke="{colour}" stroke-width="1"><title>{escape(tip)}</title></rect>'
    )


def _marker(index: int, x: float, y: float, cls: str = "point") -> str:
    colour = COLOURS[index % len(COLOURS)]
    shape = MARKERS[index % len(MARKERS)]
    if shape == "square":
        return f'<rect class="{cls}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path class="{cls}" d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path class="{cls}" d="M{x:.1f},{y - 5:.1f} l5,9 h-10 z" fill="{colour}"/>'
    return f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(
    title: str, years: Sequence[str | int], series: Sequence[Series], *, description: str = "", chart_id: str = ""
) -> str:
    """Draw one line per series over the years, each point labelled; a suppressed year breaks the line.

    >>> svg = line_chart("Évolution", [2022, 2023, 2024], [Series("personnes", [100, None, 140])])
    >>> svg.count('class="point"'), ">s<" in svg, "2023" in svg
    (2, True, True)
    """
    chart = chart_id or _chart_id(title, years, [(s.name, tuple(s.values)) for s in series])
    left, right, top_y, plot_h = 56.0, 24.0, 16.0, 200.0
    inset = 28.0  # keeps the first and last points' labels clear of the axis labels
    legend_y = top_y + plot_h + 40
    top = _scale_max([v for s in series for v in s.values])
    step = (WIDTH - left - right - 2 * inset) / max(len(years) - 1, 1)
    parts = [
        f'<line x1="{left}" y1="{top_y + plot_h}" x2="{WIDTH - right}" y2="{top_y + plot_h}" stroke="{AXIS_COLOUR}"/>'
    ]
    for tick in range(5):
        ty = top_y + plot_h - plot_h * tick / 4
        parts.append(_text(left - 6, ty + 4, format_number(top * tick / 4), anchor="end"))
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{WIDTH - right}" y2="{ty:.1f}" stroke="#dddddd"/>')
    for j, year in enumerate(years):
        parts.append(_text(left + inset + j * step, top_y + plot_h + 18, str(year), anchor="middle"))
    for k, s in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        segment: list[str] = []
        for j, value in enumerate([*s.values, None]):
            if value is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, colour, dash))
                segment = []
                if j < len(s.values):
                    parts.append(
                        _text(left + inset + j * step, top_y + plot_h - 6, SUPPRESSED, anchor="middle", cls="value")
                    )
                continue
            x, y = left + inset + j * step, top_y + plot_h - plot_h * float(value) / top
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(_marker(k, x, y))
            parts.append(_text(x, y - 8, format_number(value), anchor="middle", cls="value"))
    height = top_y + plot_h + 30
    if any(s.name for s in series):
        legend, legend_h = _legend([s.name for s in series], chart, legend_y, lines=True)
        parts.append(legend)
        height = legend_y + legend_h
    return _svg(chart, title, description, height, "".join(parts))


def _polyline(points: Sequence[str], colour: str, dash: str) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>'


def interval_chart(title: str, rows: Sequence[IntervalRow], *, description: str = "", chart_id: str = "") -> str:
    """Draw each estimate as a point on its interval, the known persons as a marked tick.

    >>> svg = interval_chart("Population", [IntervalRow("2024", 1200, 950, 1600, known=800)])
    >>> "1\xa0200" in svg and "950" in svg and "connues" in svg
    True
    """
    chart = chart_id or _chart_id(title, [(r.label, r.estimate, r.low, r.high, r.known) for r in rows])
    left = _label_width([r.label for r in rows])
    right = 24.0
    top = _scale_max([r.high for r in rows] + [r.known for r in rows])
    span = WIDTH - left - right

    def at(value: float) -> float:
        return left + span * value / top

    row_h, parts = 58.0, []
    legend, legend_h = _intervals_legend(12)
    parts.append(legend)
    y = legend_h + 10.0
    for row in rows:
        mid = y + 20
        parts.append(_label(left - 8, mid, row.label))
        parts.append(
            f'<rect x="{at(row.low):.1f}" y="{mid - 7:.1f}" width="{at(row.high) - at(row.low):.1f}" '
            f'height="14" fill="#e3e3fd" stroke="{COLOURS[0]}" class="interval"/>'
        )
        if row.known is not None:
            kx = at(row.known)
            parts.append(
                f'<line x1="{kx:.1f}" y1="{mid - 12:.1f}" x2="{kx:.1f}" y2="{mid + 12:.1f}" '
                f'stroke="{COLOURS[2]}" stroke-width="3" stroke-dasharray="3 2" class="known"/>'
            )
        parts.append(_marker(0, at(row.estimate), mid))
        note = (
            f"estimation {format_number(row.estimate)} (intervalle {format_number(row.low)} – "
            f"{format_number(row.high)})"
        )
        if row.known is not None:
            note += f" ; personnes connues : {format_number(row.known)}"
        parts.append(_text(left, mid + 26, note, cls="value"))
        y += row_h
    for tick in range(5):
        parts.append(_text(at(top * tick / 4), y + 10, format_number(top * tick / 4), anchor="middle"))
    parts.append(f'<line x1="{left}" y1="{y - 4:.1f}" x2="{WIDTH - right}" y2="{y - 4:.1f}" stroke="{AXIS_COLOUR}"/>')
    return _svg(chart, title, description, y + 18, "".join(parts))


def _intervals_legend(y: float) -> tuple[str, float]:
    parts = [
        _marker(0, 14, y, "swatch"),
        _text(24, y + 4, "estimation"),
        f'<rect x="110" y="{y - 7}" width="24" height="14" fill="#e3e3fd" stroke="{COLOURS[0]}"/>',
        _text(140, y + 4, "intervalle de confiance à 95 %"),
        f'<line x1="350" y1="{y - 9}" x2="350" y2="{y + 9}" stroke="{COLOURS[2]}" stroke-width="3" '
        'stroke-dasharray="3 2"/>',
        _text(360, y + 4, "personnes connues (comptées une fois)"),
    ]
    return f'<g class="legend">{"".join(parts)}</g>', ROW_HEIGHT


__all__ = [
    "IntervalRow",
    "Series",
    "bar_chart",
    "format_number",
    "grouped_bar_chart",
    "interval_chart",
    "line_chart",
]
