"""Quizzes and questions."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from articles.models import LANGUAGE_CHOICES, Topic


class QuizQuerySet(models.QuerySet):
    def published(self) -> QuizQuerySet:
        return self.filter(status=Quiz.Status.PUBLISHED)


class Quiz(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="quizzes")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    slug = models.SlugField(
        max_length=80, help_text=_("The two languages of one quiz share a slug.")
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text=_("Markdown, one paragraph."))
    description_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["topic__order", "language"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="quiz_slug_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        with override(self.language):
            return reverse("quizzes:detail", kwargs={"slug": self.slug})
