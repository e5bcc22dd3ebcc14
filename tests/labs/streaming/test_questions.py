import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labs.streaming.questions  # noqa: F401  (registers the generators)
from labs.streaming.limits import (
    CHUNKED_CHUNKS,
    CHUNKED_INTERVAL_MS,
    CHUNKED_MAX_TOTAL_MS,
    ROOM_NAME_RE,
    chunked_params_ok,
    chunked_total_ms,
)
from labs.streaming.ranges import plan_range_response
from quizzes.generated import generate, names

# Timing belongs in bench/: a loaded CI machine must not turn slow examples into failures.
no_deadline = settings(deadline=None)

LANGUAGES = ("zh-hans", "en")
seeds = st.integers(0, 2**32)


def test_both_generators_are_registered():
    assert {"streaming.range-response", "streaming.chunk-size-line"} <= set(names())


@pytest.mark.parametrize("name", ["streaming.range-response", "streaming.chunk-size-line"])
@no_deadline
@given(seed=seeds)
def test_the_same_seed_gives_the_same_question(name, seed):
    for language in LANGUAGES:
        assert generate(name, seed, language) == generate(name, seed, language)


@no_deadline
@given(seed=seeds, language=st.sampled_from(LANGUAGES))
def test_range_question_has_four_distinct_choices_and_the_engine_s_answer(seed, language):
    question = generate("streaming.range-response", seed, language)
    assert question.kind == "single"
    texts = [choice.text for choice in question.choices]
    assert len(texts) == 4 == len(set(texts))
    assert all(choice.feedback for choice in question.choices)
    header = re.search(r"`Range: (bytes=[^`]*)`", question.prompt)[1]
    plan = plan_range_response(
        length=10_000, content_type="application/octet-stream", headers={"Range": header}
    )
    (correct,) = [choice.text for choice in question.choices if choice.correct]
    assert str(plan.status) in correct
    content_range = plan.header("Content-Range")
    if content_range is None:
        assert "Content-Range:" not in correct
    else:
        assert f"`Content-Range: {content_range}`" in correct


def test_range_question_covers_every_outcome():
    statuses = set()
    for seed in range(200):
        question = generate("streaming.range-response", seed, "en")
        (correct,) = [choice.text for choice in question.choices if choice.correct]
        statuses.add(correct[1:4])
    assert statuses == {"200", "206", "416"}


@no_deadline
@given(seed=seeds)
def test_chunk_size_answer_is_the_hex_of_the_size_in_either_case(seed):
    question = generate("streaming.chunk-size-line", seed, "en")
    size = int(re.search(r"chunk of ([0-9,]+) bytes", question.prompt)[1].replace(",", ""))
    assert question.kind == "text"
    assert format(size, "x") in question.accepted
    assert format(size, "X") in question.accepted


def test_chunk_size_500_is_1f4():
    for seed in range(500):
        question = generate("streaming.chunk-size-line", seed, "en")
        if "chunk of 500 bytes" in question.prompt:
            assert set(question.accepted) == {"1f4", "1F4"}
            return
    pytest.fail("no seed produced a 500-byte chunk")


@pytest.mark.parametrize("name", ["streaming.range-response", "streaming.chunk-size-line"])
def test_chinese_text_uses_full_width_punctuation_and_spaces_around_latin(name):
    for seed in range(30):
        question = generate(name, seed, "zh-hans")
        for text in (question.prompt, question.explanation):
            prose = re.sub(r"`[^`]*`", "`code`", text)
            assert not re.search(r"[\u4e00-\u9fff][,.:;?!()]", prose), prose
            assert not re.search(r"[\u4e00-\u9fff][A-Za-z0-9`]", prose), prose
            assert not re.search(r"[A-Za-z0-9`][\u4e00-\u9fff]", prose), prose


# --- Bounds ------------------------------------------------------------------------------------


def test_no_allowed_chunked_stream_runs_longer_than_the_cap():
    assert chunked_params_ok(CHUNKED_CHUNKS.maximum, 200)
    assert not chunked_params_ok(CHUNKED_CHUNKS.maximum, CHUNKED_INTERVAL_MS.maximum)
    for chunks in range(CHUNKED_CHUNKS.minimum, CHUNKED_CHUNKS.maximum + 1):
        for interval in range(0, CHUNKED_INTERVAL_MS.maximum + 1, 50):
            if chunked_params_ok(chunks, interval):
                assert chunked_total_ms(chunks, interval) <= CHUNKED_MAX_TOTAL_MS


def test_out_of_range_parameters_are_rejected():
    assert not chunked_params_ok(0, 100)
    assert not chunked_params_ok(51, 0)
    assert not chunked_params_ok(5, -1)
    assert not chunked_params_ok(True, 100)


def test_room_name_pattern_is_ascii_only():
    assert ROOM_NAME_RE.fullmatch("lobby_2")
    assert not ROOM_NAME_RE.fullmatch("大厅")
