"""content/ <-> database: topics and articles as text files (see content/README.md).

Loading is idempotent (an unchanged file saves nothing, so no revision and no new timestamp)
and all-or-nothing (the command wraps every section in one transaction). Errors name the file
and the line. Dumping writes the canonical form, so a dump after a load changes no file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from articles.models import LANGUAGE_CHOICES, Article, Topic

LANGUAGES = [code for code, _ in LANGUAGE_CHOICES]
FRONT_MATTER_KEYS = {"title", "summary", "status"}
TOPIC_KEYS = {"order", "lab", "name"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOML_LINE = re.compile(r"at line (\d+)")


class ContentError(Exception):
    """A problem in one content file; ``str()`` reads ``path:line: message``."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def merge(self, other: Report) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def parse_toml(path: Path, text: str, line_offset: int = 0) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = TOML_LINE.search(str(exc))
        line = int(match.group(1)) + line_offset if match else None
        raise ContentError(path, f"invalid TOML: {exc}", line) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ContentError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("+++\n"):
        raise ContentError(path, "must start with TOML front matter between '+++' lines", 1)
    end = text.find("\n+++\n", 3)
    if end == -1:
        raise ContentError(path, "front matter is not closed by a '+++' line", 1)
    meta = parse_toml(path, text[4 : end + 1], line_offset=1)
    return meta, text[end + 5 :]


def topic_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ContentError(root, "content folder not found")
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "topic.toml").exists())


def _require(path: Path, data: dict, allowed: set[str], required: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ContentError(path, f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - set(data)
    if missing:
        raise ContentError(path, f"missing keys {sorted(missing)}")


def _load_topic(directory: Path, report: Report) -> Topic:
    path = directory / "topic.toml"
    data = parse_toml(path, read_text(path))
    _require(path, data, TOPIC_KEYS, TOPIC_KEYS)
    slug = directory.name
    if not SLUG.match(slug):
        raise ContentError(
            directory, "folder name must be a lowercase slug like 'consistent-hashing'"
        )
    names = data["name"]
    if not isinstance(names, dict) or set(names) != set(LANGUAGES):
        raise ContentError(path, f"[name] must give exactly {LANGUAGES}")
    if not isinstance(data["order"], int) or data["order"] < 0:
        raise ContentError(path, "order must be a non-negative integer")
    values = {
        "order": data["order"],
        "lab": str(data["lab"]),
        "name_zh_hans": str(names["zh-hans"]),
        "name_en": str(names["en"]),
    }
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        report.created.append(f"topic {slug}")
        return Topic.objects.create(slug=slug, **values)
    if any(getattr(topic, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(topic, key, value)
        topic.save()
        report.updated.append(f"topic {slug}")
    else:
        report.unchanged += 1
    return topic


def _load_article(path: Path, topic: Topic, language: str, report: Report) -> None:
    meta, body = split_front_matter(path, read_text(path))
    _require(path, meta, FRONT_MATTER_KEYS, FRONT_MATTER_KEYS)
    if meta["status"] not in Article.Status.values:
        raise ContentError(path, f"status must be one of {Article.Status.values}", 2)
    for key in ("title", "summary"):
        limit = Article._meta.get_field(key).max_length
        if not isinstance(meta[key], str) or not meta[key].strip() or len(meta[key]) > limit:
            raise ContentError(
                path, f"{key} must be a non-empty string of at most {limit} characters"
            )
    values = {
        "title": meta["title"],
        "summary": meta["summary"],
        "status": meta["status"],
        "body": body,
    }
    article = Article.objects.filter(slug=topic.slug, language=language).first()
    if article is None:
        Article(topic=topic, slug=topic.slug, language=language, **values).save(
            note="loaded from content/"
        )
        report.created.append(f"article {topic.slug} ({language})")
        return
    if article.topic_id == topic.id and all(getattr(article, k) == v for k, v in values.items()):
        report.unchanged += 1
        return
    article.topic = topic
    for key, value in values.items():
        setattr(article, key, value)
    article.save(note="loaded from content/")
    report.updated.append(f"article {topic.slug} ({language})")


def load_articles(root: Path) -> Report:
    """Load every topic folder's topic.toml and articles. Call inside a transaction."""
    report = Report()
    for directory in topic_dirs(root):
        topic = _load_topic(directory, report)
        for language in LANGUAGES:
            path = directory / f"{language}.md"
            if path.exists():
                _load_article(path, topic, language, report)
    return report


def article_text(article: Article) -> str:
    meta = {"title": article.title, "summary": article.summary, "status": article.status}
    return f"+++\n{tomli_w.dumps(meta)}+++\n{article.body}"


def topic_text(topic: Topic) -> str:
    data = {
        "order": topic.order,
        "lab": topic.lab,
        "name": {"zh-hans": topic.name_zh_hans, "en": topic.name_en},
    }
    return tomli_w.dumps(data)


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def dump_articles(root: Path) -> list[Path]:
    written = []
    for topic in Topic.objects.all():
        directory = root / topic.slug
        if write_if_changed(directory / "topic.toml", topic_text(topic)):
            written.append(directory / "topic.toml")
        for article in topic.articles.all():
            path = directory / f"{article.language}.md"
            if write_if_changed(path, article_text(article)):
                written.append(path)
    return written
