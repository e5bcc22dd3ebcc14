"""Generated quiz questions for the RNG topic (registered on import).

* ``rng.lcg-next``: three consecutive outputs of an LCG modulo 2**32 with hidden a and c; the
  next output. a ≡ 1 (mod 4) and c odd make d0 = x2 − x1 = (a−1)·x1 + c odd, hence invertible
  modulo 2**32, so the three outputs determine a, c and the answer uniquely.
* ``rng.randu-third``: two consecutive RANDU outputs x, y; the next is z ≡ 6y − 9x (mod 2**31).
"""

from __future__ import annotations

import random

from labs.rng import limits
from labs.rng.attacks import solve_multiplier
from quizzes.generated import GeneratedQuestion, register

_M32 = 2**32
_M31 = 2**31
RANDU_A = 65539


@register("rng.lcg-next")
def lcg_next(rng: random.Random, language: str) -> GeneratedQuestion:
    language = limits.check_language(language)
    a = 4 * rng.randrange(1, 2**30) + 1
    c = 2 * rng.randrange(2**31) + 1
    x = rng.getrandbits(32)
    outputs = []
    for _ in range(4):
        x = (a * x + c) % _M32
        outputs.append(x)
    x1, x2, x3, answer = outputs
    solution = solve_multiplier(outputs[:3], _M32)
    # The shown outputs must pin the answer down: a unique multiplier modulo 2**32.
    assert not isinstance(solution, int) and solution.modulus == _M32 and solution.residue == a
    d0, d1 = (x2 - x1) % _M32, (x3 - x2) % _M32
    if language == "zh-hans":
        prompt = (
            f"某线性同余生成器（LCG）按 `x' = (a·x + c) mod 2³²` 生成数，a 和 c 未知，"
            f"只知道 a 除以 4 余 1、c 是奇数。它连续输出了 `{x1}`、`{x2}`、`{x3}`。"
            f"下一个输出是多少？\n\n可以用 Python 计算：`pow(d, -1, 2**32)` 求 d 模 2³² 的逆元。"
        )
        explanation = (
            f"相邻输出相减，c 就消掉了：`d0 = x2 − x1 ≡ {d0}`，`d1 = x3 − x2 ≡ {d1}`（mod 2³²），"
            f"并且 `d1 ≡ a·d0`。a − 1 是 4 的倍数而 c 是奇数，所以 d0 是奇数，模 2³² 可逆："
            f"`a = d1·d0⁻¹ mod 2³² = {a}`，`c = x2 − a·x1 mod 2³² = {c}`，"
            f"下一个输出是 `a·x3 + c mod 2³² = {answer}`。\n\n"
            f"三个输出就能算出之后的每一个输出：LCG 不能用来生成令牌或密钥。"
        )
    else:
        prompt = (
            f"An LCG `x' = (a·x + c) mod 2³²` with unknown a and c (you know a ≡ 1 (mod 4) and "
            f"c is odd) produced three consecutive outputs: `{x1}`, `{x2}`, `{x3}`. What is the "
            f"next output?\n\nA Python shell helps: `pow(d, -1, 2**32)` inverts d modulo 2³²."
        )
        explanation = (
            f"Subtracting consecutive outputs cancels c: `d0 = x2 − x1 ≡ {d0}` and "
            f"`d1 = x3 − x2 ≡ {d1}` (mod 2³²), with `d1 ≡ a·d0`. Since a − 1 is a multiple of 4 "
            f"and c is odd, d0 is odd and so invertible modulo 2³²: `a = d1·d0⁻¹ mod 2³² = {a}`, "
            f"`c = x2 − a·x1 mod 2³² = {c}`, and the next output is "
            f"`a·x3 + c mod 2³² = {answer}`.\n\n"
            f"Three outputs give away every later one: an LCG must never make tokens or keys."
        )
    return GeneratedQuestion(
        kind="numeric", prompt=prompt, explanation=explanation, answer=float(answer), tolerance=0
    )


@register("rng.randu-third")
def randu_third(rng: random.Random, language: str) -> GeneratedQuestion:
    language = limits.check_language(language)
    x = 2 * rng.randrange(_M31 // 2) + 1  # every odd number is a RANDU output
    y = RANDU_A * x % _M31
    z = (6 * y - 9 * x) % _M31
    if language == "zh-hans":
        prompt = (
            f"RANDU 按 `x' = 65539·x mod 2³¹` 生成数。连续两个输出是 x = `{x}`，y = `{y}`。"
            f"下一个输出 z 是多少？"
        )
        explanation = (
            f"65539 = 2¹⁶ + 3，所以 `65539² = 2³² + 6·2¹⁶ + 9 ≡ 6·65539 − 9`（mod 2³¹）。"
            f"因此 `z = 65539²·x ≡ 6y − 9x`（mod 2³¹），算出 z = `{z}`"
            f"（与直接计算 `65539·y mod 2³¹` 相同）。\n\n"
            f"每个连续三元组都满足 `9x − 6y + z ≡ 0`（mod 2³¹），所以 RANDU 的三维点全部落在 "
            f"15 个平面上。"
        )
    else:
        prompt = (
            f"RANDU computes `x' = 65539·x mod 2³¹`. Two consecutive outputs are x = `{x}` and "
            f"y = `{y}`. What is the next output z?"
        )
        explanation = (
            f"65539 = 2¹⁶ + 3, so `65539² = 2³² + 6·2¹⁶ + 9 ≡ 6·65539 − 9` (mod 2³¹). Hence "
            f"`z = 65539²·x ≡ 6y − 9x` (mod 2³¹), which gives z = `{z}` (the same as "
            f"`65539·y mod 2³¹`).\n\n"
            f"Every consecutive triple satisfies `9x − 6y + z ≡ 0` (mod 2³¹), which is why "
            f"RANDU's points in three dimensions all lie on 15 planes."
        )
    return GeneratedQuestion(
        kind="numeric", prompt=prompt, explanation=explanation, answer=float(z), tolerance=0
    )
