"""Topics, articles and their revisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.markdown import render

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


class Topic(models.Model):
    slug = models.SlugField(unique=True, help_text=_("URL name shared by the topic's articles."))
    order = models.PositiveSmallIntegerField(default=0, help_text=_("Position in topic lists."))
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    lab = models.SlugField(
        blank=True, help_text=_("Slug of the lab that demonstrates this topic, if any.")
    )

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_zh_hans if language == "zh-hans" else self.name_en


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language: str) -> ArticleQuerySet:
        return self.filter(language=language)

    def for_listing(self) -> ArticleQuerySet:
        return self.select_related("topic").defer("body", "body_html", "toc_html", "body_text")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    slug = models.SlugField(
        max_length=80, help_text=_("The two languages of one article share a slug.")
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=400, help_text=_("One or two sentences for lists and search.")
    )
    body = models.TextField(help_text=_("Markdown. Rendered and sanitised when saved."))
    body_html = models.TextField(editable=False, default="")
    toc_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="", help_text=_("Plain text for search."))
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["topic__order", "language"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_slug_language"),
        ]
        indexes = [models.Index(fields=["language", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        from django.utils.translation import override

        with override(self.language):
            return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def render(self) -> None:
        rendered = render(self.body)
        self.body_html = rendered.html
        self.toc_html = rendered.toc_html
        self.body_text = rendered.text
        self.reading_minutes = rendered.reading_minutes

    def save(self, *args, author=None, note: str = "", **kwargs) -> None:
        """Render on save, and record a revision whenever the title or body changed."""
        self.body = self.body.replace("\r\n", "\n")  # textareas post CRLF; files use LF
        previous = None
        if self.pk:
            previous = Article.objects.filter(pk=self.pk).values("title", "body").first()
        self.render()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        if previous != {"title": self.title, "body": self.body}:
            Revision.objects.create(
                article=self,
                title=self.title,
                body=self.body,
                author=author,
                note=note[:200] or ("created" if previous is None else ""),
            )


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.article} @ {self.created_at:%Y-%m-%d %H:%M}"
