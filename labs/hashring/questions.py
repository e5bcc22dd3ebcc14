"""Generated quiz questions for consistent hashing, answered by the lab's own engine.

Importing this module registers the generators; the quiz files refer to them by name.
Each generator draws its numbers from the seeded ``rng`` only, so a seed rebuilds exactly
the question a learner saw.
"""

from __future__ import annotations

import random

from quizzes.generated import GeneratedChoice, GeneratedQuestion, register

from .engine import LabParams, add_node, default_node_names
from .hashes import hash32, vnode_label
from .ring import RING_SIZE, HashRing

LANGUAGES = ("zh-hans", "en")
# Keys the explanations measure with: enough for a figure within about half a point.
MEASURED_KEYS = 10_000


def _is_zh(language: str) -> bool:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return language == "zh-hans"


def _measured_percent(algorithm: str, nodes: int, vnodes: int = 160) -> float:
    params = LabParams(algorithm=algorithm, nodes=nodes, keys=MEASURED_KEYS, vnodes=vnodes)
    return add_node(params).moved_fraction * 100


@register("hashring.modulo-moved")
def modulo_moved(rng: random.Random, language: str) -> GeneratedQuestion:
    zh = _is_zh(language)
    n = rng.randint(3, 20)
    answer = 100 * n / (n + 1)
    measured = _measured_percent("modulo", n)
    ring = 100 / (n + 1)
    if zh:
        prompt = (
            f"一个缓存集群用 `hash(key) % N` 决定每个键放在哪个节点上。"
            f"现在节点数从 N = {n} 增加到 {n + 1}，大约有百分之多少的键要换到别的节点？"
            f"（填 0 到 100 之间的数）"
        )
        explanation = (
            f"约 {answer:.1f}%，即 {n}/{n + 1}。"
            f"只有 `h % {n}` 与 `h % {n + 1}` 相等的键才留在原地："
            f"每连续 {n * (n + 1)}（= {n} × {n + 1}）个哈希值里，"
            f"只有除以 {n * (n + 1)} 的余数小于 {n} 的那 {n} 个满足，"
            f"所以只有 1/{n + 1} 的键不动。"
            f"实验室用 {MEASURED_KEYS} 个键实测迁移了 {measured:.1f}%。"
            f"一致性哈希在同样的扩容下平均只迁移 1/{n + 1} ≈ {ring:.1f}%。"
        )
    else:
        prompt = (
            f"A cache cluster puts each key on node `hash(key) % N`. It grows from N = {n} "
            f"to {n + 1} nodes. About what percent of keys move to a different node? "
            "(a number from 0 to 100)"
        )
        explanation = (
            f"About {answer:.1f}%, that is {n}/{n + 1}. A key stays only if "
            f"`h % {n}` equals `h % {n + 1}`, which holds for just {n} of every "
            f"{n * (n + 1)} (= {n} × {n + 1}) consecutive hash values (those whose remainder "
            f"modulo {n * (n + 1)} is below {n}), so only "
            f"1/{n + 1} of keys stay. The lab measured {measured:.1f}% on "
            f"{MEASURED_KEYS:,} keys. Consistent hashing moves only about "
            f"1/{n + 1} ≈ {ring:.1f}% for the same change."
        )
    return GeneratedQuestion(
        kind="numeric", prompt=prompt, explanation=explanation, answer=answer, tolerance=1.0
    )


@register("hashring.ring-moved-fraction")
def ring_moved_fraction(rng: random.Random, language: str) -> GeneratedQuestion:
    zh = _is_zh(language)
    n = rng.randint(3, 20)
    answer = 100 / (n + 1)
    measured = _measured_percent("ring", n)
    if zh:
        prompt = (
            f"一个哈希环上有 {n} 个节点，每个节点有很多虚拟节点（比如 160 个）。"
            f"加入第 {n + 1} 个节点后，平均大约有百分之多少的键会换节点？"
            f"（填 0 到 100 之间的数）"
        )
        explanation = (
            f"平均约 1/{n + 1} ≈ {answer:.2f}%。新节点的虚拟节点平均占去环的 1/{n + 1}，"
            "只有落在这些弧段上的键会移动，而且全部移到新节点，旧节点之间没有键移动。"
            f"这只是平均值，不是“正好 K/N 个键”：实验室用 {MEASURED_KEYS} 个键、"
            f"每个节点 160 个虚拟节点实测为 {measured:.2f}%；虚拟节点越少，偏差越大。"
        )
    else:
        prompt = (
            f"A hash ring has {n} nodes with many virtual nodes each (say 160). "
            f"When node number {n + 1} joins, about what percent of keys move on average? "
            "(a number from 0 to 100)"
        )
        explanation = (
            f"About 1/{n + 1} ≈ {answer:.2f}% on average. The new node's virtual nodes take "
            f"about 1/{n + 1} of the ring; only keys on those arcs move, all of them to the "
            "new node, and none move between the old nodes. It is an average, not "
            f'"exactly K/N keys": the lab measured {measured:.2f}% on {MEASURED_KEYS:,} keys '
            "with 160 virtual nodes per node, and fewer virtual nodes scatter it further."
        )
    return GeneratedQuestion(
        kind="numeric",
        prompt=prompt,
        explanation=explanation,
        answer=answer,
        # Proportional: at 160 vnodes the new node's share varies by about 8% of itself.
        tolerance=round(answer * 0.15, 2),
    )


OWNER_VNODE_CHOICES = (1, 2, 3, 4, 8)


@register("hashring.owner-of-key")
def owner_of_key(rng: random.Random, language: str) -> GeneratedQuestion:
    zh = _is_zh(language)
    n = rng.randint(3, 6)
    vnodes = rng.choice(OWNER_VNODE_CHOICES)
    key = f"key-{rng.randrange(10_000)}"
    nodes = default_node_names(n)
    ring = HashRing(nodes, hash_name="mmh3", vnodes=vnodes)
    key_hash = hash32(key, "mmh3")
    point = ring.point_index(key_hash)
    position = int(ring.points.positions[point])
    owner = nodes[int(ring.points.owners[point])]
    vnode = int(ring.points.vnode_ids[point])
    wrapped = position < key_hash
    modulo_owner = nodes[key_hash % n]
    label = vnode_label(owner, vnode)  # what mmh3 hashed to place this point

    def feedback(node: str) -> str:
        if node == owner:
            return ""
        if node == modulo_owner:
            return (
                f"这是 `hash % {n}` 的答案，不是哈希环的。"
                if zh
                else f"That is the answer of `hash % {n}`, not of the ring."
            )
        return (
            f"顺时针方向第一个点属于 `{owner}`。"
            if zh
            else f"The first point clockwise from the key belongs to `{owner}`."
        )

    choices = tuple(GeneratedChoice(f"`{node}`", node == owner, feedback(node)) for node in nodes)
    angle = key_hash * 360 / RING_SIZE
    if zh:
        prompt = (
            f"哈希环上有 {n} 个节点（`node-0` 到 `node-{n - 1}`），每个节点 {vnodes} 个"
            f"虚拟节点，用无符号 32 位 mmh3 计算位置。键 `{key}` 属于哪个节点？"
            f"（可以在实验室里查。）"
        )
        where = (
            f"它之后没有点了，于是绕回环的起点，第一个点在 {position}"
            if wrapped
            else f"顺时针方向第一个位置不小于它的点在 {position}"
        )
        explanation = (
            f"`mmh3.hash('{key}', signed=False)` = {key_hash}（约 {angle:.1f}°）。"
            f"{where}，是 `{owner}` 的虚拟节点 `{label}`，所以答案是 `{owner}`。"
            f"若用 `hash % {n}`，它会落在 `{modulo_owner}`。"
            "注意 `mmh3.hash` 默认返回有符号整数，必须传 `signed=False`。"
        )
    else:
        prompt = (
            f"A hash ring has {n} nodes (`node-0` to `node-{n - 1}`) with {vnodes} virtual "
            f"node{'s' if vnodes > 1 else ''} each, placed with unsigned 32-bit mmh3. "
            f"Which node owns the key `{key}`? "
            "(You may look it up in the lab.)"
        )
        where = (
            f"No point lies after it, so the search wraps to the start of the ring: the first "
            f"point is at {position}"
            if wrapped
            else f"The first point at or after it, going clockwise, is at {position}"
        )
        explanation = (
            f"`mmh3.hash('{key}', signed=False)` = {key_hash} (about {angle:.1f}°). "
            f"{where}, the virtual node `{label}` of `{owner}`, so `{owner}` owns the key. "
            f"With `hash % {n}` it would land on `{modulo_owner}`. Note that `mmh3.hash` is "
            "signed by default: pass `signed=False`."
        )
    return GeneratedQuestion(kind="single", prompt=prompt, explanation=explanation, choices=choices)
