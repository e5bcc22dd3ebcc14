"""The quiz app's own generated question: the partial-credit rule, with fresh numbers.

It doubles as the example of a generator: draw every parameter from ``rng`` (so a seed
rebuilds the same question), compute the answer with the code that grades real answers
(``quizzes.grading``), and explain the arithmetic in the learner's language.
"""

from __future__ import annotations

import random

from quizzes.generated import GeneratedQuestion, register
from quizzes.grading import ChoiceKey, grade_choices


@register("quizzes.partial-credit")
def partial_credit(rng: random.Random, language: str) -> GeneratedQuestion:
    total = rng.randint(4, 6)
    correct = rng.randint(2, total - 1)
    wrong = total - correct
    hits = rng.randint(1, correct)
    misses = rng.randint(0, min(wrong, hits))
    choices = [ChoiceKey(i, i < correct) for i in range(total)]
    ticked = list(range(hits)) + list(range(correct, correct + misses))
    percent = round(100 * grade_choices("multiple", choices, ticked).points, 1)
    if language == "zh-hans":
        prompt = (
            f"一道多选题有 {total} 个选项，其中 {correct} 个正确。"
            f"你勾选了 {hits} 个正确选项和 {misses} 个错误选项。"
            "按本站的多选计分规则，这道题你得到满分的百分之多少？（填 0 到 100 之间的数）"
        )
        explanation = (
            f"每勾对一个正确选项得 1/{correct} 分，每勾一个错误选项扣 1/{correct} 分，"
            f"最低为 0：({hits} − {misses}) / {correct} = **{percent:g}%**。"
            "扣分是为了让“全部勾上”不再划算。"
        )
    else:
        prompt = (
            f"A multiple-choice question has {total} choices, {correct} of them correct. "
            f"You tick {hits} correct choice{'s' if hits != 1 else ''} and {misses} wrong "
            f"one{'s' if misses != 1 else ''}. Under this site's partial-credit rule, what "
            "percentage of the point do you earn? (a number from 0 to 100)"
        )
        explanation = (
            f"Each correct choice ticked earns 1/{correct}, each wrong one ticked takes "
            f"1/{correct} away, never below zero: ({hits} − {misses}) / {correct} = "
            f"**{percent:g}%**. The penalty is what makes ticking everything a losing move."
        )
    return GeneratedQuestion(
        kind="numeric", prompt=prompt, explanation=explanation, answer=percent, tolerance=0.5
    )
