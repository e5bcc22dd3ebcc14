"""Quiz admin: a quiz with its questions inline, a question with its choices inline, and
Moodle-style item statistics per question (attempts, facility, most-chosen wrong option)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from quizzes.models import Attempt, Choice, Learner, Question, Quiz, ReviewState


def facility(question: Question) -> str:
    """Mean score in percent: Moodle's facility index."""
    answered = getattr(question, "answered", 0)
    if not answered:
        return "—"
    return f"{100 * (question.points_total or 0) / answered:.0f}%"


def top_wrong(question: Question, choices: dict[int, Choice] | None = None) -> str:
    choice_id = getattr(question, "top_wrong_choice_id", None)
    if choice_id is None:
        return "—"
    choice = (choices or {}).get(choice_id) or Choice.objects.get(pk=choice_id)
    return f"{choice.text[:80]} ({question.top_wrong_picks}×)"


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "text", "correct", "feedback", "misconception"]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True
    fields = [
        ("position", "key", "kind"),
        "prompt",
        "explanation",
        ("anchor", "tags"),
        ("answer_number", "tolerance", "answer_bool"),
        "accepted",
        ("code", "expected"),
        ("scenario", "generator"),
        "statistics",
    ]
    readonly_fields = ["statistics"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_statistics()

    @admin.display(description=_("statistics"))
    def statistics(self, question: Question) -> str:
        if question.pk is None:
            return "—"
        return format_html(
            "{}: {} · {}: {} · {}: {}",
            _("attempts"),
            question.answered,
            _("facility"),
            facility(question),
            _("most-chosen wrong option"),
            top_wrong(question),
        )


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "language", "status", "question_count", "updated_at"]
    list_filter = ["language", "status", "topic"]
    search_fields = ["title", "slug"]
    inlines = [QuestionInline]
    readonly_fields = ["item_statistics"]

    @admin.display(description=_("questions"))
    def question_count(self, quiz: Quiz) -> int:
        return quiz.questions.count()

    @admin.display(description=_("question statistics"))
    def item_statistics(self, quiz: Quiz) -> str:
        if quiz.pk is None:
            return "—"
        questions = list(quiz.questions.with_statistics())
        choices = Choice.objects.in_bulk(
            [q.top_wrong_choice_id for q in questions if q.top_wrong_choice_id]
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (q.position + 1, q.key, q.answered, facility(q), top_wrong(q, choices))
                for q in questions
            ),
        )
        return format_html(
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("question"),
            _("attempts"),
            _("facility"),
            _("most-chosen wrong option"),
            rows,
        )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "attempts", "facility_index", "most_chosen_wrong"]
    list_filter = ["quiz__language", "kind", "quiz"]
    search_fields = ["key", "prompt"]
    inlines = [ChoiceInline]
    list_select_related = ["quiz"]

    def get_queryset(self, request):
        wrong = Prefetch("choices", queryset=Choice.objects.filter(correct=False))
        return super().get_queryset(request).with_statistics().prefetch_related(wrong)

    @admin.display(description=_("attempts"), ordering="answered")
    def attempts(self, question: Question) -> int:
        return question.answered

    @admin.display(description=_("facility"))
    def facility_index(self, question: Question) -> str:
        return facility(question)

    @admin.display(description=_("most-chosen wrong option"))
    def most_chosen_wrong(self, question: Question) -> str:
        return top_wrong(question, {c.pk: c for c in question.choices.all()})


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "learner", "mode", "score", "max_score", "started_at", "finished_at"]
    list_filter = ["mode", "quiz"]
    readonly_fields = [f.name for f in Attempt._meta.fields]


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    readonly_fields = ["user", "created_at"]


@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ["question", "learner", "due", "reps", "lapses", "last_correct"]
    list_filter = ["last_correct"]
    raw_id_fields = ["learner", "question", "last_response"]
