import asyncio
import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.streaming.limits import RANGE_HEADER_MAX_CHARS, RANGE_MAX_PARTS
from labs.streaming.ranges import (
    ByteRange,
    RepresentationChangedError,
    aiter_body,
    coalesce_ranges,
    format_http_date,
    if_range_matches,
    iter_body,
    iter_span,
    parse_http_date,
    parse_multipart_byteranges,
    parse_range_header,
    plan_range_response,
)
from labs.streaming.sample import (
    SAMPLE_CONTENT_TYPE,
    SAMPLE_ETAG,
    SAMPLE_LABEL,
    SAMPLE_LAST_MODIFIED,
    SAMPLE_SHA256,
    SAMPLE_SIZE,
    counter_mode_bytes,
    sample_bytes,
    sample_file,
)

# Timing belongs in bench/: a loaded CI machine must not turn slow examples into failures.
no_deadline = settings(deadline=None)

DATA = sample_bytes()
L = SAMPLE_SIZE


def plan(range_value=None, *, if_range=None, method="GET", **kwargs):
    headers = {}
    if range_value is not None:
        headers["Range"] = range_value
    if if_range is not None:
        headers["If-Range"] = if_range
    options = {
        "length": L,
        "content_type": SAMPLE_CONTENT_TYPE,
        "etag": SAMPLE_ETAG,
        "last_modified": SAMPLE_LAST_MODIFIED,
    }
    options.update(kwargs)
    return plan_range_response(headers=headers, method=method, **options)


def served(response_plan) -> bytes:
    return b"".join(iter_body(sample_file(), response_plan))


# --- The sample file ---------------------------------------------------------------------------


def test_sample_is_ten_thousand_bytes_of_sha256_counter_mode():
    assert len(DATA) == 10_000
    assert DATA[:32] == hashlib.sha256(SAMPLE_LABEL + (0).to_bytes(8, "big")).digest()
    assert counter_mode_bytes(SAMPLE_LABEL, 10_000) == DATA
    assert hashlib.sha256(DATA).hexdigest() == SAMPLE_SHA256


def test_sample_etag_is_a_strong_quoted_prefix_of_the_checksum():
    assert f'"{SAMPLE_SHA256[:32]}"' == SAMPLE_ETAG
    assert not SAMPLE_ETAG.startswith("W/")


# --- Single ranges -----------------------------------------------------------------------------


def test_first_500_bytes_get_206_with_content_range():
    p = plan("bytes=0-499")
    assert p.status == 206
    assert p.header("Content-Range") == "bytes 0-499/10000"
    assert p.header("Content-Length") == "500"
    assert served(p) == DATA[:500]


def test_suffix_range_serves_the_last_n_bytes():
    p = plan("bytes=-500")
    assert p.status == 206
    assert p.header("Content-Range") == "bytes 9500-9999/10000"
    assert served(p) == DATA[-500:]


def test_open_ended_range_runs_to_the_end():
    p = plan("bytes=9500-")
    assert p.header("Content-Range") == "bytes 9500-9999/10000"
    assert served(p) == DATA[9500:]


def test_range_starting_at_the_length_is_unsatisfiable_416():
    p = plan("bytes=10000-")
    assert p.status == 416
    assert p.header("Content-Range") == "bytes */10000"
    assert p.header("Content-Length") == "0"
    assert served(p) == b""


def test_suffix_longer_than_the_file_serves_the_whole_file_as_206():
    p = plan("bytes=-20000")
    assert p.status == 206
    assert p.header("Content-Range") == "bytes 0-9999/10000"
    assert served(p) == DATA


def test_last_pos_past_the_end_is_clamped():
    p = plan("bytes=9990-20000")
    assert p.header("Content-Range") == "bytes 9990-9999/10000"
    assert served(p) == DATA[9990:]


def test_zero_length_suffix_is_unsatisfiable():
    assert plan("bytes=-0").status == 416


def test_range_unit_is_case_insensitive_and_list_whitespace_is_allowed():
    p = plan("Bytes= 0-9 , ,20-29")
    assert p.status == 206
    assert p.ranges == (ByteRange(0, 9), ByteRange(20, 29))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes=abc",
        "bytes=1-2-3",
        "bytes = 0-1",
        "bytes=0x10-20",
        "bytes=½-3",
        "bytes=١-٣",  # Arabic-Indic digits are not DIGIT
        "bytes=0-1,oops",
        "=0-1",
    ],
)
def test_malformed_range_is_ignored_and_the_whole_file_is_sent(value):
    p = plan(value)
    assert p.status == 200
    assert p.header("Content-Range") is None
    assert p.reason == "malformed"
    assert served(p) == DATA


def test_last_pos_before_first_pos_voids_the_whole_header():
    p = plan("bytes=0-9,500-100")
    assert (p.status, p.reason) == (200, "invalid-range")


def test_unknown_range_unit_is_ignored():
    p = plan("items=0-5")
    assert (p.status, p.reason) == (200, "unsupported-unit")


def test_range_is_ignored_for_methods_other_than_get():
    p = plan("bytes=0-9", method="POST")
    assert (p.status, p.reason) == (200, "method-not-get")


def test_no_range_header_gets_the_full_200_with_validators():
    p = plan()
    assert p.status == 200
    assert p.header("Accept-Ranges") == "bytes"
    assert p.header("ETag") == SAMPLE_ETAG
    assert p.header("Last-Modified") == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert p.header("Content-Length") == "10000"
    assert p.content_length == 10_000


def test_header_names_match_case_insensitively_in_a_plain_dict():
    p = plan_range_response(
        length=L, content_type=SAMPLE_CONTENT_TYPE, headers={"range": "bytes=0-0"}
    )
    assert p.status == 206


def test_empty_representation_ignores_range():
    p = plan("bytes=0-0", length=0)
    assert (p.status, p.reason, p.body) == (200, "empty-representation", ())


def test_overlong_header_is_ignored_without_parsing():
    p = plan("bytes=" + "0" * RANGE_HEADER_MAX_CHARS + "-1")
    assert (p.status, p.reason) == (200, "header-too-long")


def test_more_ranges_than_the_cap_are_ignored():
    many = ",".join(f"{i * 10}-{i * 10 + 1}" for i in range(RANGE_MAX_PARTS + 1))
    assert plan(f"bytes={many}").reason == "too-many-ranges"
    few = ",".join(f"{i * 10}-{i * 10 + 1}" for i in range(RANGE_MAX_PARTS))
    assert plan(f"bytes={few}").status == 206


def test_unsatisfiable_ranges_are_dropped_when_another_is_satisfiable():
    p = plan("bytes=20000-30000,0-9")
    assert p.status == 206
    assert p.header("Content-Range") == "bytes 0-9/10000"


# --- Several ranges: coalescing and multipart/byteranges ----------------------------------------


def test_overlapping_and_adjacent_ranges_coalesce_into_one_plain_206():
    p = plan("bytes=0-99,50-199,200-299")
    assert p.status == 206
    assert p.header("Content-Type") == SAMPLE_CONTENT_TYPE
    assert p.header("Content-Range") == "bytes 0-299/10000"
    assert served(p) == DATA[:300]


def test_coalesced_parts_keep_the_order_the_client_asked_for():
    ranges = [ByteRange(500, 599), ByteRange(0, 9), ByteRange(590, 700), ByteRange(10, 19)]
    assert coalesce_ranges(ranges) == [ByteRange(500, 700), ByteRange(0, 19)]


def test_several_ranges_make_a_multipart_byteranges_body():
    p = plan("bytes=0-9,100-109,-5")
    content_type = p.header("Content-Type")
    assert p.status == 206
    assert p.header("Content-Range") is None
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.split("boundary=", 1)[1]
    body = served(p)
    assert len(body) == int(p.header("Content-Length")) == p.content_length
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert body.endswith(f"\r\n--{boundary}--\r\n".encode())
    parts = parse_multipart_byteranges(body, boundary)
    assert [part.content_range for part in parts] == [
        "bytes 0-9/10000",
        "bytes 100-109/10000",
        "bytes 9995-9999/10000",
    ]
    assert [part.data for part in parts] == [DATA[0:10], DATA[100:110], DATA[9995:]]
    assert all(dict(part.headers)["Content-Type"] == SAMPLE_CONTENT_TYPE for part in parts)


def test_multipart_boundary_is_deterministic_and_can_be_chosen():
    assert plan("bytes=0-1,5-6").header("Content-Type") == plan("bytes=0-1,5-6").header(
        "Content-Type"
    )
    chosen = plan("bytes=0-1,5-6", boundary="THIS_STRING_SEPARATES")
    assert chosen.header("Content-Type").endswith("boundary=THIS_STRING_SEPARATES")
    with pytest.raises(ValueError):
        plan("bytes=0-1,5-6", boundary="bad boundary\r\n")


# --- If-Range ----------------------------------------------------------------------------------


def test_if_range_with_the_current_strong_etag_serves_the_range():
    assert plan("bytes=0-9", if_range=SAMPLE_ETAG).status == 206


def test_if_range_with_a_stale_etag_sends_the_full_representation():
    p = plan("bytes=0-9", if_range='"stale"')
    assert (p.status, p.reason) == (200, "if-range-mismatch")
    assert served(p) == DATA


def test_weak_etags_never_match_if_range():
    assert plan("bytes=0-9", if_range="W/" + SAMPLE_ETAG).status == 200
    weak_current = plan("bytes=0-9", if_range='W/"v1"', etag='W/"v1"')
    assert weak_current.status == 200


def test_if_range_with_the_exact_last_modified_date_serves_the_range():
    assert plan("bytes=0-9", if_range="Wed, 01 Jan 2025 00:00:00 GMT").status == 206


def test_if_range_with_any_other_date_sends_the_full_representation():
    later = format_http_date(SAMPLE_LAST_MODIFIED + timedelta(seconds=1))
    earlier = format_http_date(SAMPLE_LAST_MODIFIED - timedelta(days=1))
    assert plan("bytes=0-9", if_range=later).status == 200
    assert plan("bytes=0-9", if_range=earlier).status == 200


def test_if_range_date_without_last_modified_fails_safe():
    p = plan("bytes=0-9", if_range="Wed, 01 Jan 2025 00:00:00 GMT", last_modified=None)
    assert p.status == 200


def test_false_if_range_beats_an_unsatisfiable_range():
    assert plan("bytes=20000-", if_range='"stale"').status == 200


def test_if_range_without_range_is_ignored():
    assert plan(if_range='"stale"').reason == "no-range"


def test_if_range_garbage_is_a_failed_condition():
    assert not if_range_matches("yesterday", etag=SAMPLE_ETAG, last_modified=SAMPLE_LAST_MODIFIED)


@pytest.mark.parametrize(
    "value",
    ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"],
)
def test_all_three_http_date_forms_parse(value):
    now = datetime(2025, 6, 1, tzinfo=UTC)
    assert parse_http_date(value, now=now) == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_impossible_dates_do_not_parse():
    assert parse_http_date("Mon, 31 Feb 2025 00:00:00 GMT") is None
    assert parse_http_date("Mon, 01 Jan 2025 24:00:00 GMT") is None


def test_format_http_date_is_imf_fixdate():
    assert format_http_date(datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)) == (
        "Sun, 06 Nov 1994 08:49:37 GMT"
    )


# --- Reading spans lazily ----------------------------------------------------------------------


def test_iter_span_reads_in_bounded_chunks():
    chunks = list(iter_span(sample_file(), ByteRange(10, 30), chunk_size=4))
    assert b"".join(chunks) == DATA[10:31]
    assert max(len(chunk) for chunk in chunks) == 4


def test_a_file_shorter_than_planned_is_reported():
    with pytest.raises(RepresentationChangedError):
        list(iter_span(io.BytesIO(b"short"), ByteRange(0, 99)))


def test_async_body_matches_the_sync_body():
    p = plan("bytes=0-9,5000-5999,-10")

    async def collect():
        return b"".join([chunk async for chunk in aiter_body(sample_file(), p, chunk_size=333)])

    assert asyncio.run(collect()) == served(p)


# --- Properties --------------------------------------------------------------------------------

int_range = st.tuples(st.integers(0, 12_000), st.integers(0, 12_000)).map(sorted)
spec = st.one_of(
    int_range.map(lambda r: ("int", r[0], r[1])),
    st.integers(0, 12_000).map(lambda first: ("open", first, None)),
    st.integers(0, 12_000).map(lambda n: ("suffix", n, None)),
)


def spec_text(item) -> str:
    kind, a, b = item
    return {"int": f"{a}-{b}", "open": f"{a}-", "suffix": f"-{a}"}[kind]


def selected_positions(item) -> set[int]:
    """Slice semantics of one range-spec, written independently of the module under test."""
    kind, a, b = item
    if kind == "int":
        return set(range(L)[a : b + 1])
    if kind == "open":
        return set(range(L)[a:])
    return set(range(L)[max(0, L - a) :]) if a else set()  # DATA[-0:] would be everything


@no_deadline
@given(st.lists(spec, min_size=1, max_size=RANGE_MAX_PARTS))
def test_served_bytes_are_exactly_the_requested_slices(items):
    p = plan("bytes=" + ",".join(spec_text(item) for item in items))
    wanted = set().union(*(selected_positions(item) for item in items))
    if not wanted:
        assert p.status == 416
        return
    assert p.status == 206
    covered = set()
    for byte_range in p.ranges:
        covered |= set(range(byte_range.start, byte_range.end + 1))
    assert covered == wanted
    body = served(p)
    if len(p.ranges) == 1:
        (only,) = p.ranges
        assert body == DATA[only.start : only.end + 1]
    else:
        boundary = p.header("Content-Type").split("boundary=", 1)[1]
        parts = parse_multipart_byteranges(body, boundary)
        assert [part.data for part in parts] == [DATA[r.start : r.end + 1] for r in p.ranges]
    # Coalesced ranges never overlap or touch.
    ordered = sorted(p.ranges)
    assert all(a.end + 1 < b.start for a, b in zip(ordered, ordered[1:], strict=False))


@no_deadline
@given(st.text(max_size=200), st.integers(0, 20_000))
def test_range_parser_never_raises_on_arbitrary_strings(value, length):
    parsed = parse_range_header(value, length)
    assert parsed.outcome in ("ignored", "unsatisfiable", "satisfiable")
    for byte_range in parsed.ranges:
        assert 0 <= byte_range.start <= byte_range.end < length


@no_deadline
@given(st.from_regex(r"[Bb]ytes=[-0-9, ]{0,40}", fullmatch=True))
def test_range_parser_never_raises_on_near_miss_headers(value):
    parse_range_header(value, L)


@no_deadline
@given(st.text(max_size=60), st.text(max_size=60))
def test_plan_never_raises_on_arbitrary_range_and_if_range(range_value, if_range):
    p = plan(range_value, if_range=if_range)
    assert p.status in (200, 206, 416)
    assert p.content_length == int(p.header("Content-Length"))
