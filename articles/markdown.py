"""The one Markdown pipeline: python-markdown, then nh3. Articles and quizzes both render here.

Rendering happens when content is saved; the stored HTML is what pages show. Everything that
leaves this module has been through the sanitiser, whatever the Markdown contained.
"""

from __future__ import annotations

import html
import math
import re
import threading
import unicodedata
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.toc import TocExtension

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"id"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}

CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z0-9_]+(?:['’.-][A-Za-z0-9_]+)*")
# Reading speeds for technical prose: about 300 Chinese characters or 200 English words a minute.
CJK_PER_MINUTE = 300
WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    text: str  # the visible text, for search indexes and snippets
    headings: tuple[tuple[int, str, str], ...]  # (level, anchor, text)
    reading_minutes: int


BLOCK_TAG = re.compile(r"<(?:p|li|h[1-6]|pre|td|th|br|div|tr|dt|dd)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"<[^>]*>")


def visible_text(fragment: str) -> str:
    """The text a reader sees in sanitised HTML (nh3 output: well-formed, no scripts)."""
    spaced = BLOCK_TAG.sub(" ", fragment)
    return re.sub(r"\s+", " ", html.unescape(ANY_TAG.sub("", spaced))).strip()


def slugify_heading(value: str, separator: str = "-") -> str:
    """Heading anchors that keep CJK text: `一致性哈希环` stays readable instead of vanishing.

    The default toc slugify drops non-ASCII, which leaves every Chinese heading as `_1`, `_2`...;
    anchors must be stable and meaningful in both scripts.
    """
    value = unicodedata.normalize("NFKC", html.unescape(value)).strip().lower()
    value = re.sub(r"[^\w\s-]", "", value)
    return re.sub(rf"[\s{re.escape(separator)}_]+", separator, value).strip(separator) or "section"


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One parser per thread, reset between documents: building one costs more than a render."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_markdown()
    else:
        md.reset()
    return md


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            CodeHiliteExtension(css_class="codehilite", guess_lang=False, linenums=False),
            TocExtension(
                slugify=slugify_heading,
                permalink="#",
                permalink_class="headerlink",
                permalink_title="",
                toc_depth="2-3",
            ),
            "tables",
            "admonition",
            "footnotes",
            "attr_list",
            "sane_lists",
        ],
        output_format="html",
    )


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def reading_minutes(text: str) -> int:
    cjk = len(CJK.findall(text))
    words = len(LATIN_WORD.findall(CJK.sub(" ", text)))
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


def _flatten(tokens: list[dict], out: list[tuple[int, str, str]]) -> None:
    for token in tokens:
        out.append((token["level"], token["id"], html.unescape(token["name"])))
        _flatten(token["children"], out)


def render(text: str) -> Rendered:
    """Markdown to sanitised HTML plus a sanitised table of contents."""
    md = _markdown()
    body = md.convert(text)
    headings: list[tuple[int, str, str]] = []
    _flatten(md.toc_tokens, headings)
    toc = md.toc if headings else ""
    clean = sanitize(body)
    return Rendered(
        html=clean,
        toc_html=sanitize(toc),
        text=visible_text(re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", clean)),
        headings=tuple(headings),
        reading_minutes=reading_minutes(text),
    )


def render_inline(text: str) -> str:
    """One paragraph of Markdown (a quiz choice, a summary) without the wrapping <p>."""
    rendered = render(text).html.strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered
