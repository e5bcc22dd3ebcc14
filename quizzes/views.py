from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from quizzes.models import Quiz


@require_GET
def index(request):
    quizzes = Quiz.objects.published().filter(language=get_language()).select_related("topic")
    return render(request, "quizzes/index.html", {"quizzes": quizzes, "nav": "quizzes"})


@require_GET
def detail(request, slug):
    quiz = get_object_or_404(Quiz.objects.published(), slug=slug, language=get_language())
    return render(request, "quizzes/detail.html", {"quiz": quiz, "nav": "quizzes"})


@require_GET
def practice(request):
    return render(request, "quizzes/practice.html", {"nav": "practice"})
