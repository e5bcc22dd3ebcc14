"""Server-side SVG charts for every lab: pure Python in, an SVG string out.

House rules these charts keep (DESIGN.md §9-10):

* Accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` referenced by
  ``aria-labelledby``, labelled axes. All text is XML-escaped.
* No ``style=""`` attribute anywhere (strict CSP). Colour comes only from CSS classes: every
  drawn element paints with ``currentColor`` through presentation attributes (``fill``,
  ``stroke``), and the class on it (or on its group) sets ``color`` in the stylesheet, so
  one rule such as ``.chart .series-3 { color: var(--chart-3); }`` themes light and dark
  mode alike. Without a stylesheet everything falls back to the text colour: still legible.
* Scales with its container: a ``viewBox``, ``width="100%"``, no fixed height; coordinates
  rounded to one decimal to keep the markup small.

Classes used: ``chart``, ``chart-<kind>``, ``axis``, ``grid``, ``tick-label``,
``axis-label``, ``legend``, ``series-0`` .. ``series-11``, ``mean-line``, ``moved``,
``highlight``, ``removed``, ``ring-track``, ``center-label``, ``note``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from html import escape

SERIES_COUNT = 12

Formatter = Callable[[float], str]


def series_class(index: int) -> str:
    """The colour class of the ``index``-th series; colours repeat after twelve."""
    return f"series-{index % SERIES_COUNT}"


@dataclass(frozen=True)
class Series:
    """One line of a line chart. ``css_class`` defaults to the series' position."""

    name: str
    points: Sequence[tuple[float, float]]
    css_class: str = ""
    dashed: bool = False
    markers: bool = True


@dataclass(frozen=True)
class LegendEntry:
    """A swatch and its label. ``shape`` is ``"line"``, ``"dot"`` or ``"ring"`` (a circle
    outline, as drawn around moved keys)."""

    label: str
    css_class: str
    dashed: bool = False
    shape: str = "line"


@dataclass(frozen=True)
class RingTick:
    """A point on a ring, at ``angle`` degrees clockwise from the top.

    With ``owns_arc`` the stretch of ring from the previous owning tick up to this one is
    painted in this tick's class (the keys there belong to it). ``emphasis`` draws a longer
    tick, for points a change added or removed.
    """

    angle: float
    css_class: str
    label: str = ""
    emphasis: bool = False
    owns_arc: bool = True


@dataclass(frozen=True)
class RingDot:
    """A key on a ring; ``moved`` circles it."""

    angle: float
    css_class: str
    label: str = ""
    moved: bool = False


# ----------------------------------------------------------------------------------------
# Formatting helpers


def _num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def _tooltip(label: str, *values: str) -> str:
    """``label: a, b``, with full-width punctuation when the label is Chinese."""
    if _has_cjk(label):
        return f"{label}：{'，'.join(values)}"
    return f"{label}: {', '.join(values)}"


def format_number(value: float) -> str:
    """Short tick labels: 1,500 -> 1500, 25,000 -> 25k, 2,500,000 -> 2.5M, 0.25 -> 0.25."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if magnitude >= 10_000:
        return f"{value / 1000:g}k"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}"


def format_percent(value: float) -> str:
    return f"{format_number(value)}%"


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("axis bounds must be finite")
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, target)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    index = math.floor(low / step)
    if (index + 1) * step <= low:  # floor() of a rounded-down quotient
        index += 1
    first = index * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _chart_id(kind: str, title: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    digest = hashlib.sha1(f"{kind}\0{title}".encode(), usedforsecurity=False).hexdigest()
    return f"chart-{digest[:10]}"


def _open(kind: str, width: float, height: float, title: str, desc: str, chart_id: str) -> str:
    chart_id = _attr(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}"'
        f' width="100%" class="chart chart-{kind}" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="12">'
        f'<title id="{chart_id}-title">{_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>'
    )


# ----------------------------------------------------------------------------------------
# Cartesian frame shared by bar, histogram, line and scatter charts


@dataclass(frozen=True)
class _Frame:
    width: float
    height: float
    left: float = 64
    right: float = 16
    top: float = 16
    bottom: float = 48

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.height - self.bottom


class _Scale:
    """Maps data values to pixels, linearly or on a log10 scale."""

    def __init__(self, low: float, high: float, start: float, end: float, log: bool = False):
        if log and low <= 0:
            raise ValueError("a log axis needs positive values")
        self.log = log
        self.low = math.log10(low) if log else low
        self.high = math.log10(high) if log else high
        if self.high == self.low:
            self.high = self.low + 1
        self.start, self.end = start, end

    def __call__(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        return self.start + (v - self.low) / (self.high - self.low) * (self.end - self.start)


def _axes(
    frame: _Frame,
    x_label: str,
    y_label: str,
    y_scale: _Scale,
    y_ticks: Sequence[float],
    y_format: Formatter,
) -> list[str]:
    """Y grid lines with labels, both axis lines and both axis titles."""
    parts = ['<g class="grid" stroke="currentColor" stroke-width="0.5" stroke-dasharray="2 3">']
    for tick in y_ticks:
        y = _num(y_scale(tick))
        parts.append(f'<path d="M{_num(frame.left)} {y}H{_num(frame.width - frame.right)}"/>')
    parts.append("</g>")
    parts.append('<g class="tick-label" fill="currentColor" text-anchor="end">')
    for tick in y_ticks:
        y = _num(y_scale(tick) + 4)
        parts.append(f'<text x="{_num(frame.left - 6)}" y="{y}">{_text(y_format(tick))}</text>')
    parts.append("</g>")
    parts.append(
        f'<path class="axis" stroke="currentColor" fill="none" d="M{_num(frame.left)} '
        f'{_num(frame.top)}V{_num(frame.base)}H{_num(frame.width - frame.right)}"/>'
    )
    parts.append(
        f'<text class="axis-label" fill="currentColor" text-anchor="middle"'
        f' x="{_num(frame.left + frame.plot_width / 2)}" y="{_num(frame.height - 8)}">'
        f"{_text(x_label)}</text>"
    )
    mid_y = _num(frame.top + frame.plot_height / 2)
    parts.append(
        f'<text class="axis-label" fill="currentColor" text-anchor="middle"'
        f' transform="translate(14 {mid_y}) rotate(-90)">{_text(y_label)}</text>'
    )
    return parts


def _x_tick_labels(frame: _Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = ['<g class="tick-label" fill="currentColor" text-anchor="middle">']
    for x, label in ticks:
        parts.append(f'<text x="{_num(x)}" y="{_num(frame.base + 16)}">{_text(label)}</text>')
    parts.append("</g>")
    return parts


def _legend(entries: Sequence[LegendEntry], x: float, y: float) -> list[str]:
    parts = ['<g class="legend">']
    for i, entry in enumerate(entries):
        row = y + i * 18
        dash = ' stroke-dasharray="6 4"' if entry.dashed else ""
        if entry.shape == "dot":
            swatch = f'<circle cx="{_num(x + 9)}" cy="{_num(row)}" r="4" fill="currentColor"/>'
        elif entry.shape == "ring":
            swatch = (
                f'<circle cx="{_num(x + 9)}" cy="{_num(row)}" r="6" fill="none"'
                ' stroke="currentColor" stroke-width="1.5"/>'
            )
        else:
            swatch = (
                f'<path d="M{_num(x)} {_num(row)}h18" stroke="currentColor"'
                f' stroke-width="3"{dash}/>'
            )
        parts.append(
            f'<g class="{_attr(entry.css_class)}">{swatch}</g>'
            f'<text x="{_num(x + 24)}" y="{_num(row + 4)}" fill="currentColor">'
            f"{_text(entry.label)}</text>"
        )
    parts.append("</g>")
    return parts


def text_width(text: str, font_size: float = 12) -> float:
    """Rough rendered width: CJK characters are square, Latin ones about 0.58 em."""
    return sum(font_size if _has_cjk(ch) else font_size * 0.58 for ch in text)


def _frame_for(width: float, height: float, reference_label: str | None) -> _Frame:
    """Leave room on the right for a reference line's label, so it never covers a bar."""
    if not reference_label:
        return _Frame(width, height)
    return _Frame(width, height, right=min(width / 3, text_width(reference_label) + 12))


def _reference_line(frame: _Frame, y: float, label: str, css_class: str = "mean-line") -> list[str]:
    right = frame.width - frame.right
    return [
        f'<g class="{css_class}"><path d="M{_num(frame.left)} {_num(y)}H{_num(right + 4)}"'
        ' stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{_num(right + 8)}" y="{_num(y + 4)}" fill="currentColor">'
        f"{_text(label)}</text></g>",
    ]


def _check_finite(values: Sequence[float], what: str) -> None:
    for value in values:
        if not math.isfinite(value):
            raise ValueError(f"{what} must be finite numbers")


# ----------------------------------------------------------------------------------------
# Charts


def bar_chart(
    *,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    x_label: str,
    y_label: str,
    reference: float | None = None,
    reference_label: str = "",
    highlight: Collection[int] = (),
    bar_class: str = "series-0",
    y_format: Formatter = format_number,
    value_format: Formatter = format_number,
    chart_id: str | None = None,
    width: float = 640,
    height: float = 300,
) -> str:
    """Vertical bars, one per label, with an optional dashed reference line (e.g. the mean).

    Bars listed in ``highlight`` get the ``highlight`` class. Every bar carries a
    ``<title>`` with its label and value; with many bars only every k-th label is written.
    """
    if len(labels) != len(values) or not values:
        raise ValueError("need one value per label, and at least one")
    _check_finite(values, "bar values")
    frame = _frame_for(width, height, reference_label if reference is not None else None)
    top_value = max([*values, reference or 0, 0])
    y_ticks = nice_ticks(0, top_value if top_value > 0 else 1)
    y_scale = _Scale(0, y_ticks[-1], frame.base, frame.top)
    slot = frame.plot_width / len(values)
    bar_width = max(slot * 0.8, min(slot, 1.0))
    chart_id = _chart_id("bar", title, chart_id)
    parts = [_open("bar", width, height, title, desc, chart_id)]
    parts += _axes(frame, x_label, y_label, y_scale, y_ticks, y_format)
    parts.append(f'<g class="{_attr(bar_class)}" fill="currentColor">')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = frame.left + i * slot + (slot - bar_width) / 2
        y = y_scale(value)
        css = ' class="highlight"' if i in highlight else ""
        parts.append(
            f'<rect{css} x="{_num(x)}" y="{_num(y)}" width="{_num(bar_width)}"'
            f' height="{_num(frame.base - y)}"><title>'
            f"{_text(_tooltip(label, value_format(value)))}</title></rect>"
        )
    parts.append("</g>")
    widest = max(text_width(label) for label in labels) + 8
    every = max(1, math.ceil(widest / slot))
    parts += _x_tick_labels(
        frame,
        [
            (frame.left + (i + 0.5) * slot, label)
            for i, label in enumerate(labels)
            if i % every == 0
        ],
    )
    if reference is not None:
        _check_finite([reference], "the reference")
        parts += _reference_line(frame, y_scale(reference), reference_label)
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    *,
    title: str,
    desc: str,
    counts: Sequence[float],
    low: float,
    high: float,
    x_label: str,
    y_label: str,
    expected: float | None = None,
    expected_label: str = "",
    bar_class: str = "series-0",
    chart_id: str | None = None,
    width: float = 640,
    height: float = 300,
) -> str:
    """Equal-width bins from ``low`` to ``high``, touching, with an optional expected count."""
    if not counts:
        raise ValueError("a histogram needs at least one bin")
    _check_finite([*counts, low, high], "histogram counts and bounds")
    if high <= low:
        raise ValueError("high must be above low")
    frame = _frame_for(width, height, expected_label if expected is not None else None)
    top_value = max([*counts, expected or 0, 0])
    y_ticks = nice_ticks(0, top_value if top_value > 0 else 1)
    y_scale = _Scale(0, y_ticks[-1], frame.base, frame.top)
    x_scale = _Scale(low, high, frame.left, frame.width - frame.right)
    chart_id = _chart_id("histogram", title, chart_id)
    parts = [_open("histogram", width, height, title, desc, chart_id)]
    parts += _axes(frame, x_label, y_label, y_scale, y_ticks, format_number)
    bin_width = (high - low) / len(counts)
    parts.append(f'<g class="{_attr(bar_class)}" fill="currentColor">')
    for i, count in enumerate(counts):
        left, right = low + i * bin_width, low + (i + 1) * bin_width
        x0, x1, y = x_scale(left), x_scale(right), y_scale(count)
        parts.append(
            f'<rect x="{_num(x0)}" y="{_num(y)}" width="{_num(max(x1 - x0 - 0.5, 0.5))}"'
            f' height="{_num(frame.base - y)}"><title>[{_text(format_number(left))}, '
            f"{_text(format_number(right))}): {_text(format_number(count))}</title></rect>"
        )
    parts.append("</g>")
    parts += _x_tick_labels(
        frame, [(x_scale(t), format_number(t)) for t in nice_ticks(low, high) if low <= t <= high]
    )
    if expected is not None:
        parts += _reference_line(frame, y_scale(expected), expected_label)
    parts.append("</svg>")
    return "".join(parts)


def _log_ticks(low: float, high: float) -> list[float]:
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [10.0**k for k in range(first, last + 1)]


def line_chart(
    *,
    title: str,
    desc: str,
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    log_x: bool = False,
    y_min: float | None = None,
    y_max: float | None = None,
    x_format: Formatter = format_number,
    y_format: Formatter = format_number,
    chart_id: str | None = None,
    width: float = 640,
    height: float = 320,
) -> str:
    """Lines through (x, y) points, one per series, with a legend; ``log_x`` for decades."""
    points = [p for s in series for p in s.points]
    if not points:
        raise ValueError("a line chart needs at least one point")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    _check_finite(xs + ys, "line chart coordinates")
    frame = _Frame(width, height)
    x_ticks = _log_ticks(min(xs), max(xs)) if log_x else nice_ticks(min(xs), max(xs))
    x_scale = _Scale(x_ticks[0], x_ticks[-1], frame.left, frame.width - frame.right, log_x)
    y_ticks = nice_ticks(min(ys) if y_min is None else y_min, max(ys) if y_max is None else y_max)
    y_scale = _Scale(y_ticks[0], y_ticks[-1], frame.base, frame.top)
    chart_id = _chart_id("line", title, chart_id)
    parts = [_open("line", width, height, title, desc, chart_id)]
    parts += _axes(frame, x_label, y_label, y_scale, y_ticks, y_format)
    parts.append('<g class="grid" stroke="currentColor" stroke-width="0.5" stroke-dasharray="2 3">')
    for tick in x_ticks:
        x = _num(x_scale(tick))
        parts.append(f'<path d="M{x} {_num(frame.top)}V{_num(frame.base)}"/>')
    parts.append("</g>")
    parts += _x_tick_labels(frame, [(x_scale(t), x_format(t)) for t in x_ticks])
    legend = []
    for index, line in enumerate(series):
        css = line.css_class or series_class(index)
        legend.append(LegendEntry(line.name, css, line.dashed))
        if not line.points:
            continue
        path = "".join(
            f"{'M' if i == 0 else 'L'}{_num(x_scale(x))} {_num(y_scale(y))}"
            for i, (x, y) in enumerate(line.points)
        )
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(
            f'<g class="{_attr(css)}"><path d="{path}" fill="none" stroke="currentColor"'
            f' stroke-width="2"{dash}/>'
        )
        if line.markers:
            for x, y in line.points:
                parts.append(
                    f'<circle cx="{_num(x_scale(x))}" cy="{_num(y_scale(y))}" r="3"'
                    f' fill="currentColor"><title>'
                    f"{_text(_tooltip(line.name, x_format(x), y_format(y)))}</title></circle>"
                )
        parts.append("</g>")
    parts += _legend(legend, frame.width - frame.right - 180, frame.top + 10)
    parts.append("</svg>")
    return "".join(parts)


def scatter(
    *,
    title: str,
    desc: str,
    points: Sequence[tuple[float, float]],
    x_label: str,
    y_label: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    point_class: str = "series-0",
    point_size: float = 2,
    chart_id: str | None = None,
    width: float = 400,
    height: float = 400,
) -> str:
    """Points in a fixed box (e.g. successive pairs of a generator's outputs).

    Each point is a tiny square drawn as one path segment, about 15 bytes per point, so
    thousands of points stay small.
    """
    _check_finite([c for p in points for c in p] + [*x_range, *y_range], "scatter coordinates")
    frame = _Frame(width, height)
    x_scale = _Scale(x_range[0], x_range[1], frame.left, frame.width - frame.right)
    y_scale = _Scale(y_range[0], y_range[1], frame.base, frame.top)
    y_ticks = [t for t in nice_ticks(*y_range) if y_range[0] <= t <= y_range[1]]
    chart_id = _chart_id("scatter", title, chart_id)
    parts = [_open("scatter", width, height, title, desc, chart_id)]
    parts += _axes(frame, x_label, y_label, y_scale, y_ticks, format_number)
    parts += _x_tick_labels(
        frame,
        [
            (x_scale(t), format_number(t))
            for t in nice_ticks(*x_range)
            if x_range[0] <= t <= x_range[1]
        ],
    )
    half = point_size / 2
    path = "".join(
        f"M{_num(x_scale(x) - half)} {_num(y_scale(y))}h{_num(point_size)}" for x, y in points
    )
    parts.append(
        f'<path class="{_attr(point_class)}" d="{path}" stroke="currentColor"'
        f' stroke-width="{_num(point_size)}" fill="none"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bitmap(
    *,
    title: str,
    desc: str,
    rows: Sequence[Sequence[int]],
    cell: float = 4,
    on_class: str = "series-0",
    chart_id: str | None = None,
) -> str:
    """A grid of bits: ones are filled cells, zeros are left empty (the page background).

    Runs of ones in a row are drawn as one stroke, so a 128 x 128 bitmap stays compact.
    """
    if not rows or not rows[0]:
        raise ValueError("a bitmap needs at least one row and one column")
    columns = len(rows[0])
    if any(len(row) != columns for row in rows):
        raise ValueError("every bitmap row must have the same length")
    width, height = columns * cell, len(rows) * cell
    chart_id = _chart_id("bitmap", title, chart_id)
    parts = [_open("bitmap", width + 2, height + 2, title, desc, chart_id)]
    segments = []
    for r, row in enumerate(rows):
        y = 1 + r * cell + cell / 2
        c = 0
        while c < columns:
            if row[c]:
                start = c
                while c < columns and row[c]:
                    c += 1
                segments.append(f"M{_num(1 + start * cell)} {_num(y)}h{_num((c - start) * cell)}")
            else:
                c += 1
    if segments:
        parts.append(
            f'<path class="{_attr(on_class)}" d="{"".join(segments)}" stroke="currentColor"'
            f' stroke-width="{_num(cell)}" fill="none" shape-rendering="crispEdges"/>'
        )
    parts.append(
        f'<rect class="axis" x="0.5" y="0.5" width="{_num(width + 1)}" height="{_num(height + 1)}"'
        ' fill="none" stroke="currentColor"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _polar(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    theta = math.radians(angle)
    return cx + radius * math.sin(theta), cy - radius * math.cos(theta)


def _arc_path(cx: float, cy: float, radius: float, start: float, end: float) -> str:
    """Clockwise arc from ``start`` to ``end`` degrees, split so no piece exceeds 180°."""
    span = (end - start) % 360 or 360.0
    pieces = math.ceil(span / 179.9)
    out = []
    for piece in range(pieces):
        a0 = start + span * piece / pieces
        a1 = start + span * (piece + 1) / pieces
        x0, y0 = _polar(cx, cy, radius, a0)
        x1, y1 = _polar(cx, cy, radius, a1)
        r = _num(radius)
        out.append(f"M{_num(x0)} {_num(y0)}A{r} {r} 0 0 1 {_num(x1)} {_num(y1)}")
    return "".join(out)


def ring_chart(
    *,
    title: str,
    desc: str,
    ticks: Sequence[RingTick],
    dots: Sequence[RingDot] = (),
    legend: Sequence[LegendEntry] = (),
    center_label: str = "",
    note: str = "",
    chart_id: str | None = None,
) -> str:
    """A hash ring: arcs painted by owner, ticks for points, dots for keys, and a legend.

    Angle 0 is the top; angles grow clockwise, the direction a key walks to find its owner.
    """
    _check_finite([t.angle for t in ticks] + [d.angle for d in dots], "ring angles")
    size, legend_width = 380.0, 190.0
    cx = cy = size / 2
    radius, dot_radius = 150.0, 128.0
    chart_id = _chart_id("ring", title, chart_id)
    parts = [_open("ring", size + legend_width, size, title, desc, chart_id)]
    parts.append(
        f'<circle class="ring-track" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius)}"'
        ' fill="none" stroke="currentColor" stroke-width="1"/>'
    )
    owning = sorted((t for t in ticks if t.owns_arc), key=lambda t: t.angle)
    arcs: dict[str, list[str]] = {}
    for i, tick in enumerate(owning):
        previous = owning[i - 1].angle if len(owning) > 1 else tick.angle
        arcs.setdefault(tick.css_class, []).append(_arc_path(cx, cy, radius, previous, tick.angle))
    for css, paths in arcs.items():
        parts.append(
            f'<path class="{_attr(css)}" d="{"".join(paths)}" fill="none"'
            ' stroke="currentColor" stroke-width="10"/>'
        )
    for tick in ticks:
        inner, outer = (radius - 14, radius + 16) if tick.emphasis else (radius - 7, radius + 9)
        x0, y0 = _polar(cx, cy, inner, tick.angle)
        x1, y1 = _polar(cx, cy, outer, tick.angle)
        css = f"{tick.css_class} highlight" if tick.emphasis else tick.css_class
        dash = ' stroke-dasharray="3 2"' if not tick.owns_arc else ""
        label = f"<title>{_text(tick.label)}</title>" if tick.label else ""
        parts.append(
            f'<path class="{_attr(css)}" d="M{_num(x0)} {_num(y0)}L{_num(x1)} {_num(y1)}"'
            f' stroke="currentColor" stroke-width="{2 if tick.emphasis else 1.5}"{dash}>'
            f"{label}</path>"
        )
    for dot in dots:
        x, y = _polar(cx, cy, dot_radius, dot.angle)
        label = f"<title>{_text(dot.label)}</title>" if dot.label else ""
        if dot.moved:
            parts.append(
                f'<circle class="moved" cx="{_num(x)}" cy="{_num(y)}" r="6" fill="none"'
                ' stroke="currentColor" stroke-width="1.5"/>'
            )
        parts.append(
            f'<circle class="{_attr(dot.css_class)}" cx="{_num(x)}" cy="{_num(y)}" r="3"'
            f' fill="currentColor">{label}</circle>'
        )
    if center_label:
        parts.append(
            f'<text class="center-label" x="{_num(cx)}" y="{_num(cy + 4)}" fill="currentColor"'
            f' text-anchor="middle">{_text(center_label)}</text>'
        )
    parts += _legend(legend, size + 8, 24)
    if note:
        parts.append(
            f'<text class="note" x="{_num(size + 8)}" y="{_num(size - 12)}"'
            f' fill="currentColor">{_text(note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class DiagramNode:
    """A box in a binding diagram: a name on the left or an object on the right.

    ``detail`` becomes the box's tooltip (the full text when the label is cut short).
    """

    label: str
    css_class: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DiagramEdge:
    """An arrow from ``names[source]`` to ``objects[target]``; ``dashed`` draws it broken."""

    source: int
    target: int
    css_class: str = ""
    dashed: bool = False
    detail: str = ""


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def binding_diagram(
    *,
    title: str,
    desc: str,
    names: Sequence[DiagramNode],
    objects: Sequence[DiagramNode],
    edges: Sequence[DiagramEdge],
    legend: Sequence[LegendEntry] = (),
    note: str = "",
    max_label: int = 44,
    chart_id: str | None = None,
) -> str:
    """Names on the left, objects on the right, an arrow from each name to its object.

    The picture of Python's assignment model: two names sharing one object get two arrows
    into one box, and a name still pointing at a replaced object keeps its arrow to the old
    box. Columns size themselves to their longest label; the shorter column is centred.
    """
    if not names and not objects:
        raise ValueError("a binding diagram needs at least one name or object")
    for edge in edges:
        if not (0 <= edge.source < len(names) and 0 <= edge.target < len(objects)):
            raise ValueError("an edge points outside the names or objects")
    row, box, pad, gap, margin = 28.0, 22.0, 8.0, 96.0, 6.0

    def column_width(nodes: Sequence[DiagramNode]) -> float:
        widest = max((text_width(_shorten(n.label, max_label)) for n in nodes), default=0)
        return max(48.0, widest + 2 * pad)

    name_width, object_width = column_width(names), column_width(objects)
    name_x = margin
    object_x = margin + name_width + gap
    width = object_x + object_width + margin
    rows = max(len(names), len(objects), 1)
    body_height = rows * row
    legend_top = margin + body_height + 10
    height = legend_top + len(legend) * 18 + (18 if note else 0) + (4 if legend or note else 0)

    def top_of(index: int, count: int) -> float:
        offset = (rows - count) * row / 2
        return margin + offset + index * row + (row - box) / 2

    chart_id = _chart_id("bindings", title, chart_id)
    parts = [_open("bindings", width, height, title, desc, chart_id)]

    def node(kind: str, item: DiagramNode, x: float, y: float, box_width: float) -> str:
        shown = _shorten(item.label, max_label)
        tooltip = item.detail or (item.label if shown != item.label else "")
        title_tag = f"<title>{_text(tooltip)}</title>" if tooltip else ""
        css = f"{kind} {item.css_class}".strip()
        return (
            f'<g class="{_attr(css)}">{title_tag}'
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(box_width)}" height="{_num(box)}"'
            ' rx="4" fill="none" stroke="currentColor"/>'
            f'<text x="{_num(x + pad)}" y="{_num(y + box / 2 + 4)}" fill="currentColor">'
            f"{_text(shown)}</text></g>"
        )

    parts.append('<g class="edges">')
    for edge in edges:
        x0 = name_x + name_width
        y0 = top_of(edge.source, len(names)) + box / 2
        x1 = object_x - 2
        y1 = top_of(edge.target, len(objects)) + box / 2
        bend = gap / 2
        dash = ' stroke-dasharray="5 4"' if edge.dashed else ""
        css = f"edge {edge.css_class}".strip()
        title_tag = f"<title>{_text(edge.detail)}</title>" if edge.detail else ""
        parts.append(
            f'<g class="{_attr(css)}">{title_tag}'
            f'<path d="M{_num(x0)} {_num(y0)}C{_num(x0 + bend)} {_num(y0)} {_num(x1 - bend)}'
            f' {_num(y1)} {_num(x1 - 7)} {_num(y1)}" fill="none" stroke="currentColor"'
            f' stroke-width="1.5"{dash}/>'
            f'<path d="M{_num(x1)} {_num(y1)}l-8 -4v8z" fill="currentColor"/></g>'
        )
    parts.append("</g>")
    parts.append('<g class="names">')
    for index, item in enumerate(names):
        parts.append(node("name", item, name_x, top_of(index, len(names)), name_width))
    parts.append("</g>")
    parts.append('<g class="objects">')
    for index, item in enumerate(objects):
        parts.append(node("object", item, object_x, top_of(index, len(objects)), object_width))
    parts.append("</g>")
    parts += _legend(legend, margin, legend_top + 6)
    if note:
        note_y = legend_top + len(legend) * 18 + 10
        parts.append(
            f'<text class="note" x="{_num(margin)}" y="{_num(note_y)}" fill="currentColor">'
            f"{_text(note)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------
# Points of the unit cube seen from a chosen direction

_CUBE_EDGES = (
    ((0, 0, 0), (1, 0, 0)), ((0, 0, 0), (0, 1, 0)), ((0, 0, 0), (0, 0, 1)),
    ((1, 0, 0), (1, 1, 0)), ((1, 0, 0), (1, 0, 1)), ((0, 1, 0), (1, 1, 0)),
    ((0, 1, 0), (0, 1, 1)), ((0, 0, 1), (1, 0, 1)), ((0, 0, 1), (0, 1, 1)),
    ((1, 1, 0), (1, 1, 1)), ((1, 0, 1), (1, 1, 1)), ((0, 1, 1), (1, 1, 1)),
)  # fmt: skip


def _unit(vector: Sequence[float], what: str) -> tuple[float, float, float]:
    if len(vector) != 3:
        raise ValueError(f"{what} must have three components")
    _check_finite(vector, what)
    length = math.sqrt(sum(c * c for c in vector))
    if length == 0:
        raise ValueError(f"{what} must not be the zero vector")
    return (vector[0] / length, vector[1] / length, vector[2] / length)


def projection_scatter(
    *,
    title: str,
    desc: str,
    points: Sequence[tuple[float, float, float]],
    horizontal: Sequence[float],
    vertical: Sequence[float],
    axis_names: tuple[str, str, str] = ("x", "y", "z"),
    guides: Sequence[tuple[float, str]] = (),
    point_class: str = "series-0",
    point_size: float = 1.5,
    chart_id: str | None = None,
    width: float = 400,
    height: float = 400,
) -> str:
    """Points of the unit cube [0, 1]³ in orthogonal projection: each point p is drawn at
    (p·h, p·v) for the unit vectors along ``horizontal`` and ``vertical`` (which must be
    perpendicular), both axes at the same scale, so the picture is a true view of the cube.

    The cube's twelve edges are drawn, and its three edges from the origin are labelled with
    ``axis_names`` so the reader sees which way it is turned. ``guides`` are vertical lines at
    given distances along ``horizontal`` (e.g. where parallel planes cross the view edge-on),
    each with a short label under the cube. Points are tiny squares in one path, as in
    :func:`scatter`.
    """
    h, v = _unit(horizontal, "horizontal"), _unit(vertical, "vertical")
    if abs(sum(a * b for a, b in zip(h, v, strict=True))) > 1e-9:
        raise ValueError("horizontal and vertical must be perpendicular")
    _check_finite([c for p in points for c in p], "projected points")
    _check_finite([g for g, _ in guides], "guide positions")

    def project(p: Sequence[float]) -> tuple[float, float]:
        return (
            p[0] * h[0] + p[1] * h[1] + p[2] * h[2],
            p[0] * v[0] + p[1] * v[1] + p[2] * v[2],
        )

    corners = [project((x, y, z)) for x in (0, 1) for y in (0, 1) for z in (0, 1)]
    low_x, high_x = min(c[0] for c in corners), max(c[0] for c in corners)
    low_y, high_y = min(c[1] for c in corners), max(c[1] for c in corners)
    margin, label_room = 24.0, 20.0 if guides else 0.0
    scale = min(
        (width - 2 * margin) / max(high_x - low_x, 1e-9),
        (height - 2 * margin - label_room) / max(high_y - low_y, 1e-9),
    )
    offset_x = (width - (high_x - low_x) * scale) / 2
    offset_y = (height - label_room - (high_y - low_y) * scale) / 2

    def screen(p: Sequence[float]) -> tuple[float, float]:
        x, y = project(p)
        return offset_x + (x - low_x) * scale, offset_y + (high_y - y) * scale

    chart_id = _chart_id("projection", title, chart_id)
    parts = [_open("projection", width, height, title, desc, chart_id)]
    edges = []
    for start, end in _CUBE_EDGES:
        (x0, y0), (x1, y1) = screen(start), screen(end)
        edges.append(f"M{_num(x0)} {_num(y0)}L{_num(x1)} {_num(y1)}")
    parts.append(
        f'<path class="grid" d="{"".join(edges)}" stroke="currentColor" stroke-width="0.8"'
        ' fill="none"/>'
    )
    if guides:
        bottom = height - label_room
        parts.append(
            '<g class="grid" stroke="currentColor" stroke-width="0.5" stroke-dasharray="2 3">'
        )
        for position, _ in guides:
            x = _num(offset_x + (position - low_x) * scale)
            parts.append(f'<path d="M{x} {_num(offset_y)}V{_num(bottom)}"/>')
        parts.append("</g>")
        parts.append('<g class="tick-label" fill="currentColor" text-anchor="middle">')
        for position, label in guides:
            x = _num(offset_x + (position - low_x) * scale)
            parts.append(f'<text x="{x}" y="{_num(height - 6)}">{_text(label)}</text>')
        parts.append("</g>")
    half = point_size / 2
    path = "".join(
        f"M{_num(x - half)} {_num(y)}h{_num(point_size)}" for x, y in (screen(p) for p in points)
    )
    if path:
        parts.append(
            f'<path class="{_attr(point_class)}" d="{path}" stroke="currentColor"'
            f' stroke-width="{_num(point_size)}" fill="none"/>'
        )
    origin = screen((0, 0, 0))
    parts.append('<g class="axis">')
    for i, name in enumerate(axis_names):
        tip = screen(tuple(1.0 if k == i else 0.0 for k in range(3)))
        dx, dy = tip[0] - origin[0], tip[1] - origin[1]
        length = math.hypot(dx, dy)
        parts.append(
            f'<path d="M{_num(origin[0])} {_num(origin[1])}L{_num(tip[0])} {_num(tip[1])}"'
            ' stroke="currentColor" stroke-width="1.5"/>'
        )
        if length > 1:  # an axis seen end-on has no room for its name
            lx, ly = tip[0] + dx / length * 10, tip[1] + dy / length * 10 + 4
            parts.append(
                f'<text class="axis-label" x="{_num(lx)}" y="{_num(ly)}" fill="currentColor"'
                f' text-anchor="middle">{_text(name)}</text>'
            )
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
