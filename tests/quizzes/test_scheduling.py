"""FSRS scheduling of quiz answers (pure: no database)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating, State

from quizzes.scheduling import Memory, end_of_day, rating_for, retrievability, review

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def test_the_grade_is_the_rating():
    assert rating_for(1.0) == Rating.Good
    assert rating_for(0.5) == Rating.Hard
    assert rating_for(0.0) == Rating.Again


def test_a_missed_question_is_due_again_today():
    memory = review(None, points=0, now=MORNING)
    assert memory.due < end_of_day(MORNING, SHANGHAI)
    assert memory.due - MORNING <= timedelta(minutes=10)


def test_a_question_answered_right_the_first_time_moves_days_into_the_future():
    memory = review(None, points=1, now=MORNING)
    assert memory.state == State.Review
    assert memory.due >= end_of_day(MORNING, SHANGHAI)
    assert memory.due - MORNING >= timedelta(days=1)


def test_each_right_answer_pushes_the_next_review_further_out():
    memory = review(None, points=1, now=MORNING)
    intervals = []
    for _ in range(4):
        now = memory.due
        memory = review(memory, points=1, now=now)
        intervals.append(memory.due - now)
    assert intervals == sorted(intervals)
    assert intervals[-1] > intervals[0]


def test_forgetting_a_known_question_brings_it_back_today_and_counts_a_lapse():
    memory = review(None, points=1, now=MORNING)
    later = memory.due + timedelta(hours=1)
    forgotten = review(memory, points=0, now=later)
    assert forgotten.state == State.Relearning
    assert forgotten.lapses == 1 and forgotten.reps == 2
    assert forgotten.due < end_of_day(later, SHANGHAI)


def test_partial_credit_keeps_a_new_question_in_learning_for_today():
    memory = review(None, points=0.5, now=MORNING)
    assert memory.state == State.Learning
    assert memory.due < end_of_day(MORNING, SHANGHAI)


def test_scheduling_is_deterministic():
    first = review(review(None, points=1, now=MORNING), points=1, now=MORNING + timedelta(days=3))
    second = review(review(None, points=1, now=MORNING), points=1, now=MORNING + timedelta(days=3))
    assert first == second


def test_retrievability_falls_with_time():
    memory = review(None, points=1, now=MORNING)
    soon = retrievability(memory, now=MORNING + timedelta(days=1))
    late = retrievability(memory, now=MORNING + timedelta(days=30))
    assert 0 < late < soon <= 1
    assert retrievability(Memory(), now=MORNING) == 0


def test_end_of_day_is_local_midnight():
    late_evening = datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI)
    assert end_of_day(late_evening, SHANGHAI) == datetime(2026, 3, 3, 0, 0, tzinfo=SHANGHAI)
    utc_evening = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # already the 3rd in Shanghai
    assert end_of_day(utc_evening, SHANGHAI) == datetime(2026, 3, 4, 0, 0, tzinfo=SHANGHAI)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        review(None, points=1, now=datetime(2026, 3, 2, 9, 0))


def test_a_question_missed_just_before_midnight_stays_in_todays_queue():
    from quizzes.scheduling import queue_cutoff

    just_before_midnight = datetime(2026, 3, 2, 23, 55, tzinfo=SHANGHAI)
    missed = review(None, points=0.0, now=just_before_midnight)
    assert missed.due < queue_cutoff(just_before_midnight, SHANGHAI)
    known = review(None, points=1.0, now=just_before_midnight)
    assert known.due >= queue_cutoff(just_before_midnight, SHANGHAI)
