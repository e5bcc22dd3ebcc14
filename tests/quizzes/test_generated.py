"""Generated questions: the registry, the example generator, and grading one generated
instance exactly as the learner saw it."""

import random
import uuid

import pytest

from quizzes import generated
from quizzes.generated import GeneratedChoice, GeneratedQuestion, register
from quizzes.grading import grade
from quizzes.models import Response
from quizzes.presentation import attempt_seed, instance
from quizzes.services import attempt_submit
from tests.factories import make_learner, make_question, make_quiz
from tests.quizzes.conftest import options, ticket_of, url


@register("tests.pick-the-even-number")
def pick_the_even_number(rng: random.Random, language: str) -> GeneratedQuestion:
    """A throwaway single-choice generator: one even number among odd ones."""
    even = rng.randrange(0, 100, 2)
    odds = rng.sample(range(1, 100, 2), 3)
    choices = [GeneratedChoice(f"`{even}`", True)] + [
        GeneratedChoice(f"`{odd}`", False, f"{odd} is odd: {odd} % 2 == 1.") for odd in odds
    ]
    return GeneratedQuestion(
        kind="single",
        prompt=f"Which number is even? ({language})",
        explanation=f"{even} % 2 == 0.",
        choices=tuple(choices),
    )


def test_the_apps_generators_are_registered_on_start_up():
    names = generated.names()
    assert "quizzes.partial-credit" in names
    assert "tests.pick-the-even-number" in names


def test_registering_a_second_function_under_a_taken_name_fails():
    with pytest.raises(ValueError):
        register("quizzes.partial-credit")(lambda rng, language: None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_example_generator_is_deterministic_and_its_answer_follows_the_rule(language):
    for seed in range(50):
        question = generated.generate("quizzes.partial-credit", seed, language)
        assert question == generated.generate("quizzes.partial-credit", seed, language)
        assert question.kind == "numeric" and 0 <= question.answer <= 100
        assert f"{question.answer:g}%" in question.explanation


def test_different_seeds_give_different_instances():
    prompts = {generated.generate("quizzes.partial-credit", s, "en").prompt for s in range(30)}
    assert len(prompts) > 5


@pytest.mark.django_db
def test_a_generated_choice_question_is_shuffled_and_graded_by_its_seed(client):
    quiz = make_quiz(language="en")
    question = make_question(quiz, "generated", generator="tests.pick-the-even-number")
    page = client.get(url("detail", quiz)).content.decode()
    shown = options(page)[f"q{question.pk}"]
    even = next(text for text in shown if int(text) % 2 == 0)
    data = {"ticket": ticket_of(page), f"q{question.pk}": shown[even]}
    results = client.post(url("submit", quiz), data, follow=True).content.decode()
    assert "✓ Right" in results and f"{even} % 2 == 0." in results
    response = Response.objects.get()
    rebuilt = instance(question, response.attempt.seed)
    assert rebuilt.seed == response.seed
    assert f"<code>{even}</code>" in "".join(o.html for o in rebuilt.shown.options)


@pytest.mark.django_db
def test_the_review_shows_the_same_generated_numbers_the_learner_answered():
    quiz = make_quiz(language="en")
    question = make_question(quiz, "generated")  # the partial-credit example
    key = uuid.uuid4()
    seen = instance(question, attempt_seed(key))
    attempt_submit(
        learner=make_learner(),
        quiz=quiz,
        answers={question.pk: -1.0},
        key=key,
        question_ids=[question.pk],
    )
    response = Response.objects.get()
    assert not response.correct
    again = instance(question, response.attempt.seed)
    assert again.shown.prompt_html == seen.shown.prompt_html
    assert grade(again.answer_key, seen.answer_key.number).correct
