import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.streaming.limits import SSE_LAST_EVENT_ID_MAX
from labs.streaming.sse import (
    HEARTBEAT,
    EventFormatError,
    EventStreamParser,
    ParsedEvent,
    event_ids_to_send,
    format_comment,
    format_event,
    parse_event_stream,
    parse_last_event_id,
)

# Timing belongs in bench/: a loaded CI machine must not turn slow examples into failures.
no_deadline = settings(deadline=None)

# --- Formatting --------------------------------------------------------------------------------


def test_event_with_all_fields_is_one_block_ending_in_a_blank_line():
    text = format_event("hello", event="tick", event_id=7, retry_ms=3000)
    assert text == "retry: 3000\nid: 7\nevent: tick\ndata: hello\n\n"


def test_multi_line_data_becomes_several_data_lines_for_every_line_ending():
    assert format_event("a\nb\r\nc\rd") == "data: a\ndata: b\ndata: c\ndata: d\n\n"


def test_unicode_line_separators_are_not_sse_line_endings():
    text = format_event("a\u2028b\x85c\x0cd")
    assert text == "data: a\u2028b\x85c\x0cd\n\n"
    assert parse_event_stream(text).events[0].data == "a\u2028b\x85c\x0cd"


def test_empty_data_is_an_event_but_no_data_is_not():
    assert parse_event_stream(format_event("")).events == (ParsedEvent("message", "", ""),)
    assert parse_event_stream(format_event(event_id="5")).events == ()


@pytest.mark.parametrize("field", ["event", "event_id"])
@pytest.mark.parametrize("bad", ["a\nb", "a\rb"])
def test_line_breaks_in_event_or_id_are_rejected(field, bad):
    with pytest.raises(EventFormatError):
        format_event("x", **{field: bad})


def test_ids_with_nul_are_rejected_because_browsers_ignore_them():
    with pytest.raises(EventFormatError):
        format_event("x", event_id="a\0b")


def test_retry_must_be_within_the_lab_bounds():
    with pytest.raises(EventFormatError):
        format_event("x", retry_ms=-1)
    with pytest.raises(EventFormatError):
        format_event("x", retry_ms=10**9)


def test_lone_surrogates_are_rejected_before_they_reach_the_encoder():
    with pytest.raises(EventFormatError):
        format_event("\ud800")


def test_an_event_needs_a_field():
    with pytest.raises(EventFormatError):
        format_event()


def test_comments_and_heartbeats_are_ignored_by_the_parser():
    stream = HEARTBEAT + format_comment("two\nlines") + format_event("x")
    parsed = parse_event_stream(stream)
    assert [e.data for e in parsed.events] == ["x"]
    assert parsed.comments == ("ping", "two", "lines")


# --- Last-Event-ID -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, 0),
        ("", 0),
        ("42", 42),
        (" 42\t", 42),
        ("-1", 0),
        ("1e3", 0),
        ("0x10", 0),
        ("４２", 0),  # full-width digits
        ("٣", 0),
        ("9" * 500, 0),
        (str(SSE_LAST_EVENT_ID_MAX), SSE_LAST_EVENT_ID_MAX),
        (str(SSE_LAST_EVENT_ID_MAX + 1), 0),
    ],
)
def test_last_event_id_parses_bounded_numbers_and_treats_the_rest_as_zero(header, expected):
    assert parse_last_event_id(header) == expected


@no_deadline
@given(st.text(max_size=50))
def test_last_event_id_never_raises(header):
    assert 0 <= parse_last_event_id(header) <= SSE_LAST_EVENT_ID_MAX


# --- Parsing per the WHATWG algorithm ----------------------------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_every_line_ending_is_accepted(eol):
    stream = eol.join(["event: a", "data: 1", "data: 2", "", ""])
    assert parse_event_stream(stream).events == (ParsedEvent("a", "1\n2", ""),)


def test_one_leading_bom_is_stripped_and_a_second_is_not():
    assert parse_event_stream(b"\xef\xbb\xbfdata: x\n\n").events[0].data == "x"
    # After one BOM is stripped, "\ufeffdata" is an unknown field name: nothing is dispatched.
    assert parse_event_stream(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n").events == ()


def test_only_one_space_after_the_colon_is_removed():
    assert parse_event_stream("data:  two\n\n").events[0].data == " two"
    assert parse_event_stream("data:none\n\n").events[0].data == "none"


def test_a_field_without_a_colon_has_an_empty_value():
    assert parse_event_stream("data\n\n").events == (ParsedEvent("message", "", ""),)
    assert parse_event_stream("data\ndata\n\n").events[0].data == "\n"


def test_unknown_fields_and_case_variants_are_ignored():
    assert parse_event_stream("Data: x\nfoo: y\n\n").events == ()


def test_last_event_id_persists_until_an_id_field_changes_it():
    stream = "id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"
    assert [e.last_event_id for e in parse_event_stream(stream).events] == ["1", "1", ""]


def test_id_with_nul_is_ignored_by_the_parser():
    parsed = parse_event_stream("id: 3\ndata: a\n\nid: 4\x00\ndata: b\n\n")
    assert [e.last_event_id for e in parsed.events] == ["3", "3"]


def test_retry_accepts_only_ascii_digits():
    assert parse_event_stream("retry: 1500\n\n").reconnection_time_ms == 1500
    for bad in ("retry: 1.5\n\n", "retry: -1\n\n", "retry: ١\n\n", "retry:\n\n"):
        assert parse_event_stream(bad).reconnection_time_ms is None
    assert parse_event_stream("retry: " + "9" * 5000 + "\n\n").reconnection_time_ms is None


def test_event_type_resets_after_each_dispatch():
    events = parse_event_stream("event: a\ndata: 1\n\ndata: 2\n\n").events
    assert [e.type for e in events] == ["a", "message"]


def test_an_unfinished_event_at_the_end_is_discarded():
    assert parse_event_stream("data: 1\n\ndata: 2\n").events == (ParsedEvent("message", "1", ""),)
    assert parse_event_stream("data: 1\n\ndata: 2").events == (ParsedEvent("message", "1", ""),)


def test_a_trailing_cr_at_end_of_stream_ends_the_line():
    assert [e.data for e in parse_event_stream("data: 1\n\r").events] == ["1"]


def test_crlf_split_across_reads_is_one_line_ending():
    parser = EventStreamParser()
    events = parser.feed(b"data: 1\r") + parser.feed(b"\n\r") + parser.feed(b"\n") + parser.close()
    # "\r\n" then "\r\n": one data line and one blank line, a single event.
    assert events == [ParsedEvent("message", "1", "")]


def test_utf8_split_across_reads_decodes_and_invalid_bytes_become_replacement_characters():
    parser = EventStreamParser()
    encoded = "data: 你好\n\n".encode()
    events = [event for byte in encoded for event in parser.feed(bytes([byte]))]
    assert events == [ParsedEvent("message", "你好", "")]
    assert parse_event_stream(b"data: \xff\n\n").events[0].data == "\ufffd"


# --- Round trip --------------------------------------------------------------------------------

safe_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
single_line = safe_text.filter(lambda s: "\r" not in s and "\n" not in s)


@no_deadline
@given(
    data=safe_text,
    event=st.none() | single_line,
    event_id=st.none() | single_line.filter(lambda s: "\0" not in s),
    retry_ms=st.none() | st.integers(0, 60_000),
)
def test_formatted_events_parse_back_to_the_same_fields(data, event, event_id, retry_ms):
    parsed = parse_event_stream(
        format_event(data, event=event, event_id=event_id, retry_ms=retry_ms)
    )
    assert len(parsed.events) == 1
    (dispatched,) = parsed.events
    assert dispatched.data == re.sub(r"\r\n|\r", "\n", data)
    assert dispatched.type == (event or "message")
    assert dispatched.last_event_id == (event_id or "")
    assert parsed.reconnection_time_ms == retry_ms


@no_deadline
@given(st.lists(st.tuples(safe_text, single_line), max_size=8), st.integers(1, 7))
def test_a_stream_parses_the_same_whatever_the_read_sizes(events, read_size):
    stream = "".join(format_event(data, event=name or None) for data, name in events).encode()
    whole = parse_event_stream(stream).events
    parser = EventStreamParser()
    pieces = [stream[i : i + read_size] for i in range(0, len(stream), read_size)]
    incremental = [event for piece in pieces for event in parser.feed(piece)] + parser.close()
    assert tuple(incremental) == whole
    assert len(whole) == len(events)


@no_deadline
@given(st.binary(max_size=300))
def test_parser_never_raises_on_arbitrary_bytes(stream):
    parse_event_stream(stream)


def test_a_reconnecting_client_gets_only_the_events_after_its_last_id():
    assert list(event_ids_to_send(None, 5)) == [1, 2, 3, 4, 5]
    assert list(event_ids_to_send("3", 5)) == [4, 5]
    assert list(event_ids_to_send("5", 5)) == []  # answer 204 so EventSource stops
    assert list(event_ids_to_send("garbage", 2)) == [1, 2]
