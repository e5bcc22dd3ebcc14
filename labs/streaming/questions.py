"""Generated quiz questions for the HTTP-streaming lab.

Importing this module registers the generators; the answers come from the lab's own engine
(:mod:`labs.streaming.ranges`, :mod:`labs.streaming.wire`), so a question can never disagree
with what the lab serves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from labs.streaming.ranges import plan_range_response
from labs.streaming.sample import SAMPLE_CONTENT_TYPE, SAMPLE_SIZE
from labs.streaming.wire import chunk_size_line
from quizzes.generated import GeneratedChoice, GeneratedQuestion, register

FILE_SIZE = SAMPLE_SIZE  # 10,000 bytes: the lab's sample.bin
LAST = FILE_SIZE - 1


def _zh(language: str) -> bool:
    return language.lower().startswith("zh")


@dataclass(frozen=True)
class _Answer:
    status: int
    content_range: str | None  # None: the response has no Content-Range

    def text(self, zh: bool) -> str:
        reason = {200: "OK", 206: "Partial Content", 416: "Range Not Satisfiable"}[self.status]
        if self.content_range is not None:
            separator = "，" if zh else ", "
            return f"`{self.status} {reason}`{separator}`Content-Range: {self.content_range}`"
        if self.status == 200:
            return (
                "`200 OK`，没有 `Content-Range`（发送整个文件）"
                if zh
                else "`200 OK`, no `Content-Range` (the whole file)"
            )
        return (
            f"`{self.status} {reason}`，没有 `Content-Range`"
            if zh
            else f"`{self.status} {reason}`, no `Content-Range`"
        )


def _served(header: str) -> _Answer:
    plan = plan_range_response(
        length=FILE_SIZE, content_type=SAMPLE_CONTENT_TYPE, headers={"Range": header}
    )
    return _Answer(plan.status, plan.header("Content-Range"))


def _bytes(first: int, last: int) -> str:
    return f"bytes {first}-{last}/{FILE_SIZE}"


@dataclass(frozen=True)
class _Wrong:
    """A tempting wrong answer and the misconception behind it."""

    answer: _Answer
    feedback_en: str
    feedback_zh: str


@dataclass(frozen=True)
class _Scenario:
    header: str  # the Range field value
    rule_en: str
    rule_zh: str
    wrong: tuple[_Wrong, ...]


def _scenario(rng: random.Random) -> _Scenario:
    kind = rng.choice(
        ["range", "past-end", "suffix", "suffix-long", "open", "unsatisfiable", "reversed"]
    )
    full = _Answer(200, None)
    not_satisfiable = _Answer(416, f"bytes */{FILE_SIZE}")
    if kind == "range":
        first = rng.randrange(0, 90) * 100
        last = first + rng.choice([99, 199, 499, 999])
        return _Scenario(
            f"bytes={first}-{last}",
            "Both positions are inclusive, so the part is last − first + 1 bytes.",
            "两端位置都包含在内，所以这一段有 last − first + 1 个字节。",
            (
                _Wrong(
                    _Answer(206, _bytes(first, last - 1)),
                    "The end position is inclusive, not exclusive like a Python slice.",
                    "结束位置是包含在内的，不像 Python 切片那样不含终点。",
                ),
                _Wrong(
                    _Answer(206, f"bytes {first}-{last}/{last - first + 1}"),
                    "The number after the slash is the length of the whole file, not of the part.",
                    "斜杠后面是整个文件的长度，不是这一段的长度。",
                ),
                _Wrong(
                    full,
                    "A server that supports ranges answers a satisfiable range with 206.",
                    "支持范围请求的服务器对可满足的范围返回 206。",
                ),
            ),
        )
    if kind == "past-end":
        first = rng.randrange(90, 99) * 100
        last = rng.choice([10_000, 10_499, 12_000, 19_999])
        return _Scenario(
            f"bytes={first}-{last}",
            f"Only first-pos must lie inside the file; a last-pos past the end is cut to the last byte, {LAST}.",
            f"只要求 first-pos 在文件内；超出末尾的 last-pos 会被截到最后一个字节 {LAST}。",
            (
                _Wrong(
                    not_satisfiable,
                    "416 is only for ranges that start at or after the end of the file.",
                    "只有起点在文件末尾或之后的范围才返回 416。",
                ),
                _Wrong(
                    _Answer(206, _bytes(first, last)),
                    "Content-Range describes the bytes actually sent, which stop at the last byte.",
                    "Content-Range 描述的是实际发送的字节，到最后一个字节为止。",
                ),
                _Wrong(
                    full,
                    "The range overlaps the file, so it is satisfiable: 206, not the whole file.",
                    "这个范围与文件重叠，是可满足的：返回 206，而不是整个文件。",
                ),
            ),
        )
    if kind == "suffix":
        count = rng.choice([1, 100, 500, 1000, 2500])
        return _Scenario(
            f"bytes=-{count}",
            f"`-n` is a suffix range: the last n bytes, here {FILE_SIZE - count}-{LAST}.",
            f"`-n` 是后缀范围：最后 n 个字节，这里是 {FILE_SIZE - count}-{LAST}。",
            (
                _Wrong(
                    _Answer(206, _bytes(0, count - 1)),
                    "`-n` asks for the last n bytes, not the first n.",
                    "`-n` 请求的是最后 n 个字节，不是前 n 个。",
                ),
                _Wrong(
                    _Answer(206, _bytes(FILE_SIZE - count, FILE_SIZE)),
                    f"Positions start at 0, so the last byte is {LAST}, not {FILE_SIZE}.",
                    f"位置从 0 开始，所以最后一个字节是 {LAST}，不是 {FILE_SIZE}。",
                ),
                _Wrong(
                    not_satisfiable,
                    "A suffix range with n > 0 is always satisfiable for a non-empty file.",
                    "对非空文件，n > 0 的后缀范围总是可满足的。",
                ),
            ),
        )
    if kind == "suffix-long":
        count = rng.choice([10_001, 12_000, 20_000, 50_000])
        return _Scenario(
            f"bytes=-{count}",
            "A suffix longer than the file selects the whole file, which is still a 206 answer.",
            "比文件还长的后缀会选中整个文件，仍然以 206 回答。",
            (
                _Wrong(
                    not_satisfiable,
                    "A suffix longer than the file is not an error: it is cut to the whole file.",
                    "后缀比文件长不是错误：它被截成整个文件。",
                ),
                _Wrong(
                    _Answer(206, _bytes(FILE_SIZE - count, LAST)),
                    "Positions cannot be negative: the range starts at byte 0.",
                    "位置不能是负数：范围从第 0 个字节开始。",
                ),
                _Wrong(
                    full,
                    "The server answers the range it was asked for (206); it happens to cover the file.",
                    "服务器回答的是所请求的范围（206），只是它恰好覆盖了整个文件。",
                ),
            ),
        )
    if kind == "open":
        first = rng.randrange(1, 99) * 100
        return _Scenario(
            f"bytes={first}-",
            f"`n-` means from byte n to the end, here {first}-{LAST} (this is how a download resumes).",
            f"`n-` 表示从第 n 个字节到末尾，这里是 {first}-{LAST}（断点续传就是这样请求的）。",
            (
                _Wrong(
                    _Answer(206, _bytes(0, first)),
                    "`n-` starts at byte n and runs to the end; it is not the first n bytes.",
                    "`n-` 从第 n 个字节开始一直到末尾，不是前 n 个字节。",
                ),
                _Wrong(
                    _Answer(206, _bytes(first, FILE_SIZE)),
                    f"Positions start at 0, so the last byte is {LAST}, not {FILE_SIZE}.",
                    f"位置从 0 开始，所以最后一个字节是 {LAST}，不是 {FILE_SIZE}。",
                ),
                _Wrong(
                    full,
                    "A server that supports ranges answers a satisfiable range with 206.",
                    "支持范围请求的服务器对可满足的范围返回 206。",
                ),
            ),
        )
    if kind == "unsatisfiable":
        first = rng.choice([10_000, 10_000, 10_500, 20_000])  # the boundary case twice as often
        return _Scenario(
            f"bytes={first}-",
            f"The file's bytes are 0-{LAST}: a range starting at {first} overlaps nothing, so 416 with `Content-Range: bytes */{FILE_SIZE}` tells the client the real length.",
            f"文件的字节是 0-{LAST}：从 {first} 开始的范围与文件没有重叠，所以返回 416，并用 `Content-Range: bytes */{FILE_SIZE}` 告诉客户端真实长度。",
            (
                _Wrong(
                    full,
                    "Only a malformed header is ignored; a valid but unsatisfiable range gets 416.",
                    "只有格式错误的头才会被忽略；格式正确但不可满足的范围返回 416。",
                ),
                _Wrong(
                    _Answer(206, _bytes(LAST, LAST)),
                    "The server never moves the start of a range back into the file.",
                    "服务器不会把范围的起点挪回文件里面。",
                ),
                _Wrong(
                    _Answer(416, None),
                    f"A 416 should carry `Content-Range: bytes */{FILE_SIZE}` so the client learns the length.",
                    f"416 应该带上 `Content-Range: bytes */{FILE_SIZE}`，让客户端知道文件长度。",
                ),
            ),
        )
    # reversed: last-pos < first-pos makes the whole header invalid, so it is ignored.
    first = rng.randrange(10, 99) * 100
    last = first - rng.choice([1, 100, 500])
    return _Scenario(
        f"bytes={first}-{last}",
        "A range whose last-pos is smaller than its first-pos is invalid syntax, not an unsatisfiable range: the server ignores the Range header and sends the whole file with 200.",
        "last-pos 小于 first-pos 的范围是语法无效，而不是不可满足：服务器忽略 Range 头，以 200 发送整个文件。",
        (
            _Wrong(
                not_satisfiable,
                "416 is for valid ranges that miss the file; an invalid header is ignored instead.",
                "416 用于格式正确但落在文件之外的范围；格式无效的头会被直接忽略。",
            ),
            _Wrong(
                _Answer(206, _bytes(last, first)),
                "The server does not swap the positions to repair the request.",
                "服务器不会交换两个位置来修正请求。",
            ),
            _Wrong(
                _Answer(206, _bytes(first, LAST)),
                "The server does not reinterpret the request as an open-ended range.",
                "服务器不会把它重新解释成开放式范围。",
            ),
        ),
    )


@register("streaming.range-response")
def range_response(rng: random.Random, language: str) -> GeneratedQuestion:
    zh = _zh(language)
    scenario = _scenario(rng)
    header, rule_en, rule_zh = scenario.header, scenario.rule_en, scenario.rule_zh
    correct = _served(header)
    choices = [GeneratedChoice(correct.text(zh), True, rule_zh if zh else rule_en)]
    seen = {correct}
    for wrong in scenario.wrong:
        if wrong.answer not in seen:
            seen.add(wrong.answer)
            feedback = wrong.feedback_zh if zh else wrong.feedback_en
            choices.append(GeneratedChoice(wrong.answer.text(zh), False, feedback))
    rng.shuffle(choices)
    if zh:
        prompt = (
            f"实验的服务器支持字节范围请求。对 {FILE_SIZE} 字节的文件 `sample.bin` 发送 `GET`，"
            f"请求头是 `Range: {header}`。服务器返回哪个状态码和 `Content-Range`？"
        )
        explanation = (
            f"{rule_zh}\n\n服务器的回答：{correct.text(zh)}。"
            "可以在实验里用同样的 `Range` 头请求 `sample.bin` 来验证。"
        )
    else:
        prompt = (
            f"The lab's server supports byte ranges. A `GET` for the {FILE_SIZE:,}-byte file "
            f"`sample.bin` carries `Range: {header}`. Which status and `Content-Range` does the "
            "server answer with?"
        )
        explanation = (
            f"{rule_en}\n\nThe server answers {correct.text(zh)}. "
            "Send the same `Range` header for `sample.bin` in the lab to check."
        )
    return GeneratedQuestion(
        kind="single", prompt=prompt, explanation=explanation, choices=tuple(choices)
    )


# Sizes people meet in practice (buffer sizes, powers of two) mixed with arbitrary ones.
_CHUNK_SIZES = (10, 16, 100, 255, 256, 500, 1000, 1024, 4096, 8192, 16_384, 65_536)


@register("streaming.chunk-size-line")
def chunk_size_line_question(rng: random.Random, language: str) -> GeneratedQuestion:
    zh = _zh(language)
    size = rng.choice(_CHUNK_SIZES) if rng.random() < 0.6 else rng.randint(17, 70_000)
    line = chunk_size_line(size)
    accepted = tuple(dict.fromkeys((line, line.upper())))
    if zh:
        prompt = (
            f"使用分块传输编码（chunked transfer coding）时，服务器发送一个 {size} 字节的块。"
            "这个块的大小行（chunk-size，不含结尾的 CRLF）是什么？"
        )
        explanation = (
            f"大小行是块长度的十六进制：{size} = 0x{line}，所以线路上是 `{line}\\r\\n`，"
            f"接着是 {size} 个字节的数据和 `\\r\\n`。不写 `0x` 前缀，大小写都可以；"
            "写十进制 `"
            + str(size)
            + "` 的话，客户端会按十六进制读出另一个长度，整个响应就错位了。"
            "这一行由服务器写，应用不要自己写。"
        )
    else:
        prompt = (
            f"With chunked transfer coding, a server sends a chunk of {size:,} bytes. "
            "What is the chunk's size line (the chunk-size, without the trailing CRLF)?"
        )
        explanation = (
            f"The size line is the length in hexadecimal: {size} = 0x{line}, so the wire carries "
            f"`{line}\\r\\n`, then the {size} data bytes and `\\r\\n`. No `0x` prefix; either case "
            f"works. Writing decimal `{size}` would make the client read a different length and "
            "lose its place in the stream. The server writes this line, not the application."
        )
    return GeneratedQuestion(kind="text", prompt=prompt, explanation=explanation, accepted=accepted)
