"""The lab page's pictures of a generator's outputs, in Chinese or English, drawn with ``labs.svg``.

Each function takes outputs (a uint32 array), the generator's output width in bits and a
language code (``"zh-hans"`` or ``"en"``), and returns an SVG string. Point counts are capped
(``MAX_PAIRS``, ``MAX_TRIPLES``, ``BITMAP_CELLS``) so the whole page stays well under 400 KB.
"""

from __future__ import annotations

import math

import numpy as np

from labs import svg

HISTOGRAM_BINS = 32
MAX_PAIRS = 4_000
MAX_TRIPLES = 3_000
LOW_BITS = 8  # the low-bits scatter plots x mod 2**8 against the next output mod 2**8
BITMAP_COLUMNS = 64
BITMAP_CELLS = 64 * 64

# RANDU: x(k+2) = 6·x(k+1) − 9·x(k) (mod 2**31), so 9x − 6y + z is a multiple of 2**31 and,
# scaled to [0, 1), an integer from −5 to 9: 15 parallel planes with normal (9, −6, 1).
RANDU_NORMAL = (9.0, -6.0, 1.0)
# Perpendicular to the normal: with it as the vertical axis, the view looks along the planes.
RANDU_ALONG = (2.0, 3.0, 0.0)
RANDU_PLANES = tuple(range(-5, 10))
# An ordinary oblique view, in which the same points look like a uniform cloud.
OBLIQUE_HORIZONTAL = (1.0, -1.0, 0.0)
OBLIQUE_VERTICAL = (-1.0, -1.0, 2.0)


def _zh(language: str) -> bool:
    if language not in ("zh-hans", "en"):
        raise ValueError(f"unsupported language {language!r}")
    return language == "zh-hans"


def _unit_interval(values: np.ndarray, width: int) -> np.ndarray:
    return np.asarray(values, dtype=np.float64) / float(2**width)


def histogram_svg(values: np.ndarray, width: int, language: str) -> str:
    n = len(values)
    counts = np.bincount(
        (np.asarray(values, dtype=np.uint64) * np.uint64(HISTOGRAM_BINS)) >> np.uint64(width),
        minlength=HISTOGRAM_BINS,
    )[:HISTOGRAM_BINS]
    expected = n / HISTOGRAM_BINS
    if _zh(language):
        title = f"{n:,} 个输出的直方图（{HISTOGRAM_BINS} 个区间）"
        desc = (
            f"横轴是缩放到 [0, 1) 的输出值，纵轴是落入每个区间的个数；虚线是期望值 {expected:.1f}。"
        )
        labels = ("输出 / 2^位数", "个数", f"期望 {expected:.1f}")
    else:
        title = f"Histogram of {n:,} outputs ({HISTOGRAM_BINS} bins)"
        desc = (
            "Outputs scaled to [0, 1) on the horizontal axis, how many fall in each bin on the "
            f"vertical axis; the dashed line is the expected count, {expected:.1f}."
        )
        labels = ("output / 2^bits", "count", f"expected {expected:.1f}")
    return svg.histogram(
        title=title,
        desc=desc,
        counts=[int(c) for c in counts],
        low=0,
        high=1,
        x_label=labels[0],
        y_label=labels[1],
        expected=expected,
        expected_label=labels[2],
        chart_id="rng-histogram",
    )


def pairs_svg(values: np.ndarray, width: int, language: str) -> str:
    u = _unit_interval(values[: MAX_PAIRS + 1], width)
    points = list(zip(u[:-1].tolist(), u[1:].tolist(), strict=True))
    if _zh(language):
        title = f"相邻输出对 (xᵢ, xᵢ₊₁)：{len(points):,} 个点"
        desc = "每个点的横坐标是一个输出，纵坐标是下一个输出，都缩放到 [0, 1)。好的生成器铺满整个方块。"
        labels = ("xᵢ / 2^位数", "xᵢ₊₁ / 2^位数")
    else:
        title = f"Consecutive pairs (xᵢ, xᵢ₊₁): {len(points):,} points"
        desc = (
            "Each point is one output (horizontal) against the next (vertical), both scaled to "
            "[0, 1). A good generator fills the square evenly."
        )
        labels = ("xᵢ / 2^bits", "xᵢ₊₁ / 2^bits")
    return svg.scatter(
        title=title,
        desc=desc,
        points=points,
        x_label=labels[0],
        y_label=labels[1],
        x_range=(0, 1),
        y_range=(0, 1),
        point_size=2,
        chart_id="rng-pairs",
    )


def low_bits_pairs_svg(values: np.ndarray, language: str) -> str:
    low = (np.asarray(values[: MAX_PAIRS + 1], dtype=np.uint64) % np.uint64(2**LOW_BITS)).astype(
        np.int64
    )
    points = list(zip(low[:-1].tolist(), low[1:].tolist(), strict=True))
    distinct = len(set(points))
    top = 2**LOW_BITS
    if _zh(language):
        title = f"低 {LOW_BITS} 位的相邻输出对：{len(points):,} 个点，{distinct:,} 个不同的点"
        desc = (
            f"横坐标是 xᵢ mod {top}，纵坐标是 xᵢ₊₁ mod {top}。模为 2 的幂的 LCG 的低 {LOW_BITS} 位"
            f"本身就是一个模 {top} 的 LCG，周期至多 {top}：点落在少数几条平行线上。"
        )
        labels = (f"xᵢ mod {top}", f"xᵢ₊₁ mod {top}")
    else:
        title = f"Pairs of the low {LOW_BITS} bits: {len(points):,} points, {distinct:,} distinct"
        desc = (
            f"xᵢ mod {top} against xᵢ₊₁ mod {top}. The low {LOW_BITS} bits of an LCG modulo a "
            f"power of two are themselves an LCG modulo {top}, with a period of at most {top}: "
            "the points fall on a few parallel lines."
        )
        labels = (f"xᵢ mod {top}", f"xᵢ₊₁ mod {top}")
    return svg.scatter(
        title=title,
        desc=desc,
        points=points,
        x_label=labels[0],
        y_label=labels[1],
        x_range=(0, top),
        y_range=(0, top),
        point_size=2.5,
        chart_id="rng-low-pairs",
    )


def _triples(values: np.ndarray, width: int) -> list[tuple[float, float, float]]:
    u = _unit_interval(values[: MAX_TRIPLES + 2], width)
    return list(zip(u[:-2].tolist(), u[1:-1].tolist(), u[2:].tolist(), strict=True))


def randu_relation_share(values: np.ndarray, width: int) -> tuple[int, int]:
    """(triples with 9x − 6y + z ≡ 0 mod 2**width, triples looked at), over the plotted ones."""
    x = np.asarray(values[: MAX_TRIPLES + 2], dtype=np.int64)
    if x.size < 3:
        return 0, 0
    relation = (9 * x[:-2] - 6 * x[1:-1] + x[2:]) % (2**width)
    return int(np.count_nonzero(relation == 0)), int(relation.size)


def triples_oblique_svg(values: np.ndarray, width: int, language: str) -> str:
    points = _triples(values, width)
    if _zh(language):
        title = f"相邻三元组 (xᵢ, xᵢ₊₁, xᵢ₊₂)：{len(points):,} 个点，斜着看"
        desc = "单位立方体里的三元组，从一个普通的斜角度投影：看起来像均匀的一团。"
    else:
        title = f"Consecutive triples (xᵢ, xᵢ₊₁, xᵢ₊₂): {len(points):,} points, oblique view"
        desc = (
            "Triples in the unit cube, projected from an ordinary oblique angle: they look like "
            "a uniform cloud."
        )
    return svg.projection_scatter(
        title=title,
        desc=desc,
        points=points,
        horizontal=OBLIQUE_HORIZONTAL,
        vertical=OBLIQUE_VERTICAL,
        chart_id="rng-triples-oblique",
    )


def triples_planes_svg(values: np.ndarray, width: int, language: str) -> str:
    points = _triples(values, width)
    norm = math.sqrt(sum(c * c for c in RANDU_NORMAL))
    guides = [(k / norm, str(k).replace("-", "−")) for k in RANDU_PLANES]
    if _zh(language):
        title = f"同样的三元组，沿 RANDU 的平面看过去：{len(points):,} 个点"
        desc = (
            "水平方向是法向量 (9, −6, 1)，竖直方向是与它垂直的 (2, 3, 0)，视线平行于平面 "
            "9x − 6y + z = k。RANDU 的每个三元组都落在 k = −5 到 9 的 15 个平面上，"
            "所以这里是 15 条竖线；虚线标出这些 k。"
        )
    else:
        title = f"The same triples, seen along RANDU's planes: {len(points):,} points"
        desc = (
            "Horizontal is the normal (9, −6, 1), vertical is (2, 3, 0), perpendicular to it, so "
            "the view runs parallel to the planes 9x − 6y + z = k. Every RANDU triple lies on "
            "one of the 15 planes k = −5 … 9, which show up as 15 vertical lines; dashed guides "
            "mark each k."
        )
    return svg.projection_scatter(
        title=title,
        desc=desc,
        points=points,
        horizontal=RANDU_NORMAL,
        vertical=RANDU_ALONG,
        guides=guides,
        chart_id="rng-triples-planes",
    )


def bit_rows(values: np.ndarray, bit: int) -> list[list[int]]:
    """Bit ``bit`` of the first outputs, in rows of ``BITMAP_COLUMNS`` (only whole rows, unless
    there are fewer outputs than one row)."""
    column = ((np.asarray(values[:BITMAP_CELLS], dtype=np.uint64) >> np.uint64(bit)) & 1).astype(
        np.uint8
    )
    if column.size < BITMAP_COLUMNS:
        return [column.tolist()]
    rows = column.size // BITMAP_COLUMNS
    return column[: rows * BITMAP_COLUMNS].reshape(rows, BITMAP_COLUMNS).tolist()


def bit_period(values: np.ndarray, bit: int) -> int | None:
    """The smallest power-of-two period of bit ``bit`` over the first ``BITMAP_CELLS`` outputs,
    when the sample holds at least two periods; None when there is none (a good generator).

    Powers of two suffice for what the page points at: bit k of an LCG modulo 2**m repeats
    every 2**(k+1) outputs when c is odd, and more often when c = 0 (RANDU's bit 0 is always 1).
    """
    column = (np.asarray(values[:BITMAP_CELLS], dtype=np.uint64) >> np.uint64(bit)) & np.uint64(1)
    period = 1
    while 2 * period <= column.size:
        if np.array_equal(column[period:], column[:-period]):
            return period
        period *= 2
    return None


def bits_svg(values: np.ndarray, bit: int, language: str) -> str:
    rows = bit_rows(values, bit)
    count = len(rows) * len(rows[0])
    if _zh(language):
        title = f"前 {count:,} 个输出的第 {bit} 位（每行 {len(rows[0])} 个）"
        desc = (
            "每个格子是一个输出的一位，1 为实心、0 为空白，从左到右、从上到下排列。"
            "模为 2 的幂的 LCG 的第 k 位周期是 2^(k+1)，会画出条纹；好的生成器是噪点。"
        )
    else:
        title = f"Bit {bit} of the first {count:,} outputs ({len(rows[0])} per row)"
        desc = (
            "One cell per output: filled for 1, empty for 0, left to right and top to bottom. "
            "Bit k of an LCG modulo a power of two has period 2^(k+1) and draws stripes; a good "
            "generator draws noise."
        )
    return svg.bitmap(title=title, desc=desc, rows=rows, cell=4, chart_id="rng-bits")
