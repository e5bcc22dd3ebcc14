"""House style and cross-language consistency of the shipped content (content/*/).

Fast and database-free: the files are read as text; only the lab-link checks ask Django for
the URL resolver and the labs' forms (no queries).

What is checked as "prose": article bodies, the front matter's title and summary, and a
quiz's title, description, prompts, explanations, choice texts and feedback. Before any rule
runs, a prose line loses everything that is not prose: fenced code blocks, inline code
(replaced by a placeholder that counts as a Latin word), URLs and link targets (a link becomes
its text), heading anchors `{#id}`, footnote markers `[^1]`, the `!!! kind "title"` syntax of
admonitions (the title stays), list and quote markers, emphasis markers, HTML tags and table
pipes (each table cell is checked on its own).

Rules for Simplified Chinese prose (zh-hans articles and quizzes), "CJK" meaning Han
characters and kana (not punctuation):

1. Half-width `, ; : ? !` never touch CJK (spaces in between do not help): `是的, 然后` and
   `如下:` must use `，` and `：`. A half-width `.` never follows CJK (`结束.`) nor directly
   precedes it. Decimals, `e.g.` between Latin words, `1:1`, `http://`, English sentences
   quoted inside Chinese and code are untouched because they do not touch CJK.
2. Parentheses: Chinese prose uses full-width `（）`, also around ASCII-only content:
   `一致性哈希（consistent hashing）`, `（HRW）`. Half-width `( )` are an error when they
   touch CJK directly, when they contain CJK, or when they stand (after spaces) next to CJK
   around plain words. They stay allowed for formulas, calls and tuples, i.e. content with a
   digit, an operator or `mod`, or a parenthesis hanging on a Latin token:
   `约 N/(N+1) 的键`, `≡ 0 (mod 2³¹)。`, `移位 (13, 17, 5)`, `O(ln N) 次运算`.
3. Straight double quotes `"` never touch CJK (with or without spaces): quote with `“ ”` or
   use inline code.
4. Spacing between CJK and Latin: one space between CJK and a Latin letter, digit, Greek
   letter, super- or subscript digit, `%`, `+`, `#`, `@`, `&`, `_`, `=`, or inline code:
   `使用 Python 3.11`, `10 个节点`, `约 90.9% 的键`, 在 `sys.modules` 里. Units are words
   (`117 KiB`, `7.3 ns`). Nothing is required next to full-width punctuation.
5. No space next to full-width punctuation `，。、；：？！（）《》「」『』【】“”` (they carry
   their own spacing): `（ Python ）`, `说 “你好”` are errors.
6. No space between two CJK characters in the rendered text, e.g. around a link whose text
   is Chinese: `打开[哈希环实验室](/zh-hans/labs/hashring/)看看`.
7. No doubled full-width punctuation: `。。`, `，，`, `，。` and the like.
8. One term per concept (ZH_TERMS): 虚拟节点, 一致性哈希, 哈希, 命名空间, 模块缓存, 循环导入,
   梅森旋转, 服务器推送事件, 小测, 实验室 -- never their variants.

Rules for every article and quiz, in both languages:

9. Every heading (`##` to `######`) ends with an ASCII kebab-case `{#anchor}`; the two
   languages of an article have the same anchors in the same order; no `#` (h1) headings in
   bodies (the title is in the front matter).
10. The last `##` section is `{#check-yourself}` and links to `/<lang>/quizzes/<slug>/` and
    `/<lang>/practice/`.
11. Site-absolute links use the article's language: `/<lang>/...`, or a language-neutral
    endpoint under `/api/`, `/sse/` or `/ws/`; they resolve to a page of the site; links to
    articles, quizzes and sections (`#id`, `/<lang>/articles/<slug>/#id`) point at things that
    exist; lab links carry only query parameters the lab page's form accepts, with valid
    values, and fragments that are ids on the lab page.
12. The zh-hans and en quizzes of a topic test the same thing: same question keys in the same
    order, and per question the same kind, anchor, tags, answer (truefalse), answer and
    tolerance (numeric), generator, scenario, code and expected output (output), and the same
    number of choices with the same correct flags and misconception tags per position.
13. English prose (en articles and quizzes) contains no CJK, except the Chinese names of
    products and companies in EN_CJK_ALLOWED, given beside their English names, and no
    full-width punctuation (`，` `。` `（` ...).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
LANGUAGES = ("zh-hans", "en")
TOPICS = sorted(p.name for p in CONTENT.iterdir() if (p / "topic.toml").is_file())
ARTICLES = sorted(CONTENT.glob("*/*.md"))
QUIZZES = sorted(CONTENT.glob("*/quiz.*.toml"))

# The only CJK an English text may contain: Chinese names of products and companies, shown
# next to their English names so that readers can search for either.
EN_CJK_ALLOWED = (
    "腾讯云 AI 代码助手",
    "豆包 MarsCode",
    "通义灵码",
    "通义千问",
    "通义万相",
    "文心快码",
    "智谱清言",
    "深度求索",
    "豆包",
    "智谱",
    "文心",
    "混元",
)

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = f"[{CJK}]"
CODE = "\ue000"  # stands for an inline code span
URL = "\ue001"  # stands for a bare URL
CELL = "\ue002"  # separates table cells
LATIN = rf"A-Za-z0-9%+#@&_=\u0391-\u03a9\u03b1-\u03c9\u00b2\u00b3\u00b9\u2070-\u209c{CODE}{URL}"
FULL_WIDTH = "，。、；：？！（）《》「」『』【】“”"

FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
IMAGE_OR_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
)
AUTOLINK = re.compile(r"<(?:https?|mailto|wss?):[^>\s]+>")
BARE_URL = re.compile(r"(?:https?|wss?)://[^\s)\]>，。、；：）]+")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$", re.M)
ANCHOR = re.compile(r"\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}$")
ADMONITION = re.compile(r'^!!!\s+[\w-]+(?:\s+"([^"]*)")?\s*$')
FOOTNOTE = re.compile(r"\[\^[^\]]+\]:?")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
LIST_MARKER = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
# A parenthesised formula, call or tuple: something with a digit or an operator in it.
FORMULA = re.compile(r"[0-9+\-*/^=<>≤≥≡−·,√⌈⌉∑∞×%]|\bmod\b")
# A call or application: `O(N)`, `hash()`, `f(x)` -- the parenthesis hangs on a Latin token.
CALL = re.compile(r"[A-Za-z0-9_\])]$")


# -- reading the files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    path: Path
    topic: str
    language: str
    meta: dict
    body: str
    body_line: int  # line number of the body's first line in the file


@cache
def article(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("+++\n"), f"{path}: no +++ front matter"
    front, body = text[4:].split("\n+++\n", 1)
    return Article(
        path=path,
        topic=path.parent.name,
        language=path.stem,
        meta=tomllib.loads(front),
        body=body,
        body_line=front.count("\n") + 3,
    )


@cache
def quiz(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def quiz_language(path: Path) -> str:
    return path.name.removeprefix("quiz.").removesuffix(".toml")


def quiz_texts(path: Path):
    """(where, markdown) for every prose field of a quiz."""
    data = quiz(path)
    for field in ("title", "description"):
        if data.get(field):
            yield field, data[field]
    for question in data.get("questions", []):
        key = question.get("key")
        for field in ("prompt", "explanation"):
            if question.get(field):
                yield f"{key}.{field}", question[field]
        for number, choice in enumerate(question.get("choices", []), 1):
            for field in ("text", "feedback"):
                if choice.get(field):
                    yield f"{key}.choice{number}.{field}", choice[field]


def without_code_blocks(markdown: str) -> str:
    """The markdown with fenced blocks blanked out (line numbers are kept)."""
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)


def prose(line: str) -> str:
    """What a reader sees of one markdown line, with code, URLs and syntax replaced."""
    line = line.strip()
    if TABLE_RULE.match(line):
        return ""
    match = ADMONITION.match(line)
    if match:
        return match.group(1) or ""
    line = INLINE_CODE.sub(CODE, line)
    line = IMAGE_OR_LINK.sub(lambda m: m.group(1), line)
    line = AUTOLINK.sub(URL, line)
    line = BARE_URL.sub(URL, line)
    line = re.sub(r"\s*\{#[a-z0-9-]+\}$", "", line)
    line = FOOTNOTE.sub("", line)
    line = HTML_TAG.sub("", line)
    line = re.sub(r"^#{1,6}\s+", "", line)
    line = LIST_MARKER.sub("", line, count=1)
    line = line.replace("**", "").replace("__", "")
    line = re.sub(r"(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])", r"\1", line)
    line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", line)
    if line.startswith("|") or " | " in line:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        line = CELL.join(cells)
    return line


def prose_lines(markdown: str, first_line: int = 1):
    """(line number, prose) for every non-empty prose line of a markdown text."""
    for number, line in enumerate(without_code_blocks(markdown).split("\n"), first_line):
        text = prose(line)
        if text.strip():
            yield number, text


# -- the Chinese rules ------------------------------------------------------------------------

ZH_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("half-width , ; : ? ! next to CJK", re.compile(rf"{CJK_CHAR}\s*[,;:?!]|[,;:?!]\s*{CJK_CHAR}")),
    (
        "half-width . after or right before CJK",
        re.compile(rf"{CJK_CHAR}\s*\.(?!\.\.)|\.{CJK_CHAR}"),
    ),
    ('straight " next to CJK', re.compile(rf'{CJK_CHAR}\s*"|"\s*{CJK_CHAR}')),
    (
        "no space between CJK and Latin/digit/code",
        re.compile(rf"{CJK_CHAR}[{LATIN}]|[{LATIN}]{CJK_CHAR}"),
    ),
    (
        "space next to full-width punctuation",
        re.compile(rf"[{FULL_WIDTH}][ \t]+\S|\S[ \t]+[{FULL_WIDTH}]"),
    ),
    ("space between two CJK characters", re.compile(rf"{CJK_CHAR}[ \t]+{CJK_CHAR}")),
    ("doubled full-width punctuation", re.compile(r"[，。、；：？！]{2,}")),
)
# One term for one concept across all articles and quizzes: variant -> the house term.
ZH_TERMS = {
    "虚拟结点": "虚拟节点",
    "虚节点": "虚拟节点",
    "一致哈希": "一致性哈希",
    "散列": "哈希",
    "名字空间": "命名空间",
    "名称空间": "命名空间",
    "导入缓存": "模块缓存",
    "环形导入": "循环导入",
    "马特赛特": "梅森旋转",
    "服务端推送事件": "服务器推送事件",
    "服务器发送事件": "服务器推送事件",
    "测验": "小测",
    "试验室": "实验室",
}
PARENS = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


def parenthesis_problems(text: str) -> list[str]:
    problems = []
    for match in PARENS.finditer(text):
        inside = match.group(1)
        before = text[: match.start()]
        after = text[match.end() :]
        touching = bool(re.search(f"{CJK_CHAR}$", before) or re.match(CJK_CHAR, after))
        near = bool(
            re.search(rf"[{CJK}{FULL_WIDTH}]\s*$", before) or re.match(rf"\s*{CJK_CHAR}", after)
        )
        exempt = bool(CALL.search(before) or FORMULA.search(inside))
        if touching or re.search(CJK_CHAR, inside) or (near and not exempt):
            problems.append(f"half-width parentheses in Chinese prose: {match.group(0)!r}")
    return problems


def zh_problems(text: str) -> list[str]:
    problems = []
    for rule, pattern in ZH_RULES:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 12), match.end() + 12
            shown = text[start:end].replace(CODE, "`…`").replace(URL, "<url>").replace(CELL, " | ")
            problems.append(f"{rule}: …{shown}…")
    problems += parenthesis_problems(text)
    problems += [f"use the house term {ZH_TERMS[t]} instead of {t}" for t in ZH_TERMS if t in text]
    return problems


def en_problems(text: str) -> list[str]:
    for allowed in EN_CJK_ALLOWED:
        text = text.replace(allowed, "")
    problems = [f"CJK in English prose: {m.group(0)!r}" for m in re.finditer(rf"{CJK_CHAR}+", text)]
    problems += [
        f"full-width punctuation in English prose: {m.group(0)!r}"
        for m in re.finditer(r"[，。、；：？！（）《》「」『』【】～]", text)
    ]
    return problems


def text_problems(language: str, text: str) -> list[str]:
    return zh_problems(text) if language == "zh-hans" else en_problems(text)


# -- tests of the rules themselves ------------------------------------------------------------


def test_prose_drops_code_links_urls_and_markup():
    line = "见 [哈希环](/zh-hans/labs/hashring/?a=1) 与 `x, y` 以及 <https://a.example/b> **粗体** {#id}"
    assert prose(line) == f"见 哈希环 与 {CODE} 以及 {URL} 粗体"
    assert prose('!!! warning "核对日期"') == "核对日期"
    assert prose("| --- | :---: |") == ""
    assert prose("1. **查缓存**：命中就返回") == "查缓存：命中就返回"


@pytest.mark.parametrize(
    "good",
    [
        "使用 Python 3.11，在 10 个节点上约有 90.9% 的键移动。",
        "一致性哈希（consistent hashing）把节点放到环上（见 `bisect`）。",
        "约 N/(N+1) 的键换节点，满足 9x − 6y + z ≡ 0 (mod 2³¹)。",
        "xorshift32 用移位 (13, 17, 5)，周期 2³² − 1。",
        "他说：“你好。”然后离开了。",
        "English inside, e.g. this: fine. 然后是中文。",
        "2～3 倍，10→11 时为 9.09%。",
        "查找是 O(ln N) 次整数运算，模 m 意义下 x ≡ y (mod m)。",
    ],
)
def test_correct_chinese_passes(good):
    assert zh_problems(prose(good)) == []


@pytest.mark.parametrize(
    "bad",
    [
        "使用Python 3.11",
        "10个节点",
        "是的, 然后",
        "如下:",
        "结束.",
        "一致性哈希(consistent hashing)",
        "一致性哈希 (consistent hashing) 是",
        "函数 (见上文) 返回",
        "它返回 `None`。。",
        "打开 [哈希环实验室](/zh-hans/labs/hashring/) 看看",
        "（ Python ）",
        '叫做 "环"',
        "在`sys.modules`里",
        "每个物理节点有多个虚拟结点",
    ],
)
def test_wrong_chinese_is_caught(bad):
    assert zh_problems(prose(bad)) != []


def test_english_may_name_chinese_products_only():
    assert en_problems("Doubao (豆包) and ChatGLM (智谱清言)") == []
    assert en_problems("the ring (哈希环)") != []
    assert en_problems("the ring（ring）") != []


# -- tests of the content -------------------------------------------------------------------


def article_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", ARTICLES, ids=article_id)
def test_article_prose_follows_the_house_style(path):
    doc = article(path)
    problems = []
    for field in ("title", "summary"):
        problems += [f"{field}: {p}" for p in text_problems(doc.language, prose(doc.meta[field]))]
    for number, text in prose_lines(doc.body, doc.body_line):
        problems += [f"line {number}: {p}" for p in text_problems(doc.language, text)]
    assert problems == []


@pytest.mark.parametrize("path", QUIZZES, ids=article_id)
def test_quiz_prose_follows_the_house_style(path):
    problems = []
    language = quiz_language(path)
    for where, markdown in quiz_texts(path):
        for _, text in prose_lines(markdown):
            problems += [f"{where}: {p}" for p in text_problems(language, text)]
    assert problems == []


def headings(body: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2)) for m in HEADING.finditer(without_code_blocks(body))]


def anchors(path: Path) -> list[str]:
    found = []
    for _, title in headings(article(path).body):
        match = ANCHOR.search(title)
        if match:
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("path", ARTICLES, ids=article_id)
def test_every_heading_carries_an_anchor(path):
    bad = [title for level, title in headings(article(path).body) if not ANCHOR.search(title)]
    assert bad == []
    assert [title for level, title in headings(article(path).body) if level == 1] == []
    assert len(anchors(path)) == len(set(anchors(path))), "duplicate anchors"


@pytest.mark.parametrize("topic", TOPICS)
def test_both_languages_have_the_same_anchors_in_the_same_order(topic):
    assert anchors(CONTENT / topic / "zh-hans.md") == anchors(CONTENT / topic / "en.md")


@pytest.mark.parametrize("path", ARTICLES, ids=article_id)
def test_every_article_ends_with_check_yourself_linking_quiz_and_practice(path):
    doc = article(path)
    body = without_code_blocks(doc.body)
    sections = re.split(r"^## ", body, flags=re.M)
    last = sections[-1]
    assert last.split("\n", 1)[0].rstrip().endswith("{#check-yourself}")
    targets = LINK_TARGET.findall(last)
    assert f"/{doc.language}/quizzes/{doc.topic}/" in targets
    assert f"/{doc.language}/practice/" in targets


# -- links ------------------------------------------------------------------------------------


def links(markdown: str) -> list[str]:
    return LINK_TARGET.findall(without_code_blocks(markdown))


def all_link_sources():
    for path in ARTICLES:
        doc = article(path)
        yield pytest.param(doc.language, doc.topic, doc.body, id=article_id(path))
    for path in QUIZZES:
        texts = "\n\n".join(markdown for _, markdown in quiz_texts(path))
        yield pytest.param(quiz_language(path), path.parent.name, texts, id=article_id(path))


NEUTRAL_PREFIXES = ("/api/", "/sse/", "/ws/")


@cache
def lab_page_ids(lab: str) -> frozenset[str]:
    templates = (ROOT / "labs" / lab / "templates").rglob("*.html")
    return frozenset(
        m.group(1) for t in templates for m in re.finditer(r'\bid="([\w-]+)"', t.read_text())
    )


def lab_form(lab: str):
    """The form that reads the query string of a lab's page."""
    if lab == "hashring":
        from labs.hashring.forms import HashringForm

        return HashringForm
    if lab == "rng":
        from labs.rng.forms import SampleForm

        return SampleForm
    if lab == "imports":
        from labs.imports.forms import RunForm

        return RunForm
    if lab == "streaming":
        from labs.streaming.forms import RangeForm

        return RangeForm
    raise AssertionError(f"no form known for lab {lab}")


def endpoint_form(path: str):
    """The form of a language-neutral endpoint that takes a query string (None: no query)."""
    from labs.streaming.forms import ChunkedForm, EventsForm, WireForm

    return {
        "/api/labs/streaming/chunked/": ChunkedForm,
        "/api/labs/streaming/wire/": WireForm,
        "/sse/labs/streaming/events/": EventsForm,
    }.get(path)


def query_problems(form_class, target: str) -> list[str]:
    query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
    unknown = sorted(set(query) - set(form_class.base_fields))
    if unknown:
        return [f"{target}: the lab does not read {unknown}"]
    form = form_class.from_query(query)
    if not form.is_valid():
        return [f"{target}: {form.error_message()}"]
    return []


def link_problems(language: str, topic: str, target: str) -> list[str]:
    from django.urls import Resolver404, resolve
    from django.utils import translation

    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return []
    if not parts.path:  # a section of this article
        if parts.fragment not in anchors(CONTENT / topic / f"{language}.md"):
            return [f"{target}: no such section in this article"]
        return []
    if parts.path.startswith(NEUTRAL_PREFIXES):
        form_class = endpoint_form(parts.path)
        if form_class is not None:
            return query_problems(form_class, target)
        if parts.path.startswith(("/sse/", "/ws/")):
            return [f"{target}: unknown streaming endpoint"]
        try:
            resolve(parts.path)
        except Resolver404:
            return [f"{target}: does not resolve"]
        return []
    if not parts.path.startswith(f"/{language}/"):
        return [f"{target}: must start with /{language}/"]
    with translation.override(language):
        try:
            resolve(parts.path)
        except Resolver404:
            return [f"{target}: does not resolve"]
    pieces = parts.path.strip("/").split("/")
    section = pieces[1] if len(pieces) > 1 else ""
    if section == "articles" and len(pieces) > 2:
        if pieces[2] not in TOPICS:
            return [f"{target}: no article {pieces[2]}"]
        if parts.fragment and parts.fragment not in anchors(CONTENT / pieces[2] / f"{language}.md"):
            return [f"{target}: no section #{parts.fragment} in {pieces[2]}"]
    quiz_file = CONTENT / pieces[2] / f"quiz.{language}.toml" if len(pieces) > 2 else None
    if section == "quizzes" and quiz_file is not None and not quiz_file.is_file():
        return [f"{target}: no quiz {pieces[2]}"]
    if section == "labs" and len(pieces) == 3:
        lab = pieces[2]
        problems = query_problems(lab_form(lab), target)
        if parts.fragment and parts.fragment not in lab_page_ids(lab):
            problems.append(f"{target}: the {lab} lab page has no #{parts.fragment}")
        return problems
    return []


@pytest.mark.parametrize(("language", "topic", "markdown"), list(all_link_sources()))
def test_internal_links_use_the_language_and_point_at_something_real(language, topic, markdown):
    problems = []
    for target in links(markdown):
        problems += link_problems(language, topic, target)
    assert problems == []


# -- quizzes ----------------------------------------------------------------------------------

SAME_IN_BOTH = (
    "kind",
    "anchor",
    "tags",
    "answer",
    "tolerance",
    "generator",
    "scenario",
    "code",
    "expected",
)


@pytest.mark.parametrize("topic", TOPICS)
def test_both_quizzes_of_a_topic_test_the_same_thing(topic):
    paths = [CONTENT / topic / f"quiz.{language}.toml" for language in LANGUAGES]
    if not any(p.is_file() for p in paths):
        pytest.skip("no quiz")
    zh, en = (quiz(p)["questions"] for p in paths)
    assert [q["key"] for q in zh] == [q["key"] for q in en]
    differences = []
    for a, b in zip(zh, en, strict=True):
        for field in SAME_IN_BOTH:
            if a.get(field) != b.get(field):
                differences.append(f"{a['key']}.{field}: {a.get(field)!r} != {b.get(field)!r}")
        shape_a = [(c.get("correct"), c.get("misconception", "")) for c in a.get("choices", [])]
        shape_b = [(c.get("correct"), c.get("misconception", "")) for c in b.get("choices", [])]
        if shape_a != shape_b:
            differences.append(f"{a['key']}.choices: {shape_a} != {shape_b}")
    assert differences == []
