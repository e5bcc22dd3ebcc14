"""SVG pictures of the lab's results, in Chinese or English, drawn with ``labs.svg``.

Each function takes an engine result and a language code (``"zh-hans"`` or ``"en"``, like
the generated questions) and returns an SVG string ready to insert into a template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from labs import svg

from .experiments import AlgorithmSummary, SpreadCurve
from .picture import RingPicture
from .stats import LoadStats

ALGORITHM_NAMES = {
    "en": {
        "modulo": "hash % N",
        "ring": "Ring",
        "jump": "Jump",
        "rendezvous": "Rendezvous",
        "bounded": "Bounded",
        "maglev": "Maglev",
    },
    "zh-hans": {
        "modulo": "取模",
        "ring": "哈希环",
        "jump": "跳跃哈希",
        "rendezvous": "最高随机权重",
        "bounded": "有界负载",
        "maglev": "Maglev",
    },
}


def _zh(language: str) -> bool:
    if language not in ("zh-hans", "en"):
        raise ValueError(f"unsupported language {language!r}")
    return language == "zh-hans"


def _count(value: int) -> str:
    return f"{value:,}"


def algorithm_name(algorithm: str, language: str) -> str:
    return ALGORITHM_NAMES["zh-hans" if _zh(language) else "en"][algorithm]


# Above this many points a tick is a pixel wide: a tooltip on it cannot be reached, and the
# tooltips would be a third of the picture's bytes (a 10 x 160 ring is ~300 KB with them).
TICK_LABEL_LIMIT = 400


def ring_svg(
    picture: RingPicture,
    language: str,
    chart_id: str | None = None,
    colours: Mapping[str, int] | None = None,
) -> str:
    """The ring, its sampled keys and the moved ones circled.

    ``colours`` maps node names to colour slots so a node keeps its colour from one picture
    to the next (the live room, where nodes come and go); by default a node's colour is its
    position in ``picture.all_nodes``. Points get a tooltip only on rings of at most
    :data:`TICK_LABEL_LIMIT` points.
    """
    zh = _zh(language)
    slot = {name: i for i, name in enumerate(picture.all_nodes)}
    if colours is not None:
        slot.update((name, colours[name]) for name in picture.all_nodes if name in colours)
    nodes, sample, vnodes = len(picture.nodes_before), len(picture.keys), picture.vnodes
    moved = picture.moved_in_sample
    if zh:
        title = f"哈希环：{nodes} 个节点，每个 {vnodes} 个虚拟节点（{picture.hash_name}）"
        if picture.change == "add":
            title += f"，加入 {picture.changed_node} 之后"
        elif picture.change == "remove":
            title += f"，移除 {picture.changed_node} 之后"
        desc = (
            "每段彩色弧线属于顺时针方向上终止它的那个点所在的节点。"
            f"圆点是均匀抽取的 {sample} 个键，颜色表示它现在所在的节点"
        )
        desc += (
            f"；带圈的圆点换了节点（{sample} 个中有 {moved} 个）。"
            if picture.change != "none"
            else "。"
        )
    else:
        title = f"Hash ring: {nodes} nodes, {vnodes} virtual nodes each ({picture.hash_name})"
        if picture.change == "add":
            title += f", after adding {picture.changed_node}"
        elif picture.change == "remove":
            title += f", after removing {picture.changed_node}"
        desc = (
            "Each coloured arc belongs to the node whose point ends it, going clockwise. "
            f"Dots are {sample} evenly sampled keys, coloured by the node that holds them now"
        )
        desc += (
            f"; circled dots changed node ({moved} of {sample})."
            if picture.change != "none"
            else "."
        )
    tick_labels = len(picture.points) <= TICK_LABEL_LIMIT
    ticks = [
        svg.RingTick(
            angle=p.angle,
            css_class=svg.series_class(slot[p.node]) + (" removed" if p.state == "removed" else ""),
            label=f"{p.node} #{p.vnode} ({p.angle:.1f}°)" if tick_labels else "",
            emphasis=p.state != "kept",
            owns_arc=p.state != "removed",
        )
        for p in picture.points
    ]
    dots = [
        svg.RingDot(
            angle=k.angle,
            css_class=svg.series_class(slot[k.after]),
            label=f"{k.key}: {k.before} → {k.after}" if k.moved else f"{k.key}: {k.after}",
            moved=k.moved,
        )
        for k in picture.keys
    ]
    shown = picture.all_nodes[: svg.SERIES_COUNT]
    legend = [svg.LegendEntry(name, svg.series_class(slot[name])) for name in shown]
    if picture.change != "none":
        legend.append(
            svg.LegendEntry("换了节点的键" if zh else "key that moved", "moved", shape="ring")
        )
    note = ""
    if len(picture.all_nodes) > svg.SERIES_COUNT:
        note = (
            f"颜色每 {svg.SERIES_COUNT} 个节点循环一次"
            if zh
            else f"colours repeat every {svg.SERIES_COUNT} nodes"
        )
    if picture.change == "none":
        center = picture.hash_name
    else:
        center = f"迁移 {moved} / {sample}" if zh else f"{moved} / {sample} moved"
    return svg.ring_chart(
        title=title,
        desc=desc,
        ticks=ticks,
        dots=dots,
        legend=legend,
        center_label=center,
        note=note,
        chart_id=chart_id,
    )


def load_svg(
    stats: LoadStats,
    language: str,
    highlight: str | None = None,
    chart_id: str | None = None,
) -> str:
    """Keys per node as bars, the mean as a dashed line; ``highlight`` marks one node."""
    zh = _zh(language)
    if zh:
        title = f"每个节点的键数（共 {_count(stats.total)} 个键）"
        desc = (
            f"{len(stats.nodes)} 个节点；标准差是平均值的 {stats.stddev_percent:.1f}%，"
            f"最忙的节点 {stats.busiest} 是平均值的 {stats.max_over_mean:.2f} 倍。"
        )
        x_label, y_label, mean_label = "节点", "键数", f"平均 {stats.mean:,.0f}"
    else:
        title = f"Keys per node ({_count(stats.total)} keys)"
        desc = (
            f"{len(stats.nodes)} nodes; the standard deviation is {stats.stddev_percent:.1f}% "
            f"of the mean, and the busiest node, {stats.busiest}, holds "
            f"{stats.max_over_mean:.2f} times the mean."
        )
        x_label, y_label, mean_label = "node", "keys", f"mean {stats.mean:,.0f}"
    marked = {stats.nodes.index(highlight)} if highlight in stats.nodes else set()
    return svg.bar_chart(
        title=title,
        desc=desc,
        labels=stats.nodes,
        values=stats.counts,
        x_label=x_label,
        y_label=y_label,
        reference=stats.mean,
        reference_label=mean_label,
        highlight=marked,
        value_format=lambda v: f"{v:,.0f}",
        chart_id=chart_id,
    )


def spread_svg(curve: SpreadCurve, language: str, chart_id: str | None = None) -> str:
    """Measured spread against vnodes on a log axis, beside the theory curve."""
    zh = _zh(language)
    measured = [(p.vnodes, p.measured_percent) for p in curve.points]
    average = [(p.vnodes, p.average_percent) for p in curve.points]
    theory = [(p.vnodes, p.theory_percent) for p in curve.points]
    formula = "√((n−1)/(n·v+1))"
    if zh:
        title = f"负载差异与虚拟节点数（{curve.nodes} 个节点，{curve.hash_name}）"
        desc = (
            f"横轴是每个节点的虚拟节点数 v（对数刻度），纵轴是各节点键数的标准差占平均值的百分比。"
            f"实测用 {_count(curve.keys)} 个键；理论值为 {formula}。"
        )
        series = [
            svg.Series(f"实测（{_count(curve.keys)} 个键）", measured),
            svg.Series(f"{curve.trials} 个环的均方根", average),
            svg.Series(f"理论 {formula}", theory, dashed=True, markers=False),
        ]
        x_label, y_label = "每个节点的虚拟节点数（对数刻度）", "标准差 / 平均值（%）"
    else:
        title = f"Load spread against virtual nodes ({curve.nodes} nodes, {curve.hash_name})"
        desc = (
            "Virtual nodes per node v on a log axis against the standard deviation of keys "
            f"per node as a percentage of the mean, measured on {_count(curve.keys)} keys, "
            f"beside the theory {formula}."
        )
        series = [
            svg.Series(f"measured ({_count(curve.keys)} keys)", measured),
            svg.Series(f"RMS of {curve.trials} rings", average),
            svg.Series(f"theory {formula}", theory, dashed=True, markers=False),
        ]
        x_label, y_label = "virtual nodes per node (log scale)", "stddev / mean (%)"
    if curve.trials == 1:
        series.pop(1)  # the same ring as "measured": nothing to average
    return svg.line_chart(
        title=title,
        desc=desc,
        series=series,
        x_label=x_label,
        y_label=y_label,
        log_x=True,
        y_min=0,
        y_format=svg.format_percent,
        chart_id=chart_id,
    )


def comparison_svg(
    summaries: Sequence[AlgorithmSummary], language: str, chart_id: str | None = None
) -> str:
    """Percent of keys each algorithm moves when one node joins, against the minimum."""
    zh = _zh(language)
    if not summaries:
        raise ValueError("nothing to compare")
    ideal = summaries[0].ideal_fraction_on_add * 100
    labels = [algorithm_name(s.algorithm, language) for s in summaries]
    values = [s.moved_fraction_on_add * 100 for s in summaries]
    if zh:
        title = "加入一个节点时迁移的键"
        desc = "每种算法在加入一个节点时需要换节点的键所占的百分比；虚线是最少需要迁移的比例。"
        x_label, y_label, reference_label = "算法", "迁移的键（%）", f"最少 {ideal:.1f}%"
    else:
        title = "Keys moved when one node joins"
        desc = (
            "Percent of keys each algorithm moves when one node is added; the dashed line is "
            "the least any scheme must move."
        )
        x_label, y_label = "algorithm", "keys moved (%)"
        reference_label = f"minimum {ideal:.1f}%"
    return svg.bar_chart(
        title=title,
        desc=desc,
        labels=labels,
        values=values,
        x_label=x_label,
        y_label=y_label,
        reference=ideal,
        reference_label=reference_label,
        y_format=svg.format_percent,
        value_format=lambda v: f"{v:.1f}%",
        chart_id=chart_id,
        width=720,
    )
