"""Quizzes, their questions and choices; learners, their attempts, responses and review states.

Prompts, explanations, choices and feedback are Markdown, rendered and sanitised once on save
by the articles pipeline (``articles.markdown``); pages show the stored HTML.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from articles.markdown import render, render_inline
from articles.models import LANGUAGE_CHOICES, Article, Topic
from quizzes import generated

HEADING_ID = re.compile(r'<h[1-6][^>]*\sid="([^"]+)"')


class QuizQuerySet(models.QuerySet):
    def published(self) -> QuizQuerySet:
        return self.filter(status=Quiz.Status.PUBLISHED)

    def in_language(self, language: str) -> QuizQuerySet:
        return self.filter(language=language)


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

    def save(self, *args, **kwargs) -> None:
        self.description_html = render_inline(self.description) if self.description else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        with override(self.language):
            return reverse("quizzes:detail", kwargs={"slug": self.slug})

    def article_url(self, anchor: str = "") -> str:
        with override(self.language):
            url = reverse("articles:detail", kwargs={"slug": self.topic.slug})
        return f"{url}#{anchor}" if anchor else url


def article_anchors(article: Article | None) -> set[str]:
    """The ids of the article's headings, as rendered (what `#anchor` links can reach)."""
    return set(HEADING_ID.findall(article.body_html)) if article else set()


class QuestionQuerySet(models.QuerySet):
    def with_statistics(self) -> QuestionQuerySet:
        """Moodle-style item statistics: attempts (responses), facility (mean score, %) and
        the wrong choice picked most often (its id and pick count)."""
        top_wrong = (
            Choice.objects.filter(question=OuterRef("pk"), correct=False)
            .annotate(picks=Count("responses"))
            .filter(picks__gt=0)
            .order_by("-picks", "position")
        )
        return self.annotate(
            answered=Count("responses", distinct=True),
            points_total=Sum("responses__points"),
            top_wrong_choice_id=Subquery(top_wrong.values("pk")[:1]),
            top_wrong_picks=Subquery(top_wrong.values("picks")[:1]),
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUEFALSE = "truefalse", _("true or false")
        NUMERIC = "numeric", _("number")
        TEXT = "text", _("short text")
        OUTPUT = "output", _("predict the output")
        GENERATED = "generated", _("generated")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        max_length=80, help_text=_("Stable id within the quiz, the same in both languages.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    prompt = models.TextField(
        blank=True, help_text=_("Markdown. Generated questions take theirs from the generator.")
    )
    prompt_html = models.TextField(editable=False, default="")
    explanation = models.TextField(
        blank=True, help_text=_("Markdown, shown after answering: why the right answer is right.")
    )
    explanation_html = models.TextField(editable=False, default="")
    anchor = models.SlugField(
        max_length=120, help_text=_("The article section ({#id}) that teaches this question.")
    )
    tags = models.JSONField(default=list, blank=True, help_text=_("Topics of the question."))
    answer_number = models.FloatField(
        null=True, blank=True, help_text=_("Numeric questions: the answer.")
    )
    tolerance = models.FloatField(
        default=0, help_text=_("Numeric questions: accepted absolute difference from the answer.")
    )
    answer_bool = models.BooleanField(
        null=True, blank=True, help_text=_("True/false questions: the answer.")
    )
    accepted = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Short-text questions: accepted answers (case, width and spaces ignored)."),
    )
    code = models.TextField(
        blank=True,
        help_text=_(
            "Predict-the-output questions: the program, or import-lab steps one per line "
            "when a scenario is set."
        ),
    )
    code_html = models.TextField(editable=False, default="")
    expected = models.TextField(
        blank=True, help_text=_("Predict-the-output questions: the exact standard output.")
    )
    scenario = models.CharField(
        max_length=60, blank=True, help_text=_("Predict-the-output questions: import-lab scenario.")
    )
    generator = models.CharField(
        max_length=80, blank=True, help_text=_("Generated questions: the registered generator.")
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="question_quiz_key"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug}/{self.key}"

    @property
    def is_choice(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def render(self) -> None:
        self.prompt_html = render(self.prompt).html if self.prompt else ""
        self.explanation_html = render(self.explanation).html if self.explanation else ""
        self.code_html = render(f"```python\n{self.code.strip()}\n```").html if self.code else ""

    def save(self, *args, **kwargs) -> None:
        self.render()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind != self.Kind.GENERATED and not self.prompt.strip():
            errors["prompt"] = _("A prompt is required.")
        if self.kind == self.Kind.NUMERIC and self.answer_number is None:
            errors["answer_number"] = _("A numeric question needs an answer.")
        if self.tolerance is not None and self.tolerance < 0:
            errors["tolerance"] = _("The tolerance cannot be negative.")
        if self.kind == self.Kind.TRUEFALSE and self.answer_bool is None:
            errors["answer_bool"] = _("A true/false question needs an answer.")
        if self.kind == self.Kind.TEXT and not (
            isinstance(self.accepted, list) and self.accepted and all(self.accepted)
        ):
            errors["accepted"] = _("A short-text question needs a list of accepted answers.")
        if self.kind == self.Kind.OUTPUT and not self.code.strip():
            errors["code"] = _("A predict-the-output question needs code.")
        if self.kind == self.Kind.GENERATED and self.generator not in generated.names():
            errors["generator"] = _("No generator is registered under this name.")
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            errors["tags"] = _("Tags are a list of strings.")
        if errors:
            raise ValidationError(errors)

    def article_url(self) -> str:
        return self.quiz.article_url(self.anchor)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(help_text=_("Markdown (inline)."))
    text_html = models.TextField(editable=False, default="")
    correct = models.BooleanField(default=False)
    feedback = models.TextField(
        blank=True, help_text=_("Markdown: why this is tempting, why it is wrong (or right).")
    )
    feedback_html = models.TextField(editable=False, default="")
    misconception = models.SlugField(
        max_length=80,
        blank=True,
        help_text=_("For a wrong choice: the misconception that picking it reveals."),
    )

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs) -> None:
        self.text_html = render_inline(self.text)
        self.feedback_html = render(self.feedback).html if self.feedback else ""
        super().save(*args, **kwargs)


class Learner(models.Model):
    """Whoever answers: an account, or an anonymous visitor known by their session.

    An anonymous learner's id lives in the session; logging in or signing up merges it into
    the account's learner (``quizzes.services.adopt_session_learner``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="learner",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user) if self.user_id else f"anonymous #{self.pk}"


class AttemptQuerySet(models.QuerySet):
    def finished(self) -> AttemptQuerySet:
        return self.filter(finished_at__isnull=False)


class Attempt(models.Model):
    class Mode(models.TextChoices):
        QUIZ = "quiz", _("quiz")
        PRACTICE = "practice", _("practice")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    key = models.UUIDField(help_text=_("The submission key: a resubmission finds this attempt."))
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.QUIZ)
    question_ids = models.JSONField(default=list, help_text=_("The questions asked, in order."))
    seed = models.BigIntegerField(help_text=_("Orders the choices and draws generated questions."))
    score = models.FloatField(default=0)
    max_score = models.FloatField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "key"], name="attempt_learner_key"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.quiz} · {self.key}"

    @property
    def percent(self) -> float:
        return 100 * self.score / self.max_score if self.max_score else 0.0

    def get_absolute_url(self) -> str:
        with override(self.quiz.language):
            return reverse("quizzes:results", kwargs={"slug": self.quiz.slug, "key": self.key})


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    answer = models.JSONField(
        help_text=_("The answer as graded: choice ids, a number, true/false or text.")
    )
    choices = models.ManyToManyField(Choice, blank=True, related_name="responses")
    seed = models.BigIntegerField(help_text=_("Rebuilds the generated question that was shown."))
    correct = models.BooleanField(default=False)
    points = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.points:g}"


class ReviewStateQuerySet(models.QuerySet):
    def for_learner(self, learner: Learner | None) -> ReviewStateQuerySet:
        return self.filter(learner=learner) if learner else self.none()

    def in_language(self, language: str) -> ReviewStateQuerySet:
        return self.filter(question__quiz__language=language, question__quiz__status="published")

    def due_before(self, moment: datetime) -> ReviewStateQuerySet:
        return self.filter(due__lt=moment).order_by("due", "pk")

    def mistakes(self) -> ReviewStateQuerySet:
        """The mistakes notebook: questions whose latest answer was not fully right."""
        return self.filter(last_correct=False)


class ReviewState(models.Model):
    """FSRS memory of one question for one learner (see ``quizzes.scheduling``)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="review_states")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_states")
    state = models.PositiveSmallIntegerField(
        help_text=_("FSRS: 1 learning, 2 review, 3 relearning.")
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    last_correct = models.BooleanField(default=False)
    last_response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewStateQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="review_once"),
        ]
        indexes = [models.Index(fields=["learner", "due"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.question} · due {self.due:%Y-%m-%d %H:%M}"
