"""Attacks on non-cryptographic generators, with the steps a lab page shows.

Each attack takes observed outputs, returns an :class:`AttackResult` with the recovered secret,
the predicted next outputs and a list of :class:`Step` (plain text in "zh-hans" or "en"), and
never raises for data that merely fails to fit: "these outputs are not from an LCG" is a result
(``success=False`` with a message). Malformed input (wrong types, values out of range, too many
outputs) raises ValueError.

* :func:`recover_lcg_known_modulus`: a and c from three consecutive outputs, modulo a known m.
* :func:`recover_lcg_unknown_modulus`: m from the gcd of t(i+2)·t(i) − t(i+1)², then a and c.
* :func:`clone_mt19937`: untemper 624 outputs into the whole state.
* :func:`crack_time_seeded_token`: brute-force a ``random.seed(int(time.time()))`` token.
* :func:`recover_truncated_lcg`: the hidden low bits of a truncated LCG (``java.util.Random``).
* :func:`attack_generator` runs a stream attack against any generator and counts how many
  predictions came true; against the OS CSPRNG it predicts nothing
  (:func:`demonstrate_csprng_resists`).
* :func:`lcg_game` / :func:`check_lcg_guess`: the "predict the next number" game.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from labs.rng import limits
from labs.rng.generators import (
    MT19937,
    MT_N,
    Generator,
    Lcg,
    LcgParams,
    make_generator,
    mt_untemper_array,
)

# --------------------------------------------------------------------------------------------
# Results and their bilingual steps


@dataclass(frozen=True)
class Step:
    key: str  # stable identifier, e.g. "lcg.differences"
    text: str  # plain text in the requested language


@dataclass(frozen=True)
class AttackResult:
    attack: str
    success: bool
    message: str
    secret: Mapping[str, object] = field(default_factory=dict)
    predicted: tuple[int, ...] = ()
    steps: tuple[Step, ...] = ()


# (English, Simplified Chinese) for each step or message; values are filled with str.format.
_TEXT: dict[str, tuple[str, str]] = {
    "lcg.differences": (
        "Subtract consecutive outputs and the unknown c cancels: d0 = x1 − x0 ≡ {d0} and "
        "d1 = x2 − x1 ≡ {d1} (mod {m}). Because x(i+2) − x(i+1) = a·(x(i+1) − x(i)), the "
        "multiplier satisfies a·d0 ≡ d1 (mod {m}).",
        "相邻两个输出相减，未知的 c 就消掉了：d0 = x1 − x0 ≡ {d0}，d1 = x2 − x1 ≡ {d1}"
        "（mod {m}）。因为 x(i+2) − x(i+1) = a·(x(i+1) − x(i))，乘数满足 a·d0 ≡ d1（mod {m}）。",
    ),
    "lcg.invert": (
        "gcd(d0, m) = 1, so d0 has an inverse modulo m: a = d1 · d0⁻¹ mod m = {a}.",
        "gcd(d0, m) = 1，所以 d0 在模 m 下可逆：a = d1 · d0⁻¹ mod m = {a}。",
    ),
    "lcg.narrowed": (
        "gcd(d0, m) = {g}, so the first equation alone leaves {g} candidates for a; the later "
        "differences a·d(i) ≡ d(i+1) pin it down: a = {a}.",
        "gcd(d0, m) = {g}，只用第一个方程时 a 有 {g} 个候选；后面的差值方程 a·d(i) ≡ d(i+1) "
        "把它确定下来：a = {a}。",
    ),
    "lcg.partial": (
        "gcd(d0, m) = {g}, so a is not unique: all the equations a·d(i) ≡ d(i+1) together give "
        "a ≡ {r} (mod {modulus}), {count} candidates modulo m. They all predict the same "
        "outputs: they differ by multiples of {modulus}, and {modulus}·d(i) ≡ 0 (mod m) for "
        "every difference, so the matching c absorbs the change.",
        "gcd(d0, m) = {g}，a 不唯一：所有方程 a·d(i) ≡ d(i+1) 合起来只能给出 "
        "a ≡ {r}（mod {modulus}），模 m 下共有 {count} 个候选。但它们预测的输出完全相同："
        "候选之间相差 {modulus} 的倍数，而每个差值都满足 {modulus}·d(i) ≡ 0（mod m），"
        "对应的 c 正好抵消了这个差别。",
    ),
    "lcg.increment": (
        "Then c = x1 − a·x0 mod m = {c}.",
        "于是 c = x1 − a·x0 mod m = {c}。",
    ),
    "lcg.verified": (
        "Check: a = {a} and c = {c} reproduce all {n} given outputs.",
        "验证：a = {a}、c = {c} 能重现给出的全部 {n} 个输出。",
    ),
    "lcg.predict": (
        "Predict with x(n+1) = a·x(n) + c mod m, again and again: {values}.",
        "反复计算 x(n+1) = a·x(n) + c mod m，得到预测：{values}。",
    ),
    "lcg.inconsistent": (
        "Output {k} contradicts the earlier ones: no multiplier a satisfies every equation "
        "a·d(i) ≡ d(i+1) (mod {m}). These are not consecutive outputs of one LCG modulo {m}.",
        "第 {k} 个输出与前面的矛盾：没有任何乘数 a 能同时满足所有方程 a·d(i) ≡ d(i+1)"
        "（mod {m}）。这些数不是同一个模 {m} 的 LCG 的连续输出。",
    ),
    "lcg.ok": (
        "Recovered a = {a} and c = {c} modulo {m}; every later output follows.",
        "恢复出 a = {a}、c = {c}（mod {m}），之后的每个输出都能算出来。",
    ),
    "lcg.ok_partial": (
        "a is only known modulo {modulus}, but every candidate predicts the same next outputs.",
        "a 只确定到模 {modulus}，但所有候选预测的后续输出都相同。",
    ),
    "lcg.msg_inconsistent": (
        "These outputs are not consecutive outputs of an LCG modulo {m}.",
        "这些数不是模 {m} 的 LCG 的连续输出。",
    ),
    "gcd.differences": (
        "Differences over the integers, t(i) = x(i+1) − x(i): {values}.",
        "在整数上计算差值 t(i) = x(i+1) − x(i)：{values}。",
    ),
    "gcd.products": (
        "Since t(i+1) ≡ a·t(i) (mod m), each u(i) = t(i+2)·t(i) − t(i+1)² ≡ a²t(i)² − a²t(i)² "
        "≡ 0 (mod m): all {count} of them are multiples of m.",
        "因为 t(i+1) ≡ a·t(i)（mod m），每个 u(i) = t(i+2)·t(i) − t(i+1)² ≡ a²t(i)² − a²t(i)² "
        "≡ 0（mod m）：这 {count} 个数都是 m 的倍数。",
    ),
    "gcd.gcd": (
        "Their greatest common divisor is G = {G}. m divides G; with several u(i) any extra "
        "common factor is small.",
        "它们的最大公约数 G = {G}。m 整除 G；u(i) 有好几个时，多出来的公因子通常很小。",
    ),
    "gcd.modulus": (
        "m must exceed the largest output ({largest}); the smallest divisor G/k above it that "
        "fits every output is m = {m}.",
        "m 必须大于最大的输出（{largest}）；在大于它的约数 G/k 中，与全部输出都相容的最小者是 "
        "m = {m}。",
    ),
    "gcd.zero": (
        "Every u(i) is 0, so the gcd says nothing about m (the differences are constant or "
        "a geometric progression over the integers). Give more varied outputs.",
        "所有 u(i) 都是 0，最大公约数推不出 m（差值在整数上是常数或等比数列）。请给出更多不同的输出。",
    ),
    "gcd.no_modulus": (
        "No divisor of G = {G} above the largest output ({largest}) fits all outputs: they are "
        "not from one LCG with m ≤ 2³², or there are too few of them.",
        "G = {G} 没有大于最大输出（{largest}）且与全部输出相容的约数：这些数不是来自同一个 "
        "m ≤ 2³² 的 LCG，或者给得太少。",
    ),
    "gcd.msg_failed": (
        "Could not determine the modulus from these outputs.",
        "无法从这些输出确定模数。",
    ),
    "mt.untemper": (
        "Undo the tempering of each of the first 624 outputs. The tempering (y ^= y >> 11; "
        "y ^= (y << 7) & 0x9D2C5680; y ^= (y << 15) & 0xEFC60000; y ^= y >> 18) is a "
        "bijection: apply the inverse steps in reverse order.",
        "把前 624 个输出逐个反回火（untemper）。回火（y ^= y >> 11；y ^= (y << 7) & 0x9D2C5680；"
        "y ^= (y << 15) & 0xEFC60000；y ^= y >> 18）是双射：按相反顺序做每一步的逆运算即可。",
    ),
    "mt.state": (
        "The 624 untempered words are the generator's whole internal state (it starts "
        "{words}, …). random.setstate((3, state + (624,), None)) turns it into a random.Random "
        "that continues the stream.",
        "这 624 个字就是生成器的全部内部状态（开头是 {words}，……）。"
        "random.setstate((3, state + (624,), None)) 可以把它装进一个继续同一输出流的 random.Random。",
    ),
    "mt.verified": (
        "Check: the clone reproduces the {n} outputs given after the first 624.",
        "验证：克隆出的生成器重现了前 624 个之后给出的 {n} 个输出。",
    ),
    "mt.mismatch": (
        "Output {k} differs from the clone's: these are not consecutive 32-bit outputs of MT19937.",
        "第 {k} 个输出与克隆的结果不同：这些数不是 MT19937 连续的 32 位输出。",
    ),
    "mt.predict": (
        "Twist the state as MT19937 does and temper: the next outputs are {values}.",
        "像 MT19937 一样对状态做 twist 再回火，得到接下来的输出：{values}。",
    ),
    "mt.ok": (
        "Cloned the 624-word state: every later output is known.",
        "已克隆 624 个字的状态：之后的每个输出都能算出来。",
    ),
    "mt.msg_mismatch": (
        "These outputs are not consecutive 32-bit outputs of MT19937.",
        "这些数不是 MT19937 连续的 32 位输出。",
    ),
    "time.recipe": (
        "The token recipe: random.seed(t) with t = int(time.time()), then the 32 hex digits of "
        "random.getrandbits(128) (16 bytes).",
        "令牌的生成方式：random.seed(t)，其中 t = int(time.time())，再取 random.getrandbits(128) "
        "的 32 位十六进制数字（16 字节）。",
    ),
    "time.window": (
        "The token was made between {start} and {end} UTC: {count} candidate seeds.",
        "令牌生成于 UTC {start} 到 {end} 之间：共 {count} 个候选种子。",
    ),
    "time.search": (
        "For each candidate seed, regenerate the first 32-bit word (the token's last 8 hex "
        "digits) and compare; only a match is checked in full.",
        "对每个候选种子重新生成第一个 32 位字（令牌最后 8 个十六进制数字）并比较；只有匹配时才比对整个令牌。",
    ),
    "time.found": (
        "Seed {seed} ({when} UTC) reproduces the whole token, found after {tried} tries.",
        "种子 {seed}（UTC {when}）重现了整个令牌，共尝试 {tried} 次。",
    ),
    "time.predict": (
        "The same seeded generator's next tokens: {values}.",
        "同一个种子之后生成的令牌：{values}。",
    ),
    "time.not_found": (
        "No seed in the window reproduces the token: it was not made by this recipe inside "
        "the window. A token from secrets.token_hex(16) cannot be found this way.",
        "窗口内没有任何种子能重现这个令牌：它不是在这个时间窗口内用这种方式生成的。"
        "secrets.token_hex(16) 生成的令牌无法这样找到。",
    ),
    "time.ok": (
        "Found the seed {seed}: this token and every later one are known.",
        "找到种子 {seed}：这个令牌和之后的令牌都能算出来。",
    ),
    "trunc.start": (
        "Each output is the top {out_bits} bits of the {state_bits}-bit state; the low "
        "{hidden} bits are hidden, so the first output leaves {count} candidate states.",
        "每个输出是 {state_bits} 位状态的高 {out_bits} 位；低 {hidden} 位被隐藏，所以第一个输出对应 "
        "{count} 个候选状态。",
    ),
    "trunc.filter": (
        "Step every candidate with a and c and keep those whose top bits equal output {k}: "
        "{left} left.",
        "用 a 和 c 把每个候选推进一步，只保留高位等于第 {k} 个输出的：剩 {left} 个。",
    ),
    "trunc.found": (
        "Exactly one state fits every output; after the last one the state is {state}.",
        "只有一个状态与所有输出相符；最后一个输出之后，状态是 {state}。",
    ),
    "trunc.predict": (
        "Step it on and keep the top bits: the next outputs are {values}.",
        "继续推进并取高位，得到接下来的输出：{values}。",
    ),
    "trunc.ambiguous": (
        "{left} states still fit every output: give more outputs.",
        "仍有 {left} 个状态与所有输出相符：请给出更多输出。",
    ),
    "trunc.none": (
        "No candidate state fits: these outputs are not from this truncated LCG.",
        "没有候选状态相符：这些输出不是来自这个截断的 LCG。",
    ),
    "trunc.ok": (
        "Recovered the full {state_bits}-bit state: every later output is known.",
        "恢复出完整的 {state_bits} 位状态：之后的每个输出都能算出来。",
    ),
}


class _Narrator:
    """Collects the steps of one attack in one language."""

    def __init__(self, language: str) -> None:
        self.index = 1 if limits.check_language(language) == "zh-hans" else 0
        self.steps: list[Step] = []

    def text(self, key: str, **values: object) -> str:
        return _TEXT[key][self.index].format(**values)

    def say(self, key: str, **values: object) -> None:
        self.steps.append(Step(key, self.text(key, **values)))

    def listing(self, values: Sequence[object], shown: int = 8) -> str:
        separator, more = ("、", "……") if self.index else (", ", ", …")
        head = separator.join(str(v) for v in values[:shown])
        return head + (more if len(values) > shown else "")


def _check_outputs(outputs: object, low: int, high: int, upper: int) -> list[int]:
    """A list of between ``low`` and ``high`` integers, each in [0, upper)."""
    if isinstance(outputs, str | bytes) or not isinstance(outputs, Sequence | np.ndarray):
        raise ValueError("outputs must be a sequence of integers")
    if not low <= len(outputs) <= high:
        raise ValueError(f"need between {low} and {high} outputs, got {len(outputs)}")
    return [limits.check_int(f"output {i}", x, 0, upper - 1) for i, x in enumerate(outputs)]


def _check_predict(predict: object) -> int:
    return limits.check_int("predict", predict, 0, limits.MAX_PREDICTIONS)


# --------------------------------------------------------------------------------------------
# 1. LCG with a known modulus


@dataclass(frozen=True)
class MultiplierSolution:
    """Every multiplier consistent with the outputs: a ≡ residue (mod modulus), modulus | m."""

    residue: int
    modulus: int
    first_gcd: int  # gcd(d0, m), for the explanation


def solve_multiplier(outputs: Sequence[int], m: int) -> MultiplierSolution | int:
    """Solve a·d(i) ≡ d(i+1) (mod m) for all i at once, or return the position (counting
    from 1) of the first output that makes the system impossible.

    The solutions always form one residue class a ≡ r (mod M) with M | m: substituting
    a = r + M·t into the next equation gives (M·d)·t ≡ e − r·d (mod m), which is solvable iff
    g = gcd(M·d, m) divides the right side, and then fixes t modulo m/g.
    """
    residue, modulus = 0, 1
    first_gcd = math.gcd(outputs[1] - outputs[0], m)
    for i in range(len(outputs) - 2):
        d = (outputs[i + 1] - outputs[i]) % m
        e = (outputs[i + 2] - outputs[i + 1]) % m
        coefficient, rhs = modulus * d % m, (e - residue * d) % m
        g = math.gcd(coefficient, m)
        if rhs % g:
            return i + 3
        step = m // g
        t = (rhs // g) * pow(coefficient // g, -1, step) % step if step > 1 else 0
        residue, modulus = (residue + modulus * t) % (modulus * step), modulus * step
    return MultiplierSolution(residue, modulus, first_gcd)


def predict_lcg(
    outputs: Sequence[int], m: int, solution: MultiplierSolution, count: int
) -> list[int]:
    """The next ``count`` outputs, which every candidate multiplier predicts alike.

    With a = r + M·s and c = x1 − a·x0, the next value is x1 + a·(y − x0), the same for all s
    when M·(y − x0) ≡ 0 (mod m). It always is: equation i forces M to be a multiple of
    m/gcd(d(i), m), and gcd(d(i), m) divides d(i+1) ≡ a·d(i), so M·d ≡ 0 (mod m) for every
    difference d so far and every later one. Three consistent outputs fix the whole future
    even when they do not fix a and c.
    """
    a = solution.residue
    c = (outputs[1] - a * outputs[0]) % m
    predicted, y = [], outputs[-1]
    for _ in range(count):
        y = (a * y + c) % m
        predicted.append(y)
    return predicted


def _lcg_from_solution(
    outputs: list[int],
    m: int,
    solution: MultiplierSolution,
    predict: int,
    narrator: _Narrator,
    attack: str,
    secret_extra: Mapping[str, object],
) -> AttackResult:
    a = solution.residue
    c = (outputs[1] - a * outputs[0]) % m
    candidates = m // solution.modulus
    if candidates == 1:
        if solution.first_gcd == 1:
            narrator.say("lcg.invert", a=a)
        else:
            narrator.say("lcg.narrowed", g=solution.first_gcd, a=a)
    else:
        narrator.say(
            "lcg.partial", g=solution.first_gcd, r=a, modulus=solution.modulus, count=candidates
        )
    narrator.say("lcg.increment", c=c)
    if len(outputs) > 3:
        narrator.say("lcg.verified", a=a, c=c, n=len(outputs))
    predicted = predict_lcg(outputs, m, solution, predict)
    if predicted:
        narrator.say("lcg.predict", values=narrator.listing(predicted))
    secret = {**secret_extra, "a": a, "c": c, "m": m, "a_modulus": solution.modulus}
    message = narrator.text("lcg.ok", a=a, c=c, m=m)
    if candidates > 1:
        message += " " + narrator.text("lcg.ok_partial", modulus=solution.modulus)
    return AttackResult(attack, True, message, secret, tuple(predicted), tuple(narrator.steps))


def recover_lcg_known_modulus(
    outputs: Sequence[int], m: int = 2**32, *, predict: int = 5, language: str = "en"
) -> AttackResult:
    """Recover a and c of x' = (a·x + c) mod m from at least three consecutive outputs."""
    m = limits.check_int("m", m, limits.LCG_MIN_MODULUS, limits.LCG_MAX_MODULUS)
    xs = _check_outputs(outputs, limits.MIN_LCG_ATTACK_OUTPUTS, limits.MAX_ATTACK_OUTPUTS, m)
    predict = _check_predict(predict)
    narrator = _Narrator(language)
    narrator.say("lcg.differences", d0=(xs[1] - xs[0]) % m, d1=(xs[2] - xs[1]) % m, m=m)
    solution = solve_multiplier(xs, m)
    if isinstance(solution, int):
        narrator.say("lcg.inconsistent", k=solution, m=m)
        message = narrator.text("lcg.msg_inconsistent", m=m)
        return AttackResult("lcg-known-modulus", False, message, steps=tuple(narrator.steps))
    return _lcg_from_solution(xs, m, solution, predict, narrator, "lcg-known-modulus", {})


# --------------------------------------------------------------------------------------------
# 2. LCG with an unknown modulus

# How many cofactors k of G = k·m to try. With 10 outputs (7 products) G/m exceeded 2**12 in
# 15 of 20,000 random LCGs and 2**16 in none.
_MAX_COFACTOR = 65_536


def recover_lcg_unknown_modulus(
    outputs: Sequence[int], *, predict: int = 5, language: str = "en"
) -> AttackResult:
    """Recover m, a and c from consecutive outputs (about 10; at least 6) of an LCG, m ≤ 2**32."""
    xs = _check_outputs(
        outputs, limits.MIN_GCD_ATTACK_OUTPUTS, limits.MAX_ATTACK_OUTPUTS, limits.LCG_MAX_MODULUS
    )
    predict = _check_predict(predict)
    narrator = _Narrator(language)
    attack = "lcg-unknown-modulus"
    t = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    narrator.say("gcd.differences", values=narrator.listing(t, 5))
    u = [t[i + 2] * t[i] - t[i + 1] ** 2 for i in range(len(t) - 2)]
    narrator.say("gcd.products", count=len(u))
    big_g = 0
    for value in u:
        big_g = math.gcd(big_g, value)
    if big_g == 0:
        narrator.say("gcd.zero")
        return AttackResult(
            attack, False, narrator.text("gcd.msg_failed"), steps=tuple(narrator.steps)
        )
    narrator.say("gcd.gcd", G=big_g)
    largest = max(xs)
    found: tuple[int, MultiplierSolution] | None = None
    for k in range(1, min(_MAX_COFACTOR, big_g // (largest + 1)) + 1):
        m = big_g // k
        if big_g % k or m > limits.LCG_MAX_MODULUS:
            continue
        solution = solve_multiplier(xs, m)
        if not isinstance(solution, int):
            found = (m, solution)  # keep going: the smallest consistent divisor wins
    if found is None:
        narrator.say("gcd.no_modulus", G=big_g, largest=largest)
        return AttackResult(
            attack, False, narrator.text("gcd.msg_failed"), steps=tuple(narrator.steps)
        )
    m, solution = found
    narrator.say("gcd.modulus", largest=largest, m=m)
    narrator.say("lcg.differences", d0=(xs[1] - xs[0]) % m, d1=(xs[2] - xs[1]) % m, m=m)
    return _lcg_from_solution(xs, m, solution, predict, narrator, attack, {"gcd": big_g})


# --------------------------------------------------------------------------------------------
# 3. MT19937 from 624 outputs


def mt19937_from_outputs(outputs: Sequence[int]) -> MT19937:
    """A generator whose next output follows the 624 given consecutive 32-bit outputs."""
    words = mt_untemper_array(np.asarray(outputs[:MT_N], dtype=np.uint64).astype(np.uint32))
    return MT19937.from_state([int(w) for w in words], MT_N)


def clone_mt19937(
    outputs: Sequence[int], *, predict: int = 5, language: str = "en"
) -> AttackResult:
    """Clone MT19937 (e.g. Python's ``random.getrandbits(32)``) from 624 consecutive outputs;
    outputs beyond the first 624 are used as a check."""
    xs = _check_outputs(outputs, MT_N, limits.MAX_MT_ATTACK_OUTPUTS, 2**32)
    predict = _check_predict(predict)
    narrator = _Narrator(language)
    narrator.say("mt.untemper")
    clone = mt19937_from_outputs(xs)
    state = clone.getstate()[:MT_N]
    narrator.say("mt.state", words=narrator.listing([f"0x{w:08x}" for w in state[:3]]))
    secret = {"state": state, "index": MT_N}
    extra = xs[MT_N:]
    if extra:
        replay = [int(v) for v in clone.take(len(extra))]
        mismatch = next(
            (i for i, (p, x) in enumerate(zip(replay, extra, strict=True)) if p != x), None
        )
        if mismatch is not None:
            narrator.say("mt.mismatch", k=MT_N + mismatch)
            message = narrator.text("mt.msg_mismatch")
            return AttackResult("mt19937-clone", False, message, secret, (), tuple(narrator.steps))
        narrator.say("mt.verified", n=len(extra))
    predicted = tuple(int(v) for v in clone.take(predict))
    if predicted:
        narrator.say("mt.predict", values=narrator.listing(predicted))
    return AttackResult(
        "mt19937-clone", True, narrator.text("mt.ok"), secret, predicted, tuple(narrator.steps)
    )


# --------------------------------------------------------------------------------------------
# 4. A token from random.seed(int(time.time()))


def make_time_seeded_tokens(seed: int, count: int) -> tuple[str, ...]:
    """The weak recipe: ``random.seed(seed)`` (seed = int(time.time())), then each token is
    ``f"{random.getrandbits(128):032x}"``: 16 bytes as 32 lowercase hex digits."""
    seed = limits.check_int("seed", seed, 0, limits.TIME_SEED_MAX)
    count = limits.check_int("count", count, 1, limits.MAX_PREDICTIONS + 1)
    rng = random.Random(seed)
    return tuple(f"{rng.getrandbits(128):032x}" for _ in range(count))


def make_time_seeded_token(seed: int) -> str:
    """The first token of :func:`make_time_seeded_tokens`."""
    return make_time_seeded_tokens(seed, 1)[0]


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def crack_time_seeded_token(
    token: str,
    window_start: int,
    window_end: int,
    *,
    predict: int = 3,
    language: str = "en",
) -> AttackResult:
    """Find the seed in [window_start, window_end] (Unix seconds, at most
    ``limits.MAX_TIME_WINDOW`` seeds) that produced ``token`` with the recipe above."""
    if not isinstance(token, str) or len(token) != 32:
        raise ValueError("token must be 32 hexadecimal digits")
    try:
        target = int(token, 16)
    except ValueError:
        raise ValueError("token must be 32 hexadecimal digits") from None
    start = limits.check_int("window_start", window_start, 0, limits.TIME_SEED_MAX)
    end = limits.check_int("window_end", window_end, start, limits.TIME_SEED_MAX)
    if end - start + 1 > limits.MAX_TIME_WINDOW:
        raise ValueError(f"the window may hold at most {limits.MAX_TIME_WINDOW} seconds")
    predict = _check_predict(predict)
    narrator = _Narrator(language)
    narrator.say("time.recipe")
    narrator.say("time.window", start=_utc(start), end=_utc(end), count=end - start + 1)
    narrator.say("time.search")
    first_word = target & 0xFFFFFFFF  # getrandbits(128) puts its first 32-bit word lowest
    rng = random.Random()
    for seed in range(start, end + 1):
        rng.seed(seed)
        if rng.getrandbits(32) == first_word and make_time_seeded_token(seed) == token.lower():
            narrator.say("time.found", seed=seed, when=_utc(seed), tried=seed - start + 1)
            following = make_time_seeded_tokens(seed, predict + 1)[1:]
            if following:
                narrator.say("time.predict", values=narrator.listing(following))
            secret = {"seed": seed, "tried": seed - start + 1}
            return AttackResult(
                "time-seed",
                True,
                narrator.text("time.ok", seed=seed),
                secret,
                tuple(int(t, 16) for t in following),
                tuple(narrator.steps),
            )
    narrator.say("time.not_found")
    secret = {"tried": end - start + 1}
    return AttackResult(
        "time-seed", False, narrator.text("time.not_found"), secret, (), tuple(narrator.steps)
    )


# --------------------------------------------------------------------------------------------
# 5. A truncated LCG: only the top bits of each state are shown


@dataclass(frozen=True)
class TruncatedLcg:
    a: int
    c: int
    state_bits: int
    output_bits: int


# java.util.Random: 48-bit state, nextInt() returns the top 32 bits (as a signed int).
JAVA_RANDOM = TruncatedLcg(a=0x5DEECE66D, c=11, state_bits=48, output_bits=32)


def java_random_outputs(seed: int, count: int) -> list[int]:
    """``new java.util.Random(seed).nextInt()`` values, as unsigned 32-bit integers."""
    seed = limits.check_int("seed", seed, -(2**63), 2**63 - 1)
    count = limits.check_int("count", count, 0, limits.MAX_ATTACK_OUTPUTS)
    mask = (1 << 48) - 1
    state = (seed ^ JAVA_RANDOM.a) & mask  # Java scrambles the seed
    outputs = []
    for _ in range(count):
        state = (state * JAVA_RANDOM.a + JAVA_RANDOM.c) & mask
        outputs.append(state >> 16)
    return outputs


def recover_truncated_lcg(
    outputs: Sequence[int],
    params: TruncatedLcg = JAVA_RANDOM,
    *,
    predict: int = 5,
    language: str = "en",
) -> AttackResult:
    """Recover the full state of an LCG modulo 2**state_bits with known a and c that shows only
    the top ``output_bits`` bits of each new state, by trying every value of the hidden bits
    (at most 2**``limits.MAX_TRUNCATED_HIDDEN_BITS``, vectorised)."""
    state_bits = limits.check_int(
        "state_bits", params.state_bits, 1, limits.MAX_TRUNCATED_MODULUS_BITS
    )
    output_bits = limits.check_int("output_bits", params.output_bits, 1, state_bits)
    hidden = state_bits - output_bits
    if hidden > limits.MAX_TRUNCATED_HIDDEN_BITS:
        raise ValueError(f"at most {limits.MAX_TRUNCATED_HIDDEN_BITS} hidden bits, got {hidden}")
    modulus = 1 << state_bits
    a = limits.check_int("a", params.a, 1, modulus - 1)
    c = limits.check_int("c", params.c, 0, modulus - 1)
    xs = _check_outputs(outputs, 2, limits.MAX_ATTACK_OUTPUTS, 1 << output_bits)
    predict = _check_predict(predict)
    narrator = _Narrator(language)
    narrator.say(
        "trunc.start", out_bits=output_bits, state_bits=state_bits, hidden=hidden, count=1 << hidden
    )
    mask, shift = np.uint64(modulus - 1), np.uint64(hidden)
    states = (np.uint64(xs[0]) << shift) | np.arange(1 << hidden, dtype=np.uint64)
    for k, x in enumerate(xs[1:], start=2):
        states = (states * np.uint64(a) + np.uint64(c)) & mask  # wraps mod 2**64, then masks
        states = states[(states >> shift) == np.uint64(x)]
        narrator.say("trunc.filter", k=k, left=states.size)
        if states.size <= 1:
            break
    attack = "truncated-lcg"
    if states.size == 0:
        narrator.say("trunc.none")
        return AttackResult(attack, False, narrator.text("trunc.none"), steps=tuple(narrator.steps))
    if states.size > 1:
        narrator.say("trunc.ambiguous", left=states.size)
        message = narrator.text("trunc.ambiguous", left=states.size)
        return AttackResult(attack, False, message, steps=tuple(narrator.steps))
    state = int(states[0])
    # The loop may have stopped early: step the state through the outputs not yet checked.
    for x in xs[k:]:
        state = (a * state + c) % modulus
        if state >> hidden != x:
            narrator.say("trunc.none")
            return AttackResult(
                attack, False, narrator.text("trunc.none"), steps=tuple(narrator.steps)
            )
    narrator.say("trunc.found", state=state)
    secret = {"state": state}
    predicted = []
    for _ in range(predict):
        state = (a * state + c) % modulus
        predicted.append(state >> hidden)
    if predicted:
        narrator.say("trunc.predict", values=narrator.listing(predicted))
    message = narrator.text("trunc.ok", state_bits=state_bits)
    return AttackResult(attack, True, message, secret, tuple(predicted), tuple(narrator.steps))


# --------------------------------------------------------------------------------------------
# Attacks against any generator, and the CSPRNG that defeats them

STREAM_ATTACKS = ("lcg-known-modulus", "lcg-unknown-modulus", "mt19937-clone")
_OUTPUTS_NEEDED = {"lcg-known-modulus": 3, "lcg-unknown-modulus": 10, "mt19937-clone": MT_N}


@dataclass(frozen=True)
class AttackTrial:
    generator: str
    attack: AttackResult
    actual: tuple[int, ...]  # what the generator really produced next
    matched: int  # predictions equal to the actual outputs, position by position

    @property
    def total(self) -> int:
        return len(self.actual)


def attack_generator(
    generator: Generator, attack: str, *, predict: int = 10, language: str = "en"
) -> AttackTrial:
    """Show ``attack`` the outputs it needs from ``generator``, then compare its predictions with
    the generator's real next outputs. The known-modulus attack uses the generator's own m for
    an LCG and 2**32 otherwise."""
    if attack not in STREAM_ATTACKS:
        raise ValueError(f"unknown attack {attack!r}; expected one of {', '.join(STREAM_ATTACKS)}")
    predict = limits.check_int("predict", predict, 1, limits.MAX_PREDICTIONS)
    observed = [int(v) for v in generator.take(_OUTPUTS_NEEDED[attack])]
    if attack == "lcg-known-modulus":
        m = generator.params.m if isinstance(generator, Lcg) else 2**generator.output_bits
        result = recover_lcg_known_modulus(observed, m, predict=predict, language=language)
    elif attack == "lcg-unknown-modulus":
        result = recover_lcg_unknown_modulus(observed, predict=predict, language=language)
    else:
        result = clone_mt19937(observed, predict=predict, language=language)
    actual = tuple(int(v) for v in generator.take(predict))
    matched = sum(p == x for p, x in zip(result.predicted, actual, strict=False))
    return AttackTrial(generator.name, result, actual, matched)


def demonstrate_csprng_resists(
    attack: str, *, predict: int = 10, language: str = "en"
) -> AttackTrial:
    """Run ``attack`` against the OS CSPRNG: with overwhelming probability no prediction
    comes true (each has a 2**-32 chance by luck). The attack itself may still "succeed":
    any three numbers with an odd first difference fit some LCG modulo 2**32, and any 624
    words untemper into some MT state; it is the predictions that fail."""
    return attack_generator(make_generator("csprng"), attack, predict=predict, language=language)


def demonstrate_csprng_token_resists(
    window_start: int, window_end: int, *, language: str = "en"
) -> AttackResult:
    """The time-seed search against a ``secrets.token_hex(16)`` token: it finds nothing."""
    return crack_time_seeded_token(
        secrets.token_hex(16), window_start, window_end, predict=0, language=language
    )


# --------------------------------------------------------------------------------------------
# The "predict the next number" game


@dataclass(frozen=True)
class LcgGame:
    shown: tuple[int, ...]  # consecutive outputs of a hidden LCG modulo 2**32


@dataclass(frozen=True)
class GuessResult:
    correct: bool
    answer: int
    a: int
    c: int
    steps: tuple[Step, ...]  # how the answer follows from the shown outputs


def _game_params(seed: int) -> tuple[int, int, int]:
    rng = random.Random(limits.check_int("seed", seed, 0, 2**256 - 1))
    # a ≡ 1 (mod 4) and c odd: full period, and d0 = (a−1)·x0 + c is odd, hence invertible
    # modulo 2**32, so three outputs determine a and c uniquely.
    a = 4 * rng.randrange(1, 2**30) + 1
    c = 2 * rng.randrange(2**31) + 1
    return a, c, rng.getrandbits(32)


def lcg_game_generator(seed: int) -> Lcg:
    """The hidden LCG of game ``seed`` as a generator: its outputs continue past what
    :func:`lcg_game` shows, so a page can compare predictions with the real next outputs."""
    a, c, x = _game_params(seed)
    return Lcg(x, LcgParams(a=a, c=c, m=2**32), name="lcg")


def _game_outputs(seed: int, count: int) -> list[int]:
    generator = lcg_game_generator(seed)
    return [generator.next_u32() for _ in range(count)]


def lcg_game(seed: int, shown: int = 3) -> LcgGame:
    """The first ``shown`` outputs of the hidden LCG derived from ``seed`` (derive the seed
    from a server secret, e.g. an HMAC of the game id, so the game needs no storage)."""
    shown = limits.check_int("shown", shown, limits.GAME_MIN_SHOWN, limits.GAME_MAX_SHOWN)
    return LcgGame(tuple(_game_outputs(seed, shown)))


def check_lcg_guess(seed: int, shown: int, guess: int, *, language: str = "en") -> GuessResult:
    """Is ``guess`` the output that follows the ``shown`` outputs of game ``seed``?"""
    shown = limits.check_int("shown", shown, limits.GAME_MIN_SHOWN, limits.GAME_MAX_SHOWN)
    guess = limits.check_int("guess", guess, 0, limits.UINT32_MAX)
    outputs = _game_outputs(seed, shown + 1)
    a, c, _ = _game_params(seed)
    explanation = recover_lcg_known_modulus(outputs[:-1], 2**32, predict=1, language=language)
    return GuessResult(guess == outputs[-1], outputs[-1], a, c, explanation.steps)
