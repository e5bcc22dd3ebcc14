"""Who is answering, from the request: the account's learner, or the session's anonymous one.

The session also remembers the open ticket of each quiz, so a reload shows the same attempt
(same choice order, same generated numbers) until it is submitted.
"""

from __future__ import annotations

from quizzes.models import Attempt, Learner, Quiz
from quizzes.services import learner_for_user
from quizzes.tickets import BadTicket, Ticket, new_ticket, read_ticket

SESSION_LEARNER = "quizzes:learner"
SESSION_TICKETS = "quizzes:tickets"


def current_learner(request, *, create: bool = False) -> Learner | None:
    """The learner for this request; an anonymous one is created only when ``create``."""
    if request.user.is_authenticated:
        return learner_for_user(request.user)
    learner_id = request.session.get(SESSION_LEARNER)
    if learner_id is not None:
        learner = Learner.objects.filter(pk=learner_id, user=None).first()
        if learner is not None:
            return learner
    if not create:
        return None
    learner = Learner.objects.create()
    request.session[SESSION_LEARNER] = learner.pk
    return learner


def _submitted(learner: Learner | None, ticket: Ticket) -> bool:
    if learner is None:
        return False
    return Attempt.objects.finished().filter(learner=learner, key=ticket.key).exists()


def open_ticket(request, quiz: Quiz, learner: Learner | None) -> Ticket:
    """This quiz's open ticket from the session, or a new one for the whole quiz."""
    tickets = request.session.get(SESSION_TICKETS, {})
    text = tickets.get(str(quiz.pk))
    if text:
        try:
            ticket = read_ticket(text)
        except BadTicket:
            ticket = None
        if ticket and ticket.quiz_id == quiz.pk and not _submitted(learner, ticket):
            return ticket
    ticket = new_ticket(quiz.pk, quiz.questions.values_list("pk", flat=True))
    remember_ticket(request, quiz, ticket)
    return ticket


def remember_ticket(request, quiz: Quiz, ticket: Ticket | None) -> None:
    tickets = dict(request.session.get(SESSION_TICKETS, {}))
    if ticket is None:
        tickets.pop(str(quiz.pk), None)
    else:
        tickets[str(quiz.pk)] = ticket.sign()
    request.session[SESSION_TICKETS] = tickets
