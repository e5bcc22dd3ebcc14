"""Attempt tickets: the submission key and the questions of an attempt, signed, in the form.

A ticket travels in a hidden field of every quiz form. Its key is the submission key (a
resubmission with the same key finds the stored attempt), and it fixes the attempt's seed, so
the choice order and generated questions are the same on reload, on grading and on review.
It is signed so that "retake only my mistakes" cannot be widened or narrowed by hand; it
names questions by id only and holds nothing about their answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing

SALT = "quizzes.ticket"
NAMESPACE = uuid.UUID("6f1d2c84-3b0e-4f4a-9a57-2f4f0c1e8d11")


class BadTicket(ValueError):
    pass


@dataclass(frozen=True)
class Ticket:
    key: uuid.UUID
    quiz_id: int
    question_ids: tuple[int, ...]
    mode: str = "quiz"  # "quiz" or "practice"

    def sign(self) -> str:
        payload = {
            "k": self.key.hex,
            "z": self.quiz_id,
            "q": list(self.question_ids),
            "m": self.mode,
        }
        return signing.dumps(payload, salt=SALT, compress=True)


def new_ticket(quiz_id: int, question_ids, mode: str = "quiz") -> Ticket:
    return Ticket(uuid.uuid4(), quiz_id, tuple(question_ids), mode)


def practice_ticket(*, learner_id: int, quiz_id: int, question_id: int, reps: int) -> Ticket:
    """The same review of the same question gets the same key: a reload shows the same
    instance, a double submit finds the stored answer; the next review gets a new key."""
    key = uuid.uuid5(NAMESPACE, f"practice:{learner_id}:{question_id}:{reps}")
    return Ticket(key, quiz_id, (question_id,), "practice")


def read_ticket(text: str) -> Ticket:
    try:
        data = signing.loads(text, salt=SALT)
        ticket = Ticket(
            key=uuid.UUID(hex=data["k"]),
            quiz_id=int(data["z"]),
            question_ids=tuple(int(q) for q in data["q"]),
            mode=str(data.get("m", "quiz")),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadTicket("the quiz form is damaged or out of date") from None
    if not ticket.question_ids or ticket.mode not in ("quiz", "practice"):
        raise BadTicket("the quiz form names no questions")
    return ticket
