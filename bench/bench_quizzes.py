"""Quiz submissions per second: the service alone, and the whole HTTP path in-process.

Run: .venv/bin/python bench/bench_quizzes.py   (BENCH_SUBMISSIONS=200 to change the count)
Prints figures. Uses a scratch SQLite database (or BENCH_DATABASE_URL, e.g. a scratch PostgreSQL)
loaded with content/, and the 20-question consistent-hashing quiz in English, which has
three generated questions (their generators run the hashring engine on 10,000 keys).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="kbsite-bench-quizzes-"))
# Never the configured database: a scratch SQLite file, or BENCH_DATABASE_URL (PostgreSQL).
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
os.environ.setdefault("KB_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from quizzes.learners import SESSION_TICKETS  # noqa: E402
from quizzes.models import Learner, Quiz  # noqa: E402
from quizzes.presentation import attempt_seed, instance  # noqa: E402
from quizzes.services import attempt_submit  # noqa: E402

COUNT = int(os.environ.get("BENCH_SUBMISSIONS", "200"))
SLUG, LANGUAGE = "consistent-hashing", "en"


def right_answers(quiz: Quiz, key: uuid.UUID) -> dict[int, object]:
    """Typed right answers for the attempt ``key`` (what the form would hand the service)."""
    answers: dict[int, object] = {}
    for question in quiz.questions.prefetch_related("choices"):
        answer_key = instance(question, attempt_seed(key)).answer_key
        if answer_key.kind in ("single", "multiple"):
            answers[question.pk] = sorted(c.id for c in answer_key.choices if c.correct)
        elif answer_key.kind == "truefalse":
            answers[question.pk] = answer_key.truth
        elif answer_key.kind == "numeric":
            answers[question.pk] = answer_key.number
        elif answer_key.kind == "text":
            answers[question.pk] = answer_key.accepted[0]
        else:
            answers[question.pk] = answer_key.expected
    return answers


def report(label: str, seconds: list[float]) -> None:
    total = sum(seconds)
    p50 = statistics.median(seconds) * 1000
    p95 = (
        statistics.quantiles(seconds, n=20)[18] * 1000
        if len(seconds) >= 20
        else max(seconds) * 1000
    )
    print(f"{label:<58} {len(seconds) / total:8.1f}/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def bench_service(quiz: Quiz) -> None:
    ids = list(quiz.questions.values_list("pk", flat=True))
    keys = [uuid.uuid4() for _ in range(COUNT)]
    prepared = [(key, right_answers(quiz, key)) for key in keys]  # generators run here, untimed
    cold, warm = [], []
    for key, answers in prepared:
        learner = Learner.objects.create()
        start = time.perf_counter()
        attempt_submit(learner=learner, quiz=quiz, answers=answers, key=key, question_ids=ids)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()  # the replay a double click sends: nothing is written
        attempt_submit(learner=learner, quiz=quiz, answers=answers, key=key, question_ids=ids)
        warm.append(time.perf_counter() - start)
    report(f"service: attempt_submit, {len(ids)} questions, new attempt", cold)
    report("service: the same submission replayed (idempotent)", warm)


def form_data(page: str, quiz: Quiz, client: Client) -> dict[str, object]:
    """The whole form answered right, with choices picked by their visible position."""
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    from quizzes.tickets import read_ticket

    parsed = read_ticket(ticket)
    data: dict[str, object] = {"ticket": ticket}
    for question in quiz.questions.prefetch_related("choices"):
        inst = instance(question, attempt_seed(parsed.key))
        field = inst.shown.field
        key = inst.answer_key
        if inst.shown.input in ("radio", "checkbox"):
            data[field] = [
                str(i)
                for i, cid in enumerate(inst.option_ids)
                if cid in {c.id for c in key.choices if c.correct}
            ]
        elif inst.shown.input == "truefalse":
            data[field] = "true" if key.truth else "false"
        elif inst.shown.input == "number":
            data[field] = repr(key.number)
        elif inst.shown.input == "text":
            data[field] = key.accepted[0]
        else:
            data[field] = key.expected
    return data


def bench_http(quiz: Quiz) -> None:
    client = Client()
    url = quiz.get_absolute_url()
    pages, submits, steps = [], [], []
    for number in range(COUNT // 2):
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        start = time.perf_counter()
        page = client.get(url).content.decode()
        pages.append(time.perf_counter() - start)
        data = form_data(page, quiz, client)  # untimed: the generators warm the cache here
        start = time.perf_counter()
        response = client.post(f"{url}submit/", data, REMOTE_ADDR=address)
        submits.append(time.perf_counter() - start)
        assert response.status_code == 302, response.status_code
    report("HTTP in-process: GET the whole quiz page", pages)
    report("HTTP in-process: POST the whole quiz (validate, grade, save)", submits)
    for number in range(COUNT // 2):
        session = client.session
        session.pop(SESSION_TICKETS, None)
        session.save()
        step = client.get(f"{url}step/").content.decode()
        data = form_data(step, quiz, client)
        question = re.search(r'name="question" value="(\d+)"', step).group(1)
        field = f"q{question}"
        post = {"ticket": data["ticket"], "question": question, field: data[field]}
        start = time.perf_counter()
        response = client.post(
            f"{url}answer/",
            post,
            HTTP_HX_REQUEST="true",
            REMOTE_ADDR=f"11.0.{number // 256}.{number % 256}",
        )
        steps.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    report("HTTP in-process: POST one answer with htmx (one at a time)", steps)


def main() -> None:
    print(f"database: {connection.vendor}, {COUNT} submissions per figure")
    call_command("migrate", verbosity=0)
    call_command("loadcontent", stdout=open(os.devnull, "w"))  # noqa: SIM115
    quiz = Quiz.objects.get(slug=SLUG, language=LANGUAGE)
    bench_service(quiz)
    bench_http(quiz)


if __name__ == "__main__":
    main()
