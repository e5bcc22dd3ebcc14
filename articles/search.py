"""Full-text search over published articles of every language.

SQLite: an FTS5 table with the trigram tokenizer, so Chinese substrings (`哈希环`) and
identifiers (`sys.modules`, `Last-Event-ID`) match without a word segmenter. Trigrams need
three characters: shorter terms (`哈希`) fall back to a substring scan, which is cheap at this
corpus size. PostgreSQL: `pg_trgm` GIN indexes behind ILIKE. Either way the engine only picks
and ranks candidates; snippets and highlighting are made here, the same for both.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_RESULTS = 30
SNIPPET_RADIUS = 60
FTS_TABLE = "articles_search"
WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[str, ...]
    truncated: bool

    @property
    def usable(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True)
class Hit:
    article: Article
    title_html: SafeString
    snippet_html: SafeString


def parse_query(raw: str) -> Query:
    """Normalise what the reader typed: bounded length, at most a few terms, no empty terms.

    Terms without any letter or digit (only punctuation) are dropped: they match everything.
    """
    visible = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in raw)
    text = " ".join(visible.split())
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms = []
    for term in text.split(" "):
        if WORD.search(term) and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return Query(text=text, terms=tuple(terms[:MAX_TERMS]), truncated=truncated)


def highlight(text: str, terms: tuple[str, ...], radius: int | None = SNIPPET_RADIUS) -> SafeString:
    """Escape ``text`` and wrap every term occurrence in <mark>; cut around the first hit."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    if radius is not None:
        first = pattern.search(text)
        start = max(0, (first.start() if first else 0) - radius)
        end = min(len(text), (first.end() if first else 0) + radius * 2)
        prefix, suffix = ("…" if start else ""), ("…" if end < len(text) else "")
        text = f"{prefix}{text[start:end]}{suffix}"
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ranked_ids_sqlite(terms: tuple[str, ...]) -> list[int] | None:
    if any(len(term) < 3 for term in terms):
        return None  # trigrams cannot match a shorter term: scan instead
    match = " AND ".join(_fts_phrase(term) for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - constant
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 4.0, 1.0) LIMIT 200",
            [match],
        )
        return [row[0] for row in cursor.fetchall()]


def _scan(terms: tuple[str, ...]):
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body_text__icontains=term)
        )
    first = terms[0]
    return (
        Article.objects.published()
        .filter(condition)
        .annotate(
            weight=Case(
                When(title__icontains=first, then=Value(3)),
                When(summary__icontains=first, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-weight", "-updated_at")
    )


def search(query: Query, limit: int = MAX_RESULTS) -> list[Hit]:
    if not query.usable:
        return []
    articles: list[Article]
    ids = _ranked_ids_sqlite(query.terms) if connection.vendor == "sqlite" else None
    if ids is None:
        articles = list(_scan(query.terms).select_related("topic")[:limit])
    else:
        by_id = Article.objects.published().select_related("topic").in_bulk(ids)
        articles = [by_id[i] for i in ids if i in by_id][:limit]
    return [
        Hit(
            article=article,
            title_html=highlight(article.title, query.terms, radius=None),
            snippet_html=highlight(article.body_text or article.summary, query.terms),
        )
        for article in articles
    ]


# Index maintenance (SQLite only; PostgreSQL reads the table through its trigram indexes).


def index_article(article: Article) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body_text) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [article.pk, article.title, article.summary, article.body_text],
        )


def unindex_article(article_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article_id])  # noqa: S608
