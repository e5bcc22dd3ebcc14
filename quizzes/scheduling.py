"""Spaced repetition: when should a learner see a question again? FSRS decides (``fsrs``).

Pure Python, no Django: the service stores a :class:`Memory` per (learner, question) in
``ReviewState`` and calls :func:`review` after every graded answer.

Choices made here:

* A quiz answer is one review. Full marks rate ``Good``, partial credit ``Hard``, a wrong
  answer ``Again`` (we never ask learners to rate themselves: the grade is the rating).
* One 10-minute learning step and one 10-minute relearning step: a missed question comes back
  the same day (into today's queue), a question answered right graduates to days later. The
  default 1-and-10-minute steps suit flash cards flipped in one sitting, not quiz questions.
* No fuzzing: the same answers give the same schedule, which makes the queue explainable
  (and testable). Our queue is per learner, so there is no review pile-up to spread out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from fsrs import Card, Rating, Scheduler, State

LEARNING_STEP = timedelta(minutes=10)
SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(LEARNING_STEP,),
    relearning_steps=(LEARNING_STEP,),
    maximum_interval=365,
    enable_fuzzing=False,
)
NEW_STATE = int(State.Learning)


@dataclass(frozen=True)
class Memory:
    """What FSRS knows about one learner and one question (the columns of ``ReviewState``)."""

    state: int = NEW_STATE
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


def rating_for(points: float) -> Rating:
    if points >= 1:
        return Rating.Good
    if points > 0:
        return Rating.Hard
    return Rating.Again


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC)


def review(memory: Memory | None, *, points: float, now: datetime) -> Memory:
    """The memory after one graded answer at ``now`` (aware datetime)."""
    memory = memory or Memory()
    now = _utc(now)
    card = Card(
        card_id=1,  # unused by the scheduler; passing it avoids Card's 1 ms sleep
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due) if memory.due else now,
        last_review=_utc(memory.last_review) if memory.last_review else None,
    )
    rating = rating_for(points)
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=now)
    lapsed = rating == Rating.Again and memory.state == int(State.Review)
    return Memory(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=memory.reps + 1,
        lapses=memory.lapses + int(lapsed),
    )


def retrievability(memory: Memory, *, now: datetime) -> float:
    """FSRS's estimate (0..1) that the learner would answer right at ``now``."""
    if memory.last_review is None or memory.stability is None:
        return 0.0
    card = Card(
        card_id=1,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due) if memory.due else _utc(now),
        last_review=_utc(memory.last_review),
    )
    return float(SCHEDULER.get_card_retrievability(card, current_datetime=_utc(now)))


# A question missed at 23:55 comes back ten minutes later, after midnight: it still belongs in
# the queue the learner is working through now, so "today" always reaches this far ahead.
LEARN_AHEAD = timedelta(hours=1)


def end_of_day(now: datetime, zone: tzinfo) -> datetime:
    """The first instant of tomorrow in ``zone``."""
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def queue_cutoff(now: datetime, zone: tzinfo) -> datetime:
    """ "Due today" means due before this: the end of the local day, or an hour ahead if later."""
    return max(end_of_day(now, zone), now + LEARN_AHEAD)
